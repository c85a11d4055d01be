import { DAY, SECOND } from '../shared/time';
import type { MessagingTier } from '../business/business';

/**
 * What one business has sent recently, across all its conversations: the input of the
 * messaging limit (unique customers reached outside the window, rolling 24 h) and of the
 * per-number throughput limit (messages per second). Built from accepted messages only.
 */
export interface BusinessUsage {
  /** wa_id → last time a business-initiated message outside the window reached them. */
  reachedOutsideWindow: Map<string, number>;
  /** Acceptance times inside the last second, oldest first. */
  recentAcceptances: number[];
}

export const emptyUsage = (): BusinessUsage => ({ reachedOutsideWindow: new Map(), recentAcceptances: [] });

/** Mutates in place: usage is the hot path of every decision and is rebuilt from events on start. */
export function recordAcceptance(usage: BusinessUsage, accepted: { waId: string; at: number; outsideWindow: boolean }): void {
  usage.recentAcceptances.push(accepted.at);
  if (accepted.outsideWindow) usage.reachedOutsideWindow.set(accepted.waId, accepted.at);
}

export function uniqueCustomersReached(usage: BusinessUsage, now: number): number {
  let count = 0;
  for (const [waId, at] of usage.reachedOutsideWindow) {
    if (at > now - DAY) count++;
    else usage.reachedOutsideWindow.delete(waId);
  }
  return count;
}

export function messagesInLastSecond(usage: BusinessUsage, now: number): number {
  const recent = usage.recentAcceptances;
  while (recent.length > 0 && recent[0] <= now - SECOND) recent.shift();
  return recent.filter((at) => at <= now).length;
}

export function wouldExceedMessagingLimit(usage: BusinessUsage, tier: MessagingTier, waId: string, now: number): boolean {
  if (tier === 'unlimited') return false;
  const last = usage.reachedOutsideWindow.get(waId);
  if (last !== undefined && last > now - DAY) return false;
  return uniqueCustomersReached(usage, now) >= tier;
}

export const wouldExceedThroughput = (usage: BusinessUsage, perSecond: number, now: number): boolean =>
  messagesInLastSecond(usage, now) >= perSecond;
