import { DAY } from '../shared/time';

/**
 * The quality rating: how a business's customers take its messages, read from blocks (domain.md
 * rule 4: "blocks count against the business's quality rating"). Reports are not modelled yet.
 *
 *   block rate = customers who blocked the business in the last 7 days
 *                / max(customers it sent an accepted message to in the last 7 days, 100)
 *   GREEN below 2 %, YELLOW from 2 %, RED from 5 %.
 *
 * The floor of 100 keeps a new business's first two or three blocks from being a verdict on a
 * dozen customers. A block counts for 7 days from when it happened, even if the customer unblocks
 * the business later: the complaint was made.
 */
export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED'] as const;
export type QualityRating = (typeof QUALITY_RATINGS)[number];

export const QUALITY_WINDOW_MS = 7 * DAY;
export const QUALITY_MIN_AUDIENCE = 100;
/** Thresholds in basis points (1/100 of a percent), so that comparisons are exact integer arithmetic. */
export const YELLOW_BLOCK_RATE_BP = 200;
export const RED_BLOCK_RATE_BP = 500;

export interface QualitySignals {
  /** Unique customers who blocked the business in the last 7 days. */
  blocks: number;
  /** Unique customers the business sent an accepted message to in the last 7 days. */
  audience: number;
}

export function qualityRating({ blocks, audience }: QualitySignals): QualityRating {
  const base = Math.max(audience, QUALITY_MIN_AUDIENCE);
  if (blocks * 10_000 >= RED_BLOCK_RATE_BP * base) return 'RED';
  if (blocks * 10_000 >= YELLOW_BLOCK_RATE_BP * base) return 'YELLOW';
  return 'GREEN';
}

/** The block rate as a fraction (0.025 = 2.5 %), for people to read; decisions use `qualityRating`. */
export const blockRate = ({ blocks, audience }: QualitySignals): number => blocks / Math.max(audience, QUALITY_MIN_AUDIENCE);
