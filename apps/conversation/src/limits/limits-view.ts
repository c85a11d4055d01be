import {
  type Business,
  DAY,
  MESSAGING_TIERS,
  QUALITY_MIN_AUDIENCE,
  QUALITY_WINDOW_MS,
  RED_BLOCK_RATE_BP,
  SECOND,
  UPGRADE_WINDOW_MS,
  YELLOW_BLOCK_RATE_BP,
  blockRate,
  customersForUpgrade,
  effectiveTier,
  iso,
  qualityRating,
  tierAbove,
  upgradeEligibleFrom,
} from '@ventana/domain';
import type { SqlDatabase, SqlValue } from '@ventana/projections';

/**
 * A business's messaging limits as of `now`: its tier and the tier in force, its quality rating,
 * what it has used, and the thresholds that move them. The counts come from the messaging-limits
 * projection; rating them is the domain's own rules, the ones window-policy decides with.
 */
export async function limitsView(db: SqlDatabase, business: Business, now: number) {
  const count = async (sql: string, params: SqlValue[]) => Number((await db.one<{ n: number | string }>(sql, params))?.n ?? 0);
  const reach = (column: string, windowMs: number) =>
    count(`SELECT COUNT(*) AS n FROM limit_reach WHERE business_id = ? AND ${column} > ?`, [business.id, iso(now - windowMs)]);
  const [reachedToday, reachedInUpgradeWindow, audience, blocks, lastSecond] = await Promise.all([
    reach('last_reached_outside_window_at', DAY),
    reach('last_reached_outside_window_at', UPGRADE_WINDOW_MS),
    reach('last_messaged_at', QUALITY_WINDOW_MS),
    count(`SELECT COUNT(*) AS n FROM limit_blocks WHERE business_id = ? AND blocked_at > ?`, [business.id, iso(now - QUALITY_WINDOW_MS)]),
    count(`SELECT COUNT(*) AS n FROM limit_recent_acceptances WHERE business_id = ? AND accepted_at > ? AND accepted_at <= ?`, [
      business.id,
      iso(now - SECOND),
      iso(now),
    ]),
  ]);
  const quality = qualityRating({ blocks, audience });
  const next = tierAbove(business.messagingTier);
  return {
    business_id: business.id,
    messaging_tier: business.messagingTier,
    messaging_tier_since: business.messagingTierSince,
    effective_messaging_tier: effectiveTier(business.messagingTier, quality),
    quality_rating: quality,
    throughput_per_second: business.throughputPerSecond,
    usage: {
      unique_customers_24h: reachedToday,
      messages_last_second: lastSecond,
      unique_customers_7d: reachedInUpgradeWindow,
      customers_messaged_7d: audience,
      blocks_7d: blocks,
      block_rate_7d: blockRate({ blocks, audience }),
    },
    thresholds: {
      messaging_tiers: MESSAGING_TIERS,
      quality: {
        window_days: QUALITY_WINDOW_MS / DAY,
        minimum_audience: QUALITY_MIN_AUDIENCE,
        yellow_from_block_rate: YELLOW_BLOCK_RATE_BP / 10_000,
        red_from_block_rate: RED_BLOCK_RATE_BP / 10_000,
      },
      upgrade: {
        next_tier: next,
        unique_customers_7d_needed: customersForUpgrade(business.messagingTier),
        not_before: next === null ? null : iso(upgradeEligibleFrom(business)),
        quality_needed: 'GREEN',
      },
    },
    as_of: iso(now),
  };
}
