import { SECOND } from '../shared/time';

/**
 * The pair rate limit: a token bucket of 45 per (business, customer) that refills one token
 * every 6 s of platform time. Only messages that passed every other check spend a token.
 */
export const PAIR_BUCKET_CAPACITY = 45;
export const PAIR_BUCKET_REFILL_MS = 6 * SECOND;

export interface PairBucket {
  tokens: number;
  /** When `tokens` was last exact; partial refill progress since then is kept. */
  at: number;
}

export function refill(bucket: PairBucket | null, now: number): PairBucket {
  if (bucket === null) return { tokens: PAIR_BUCKET_CAPACITY, at: now };
  const earned = Math.floor((now - bucket.at) / PAIR_BUCKET_REFILL_MS);
  if (earned <= 0) return bucket;
  const tokens = Math.min(PAIR_BUCKET_CAPACITY, bucket.tokens + earned);
  return { tokens, at: tokens === PAIR_BUCKET_CAPACITY ? now : bucket.at + earned * PAIR_BUCKET_REFILL_MS };
}

export const hasToken = (bucket: PairBucket | null, now: number): boolean => refill(bucket, now).tokens > 0;

export function spend(bucket: PairBucket | null, now: number): PairBucket {
  const current = refill(bucket, now);
  return { tokens: Math.max(0, current.tokens - 1), at: current.at };
}
