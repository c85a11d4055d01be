import { DAY, iso, ms } from '../shared/time';
import { type Business, type BusinessEvent, MESSAGING_TIERS, type MessagingTier } from '../business/business';
import { type QualityRating, type QualitySignals, qualityRating } from './quality-rating';

/**
 * How the messaging tier moves without the operator, in the spirit of WhatsApp's rules:
 *
 * - Upgrade, one step: a business that reached at least half of its tier in unique customers
 *   outside the window over the last 7 days, whose quality is GREEN, and that has held its tier
 *   for at least 24 h, moves up one tier (250 → 2,000 → 10,000 → 100,000 → unlimited). It is
 *   evaluated after each decision on one of its messages and recorded as an event, so the tier is
 *   a fact of the business's stream from then on. YELLOW and RED hold upgrades back.
 * - Quality lowers the tier in force: while the rating is RED, the limit applied is one tier below
 *   the business's tier (never below 250). It is derived, not recorded: the business's tier comes
 *   back as soon as the rating does.
 *
 * The day at a tier keeps a business from climbing several tiers in one afternoon, and keeps
 * the operator's own setting of a tier in force for at least a day.
 */
export const UPGRADE_WINDOW_MS = 7 * DAY;
export const UPGRADE_MIN_TENURE_MS = DAY;

const indexOf = (tier: MessagingTier) => MESSAGING_TIERS.indexOf(tier);

export const tierAbove = (tier: MessagingTier): MessagingTier | null => MESSAGING_TIERS[indexOf(tier) + 1] ?? null;

export const tierBelow = (tier: MessagingTier): MessagingTier => MESSAGING_TIERS[Math.max(0, indexOf(tier) - 1)];

/** The limit in force: the business's tier, one step lower while its quality is RED. */
export const effectiveTier = (tier: MessagingTier, quality: QualityRating): MessagingTier => (quality === 'RED' ? tierBelow(tier) : tier);

/** Unique customers outside the window, over 7 days, that earn the next tier (null: no tier above). */
export const customersForUpgrade = (tier: MessagingTier): number | null => (tier === 'unlimited' ? null : tier / 2);

/** The first instant at which the business has held its tier long enough to move up. */
export const upgradeEligibleFrom = (business: Pick<Business, 'messagingTierSince'>): number =>
  ms(business.messagingTierSince) + UPGRADE_MIN_TENURE_MS;

export interface UpgradeSignals extends QualitySignals {
  /** Unique customers reached outside the window in the last 7 days. */
  reachedInUpgradeWindow: number;
}

/** The upgrade a business has earned at `now`, if any: at most one step at a time. */
export function decideTierUpgrade(
  business: Pick<Business, 'id' | 'messagingTier' | 'messagingTierSince'>,
  signals: UpgradeSignals,
  now: number,
): BusinessEvent[] {
  const next = tierAbove(business.messagingTier);
  const needed = customersForUpgrade(business.messagingTier);
  if (next === null || needed === null) return [];
  if (now < upgradeEligibleFrom(business)) return [];
  if (signals.reachedInUpgradeWindow < needed) return [];
  if (qualityRating(signals) !== 'GREEN') return [];
  return [
    {
      type: 'MessagingTierUpgraded',
      data: {
        businessId: business.id,
        messagingTier: next,
        previousTier: business.messagingTier,
        reachedInSevenDays: signals.reachedInUpgradeWindow,
        at: iso(now),
      },
    },
  ];
}
