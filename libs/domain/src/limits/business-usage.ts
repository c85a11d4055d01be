import { DAY, SECOND } from '../shared/time';
import type { MessagingTier } from '../business/business';
import { QUALITY_WINDOW_MS, type QualitySignals } from './quality-rating';
import { UPGRADE_WINDOW_MS } from './messaging-tier';
import { type RollingUniques, countWithin, lastSeen, rollingUniques, see } from './rolling-uniques';

/**
 * What one business has sent recently, across all its conversations, and how its customers took
 * it: the input of the messaging limit (unique customers reached outside the window, rolling 24 h),
 * of the throughput limit (messages per second), of the quality rating (blocks against customers
 * messaged, 7 days) and of tier upgrades (customers reached outside the window, 7 days). Built from
 * accepted messages and blocks only.
 */
export interface BusinessUsage {
  /** Customers reached by business-initiated messages (outside the window): 24 h and 7 days. */
  reachedOutsideWindow: RollingUniques;
  /** Customers who received any accepted message: the audience of the quality rating. */
  messaged: RollingUniques;
  /** Customers who blocked the business (each block counts for 7 days, even if undone). */
  blockedBy: RollingUniques;
  /** Acceptance times inside the last second, oldest first. */
  recentAcceptances: number[];
}

export const emptyUsage = (): BusinessUsage => ({
  reachedOutsideWindow: rollingUniques(DAY, UPGRADE_WINDOW_MS),
  messaged: rollingUniques(QUALITY_WINDOW_MS),
  blockedBy: rollingUniques(QUALITY_WINDOW_MS),
  recentAcceptances: [],
});

/** Mutates in place: usage is the hot path of every decision and is rebuilt from events on start. */
export function recordAcceptance(usage: BusinessUsage, accepted: { waId: string; at: number; outsideWindow: boolean }): void {
  usage.recentAcceptances.push(accepted.at);
  see(usage.messaged, accepted.waId, accepted.at);
  if (accepted.outsideWindow) see(usage.reachedOutsideWindow, accepted.waId, accepted.at);
}

export function recordBlock(usage: BusinessUsage, block: { waId: string; at: number }): void {
  see(usage.blockedBy, block.waId, block.at);
}

export const uniqueCustomersReached = (usage: BusinessUsage, now: number): number => countWithin(usage.reachedOutsideWindow, DAY, now);

export function messagesInLastSecond(usage: BusinessUsage, now: number): number {
  const recent = usage.recentAcceptances;
  while (recent.length > 0 && recent[0] <= now - SECOND) recent.shift();
  return recent.filter((at) => at <= now).length;
}

/** The counts the quality rating and the upgrade rule read, as of `now`. */
export interface LimitSignals extends QualitySignals {
  reachedToday: number;
  reachedInUpgradeWindow: number;
}

export const qualitySignals = (usage: BusinessUsage, now: number): QualitySignals => ({
  blocks: countWithin(usage.blockedBy, QUALITY_WINDOW_MS, now),
  audience: countWithin(usage.messaged, QUALITY_WINDOW_MS, now),
});

export const limitSignals = (usage: BusinessUsage, now: number): LimitSignals => ({
  ...qualitySignals(usage, now),
  reachedToday: uniqueCustomersReached(usage, now),
  reachedInUpgradeWindow: countWithin(usage.reachedOutsideWindow, UPGRADE_WINDOW_MS, now),
});

export function wouldExceedMessagingLimit(usage: BusinessUsage, tier: MessagingTier, waId: string, now: number): boolean {
  if (tier === 'unlimited') return false;
  const last = lastSeen(usage.reachedOutsideWindow, waId);
  if (last !== undefined && last > now - DAY) return false;
  return uniqueCustomersReached(usage, now) >= tier;
}

export const wouldExceedThroughput = (usage: BusinessUsage, perSecond: number, now: number): boolean =>
  messagesInLastSecond(usage, now) >= perSecond;
