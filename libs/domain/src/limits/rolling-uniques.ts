/**
 * Unique customers seen in rolling windows that end "now" (24 h, 7 days …), each customer counted
 * by the latest time they were seen. The counts are kept up to date as time moves on instead of
 * being recounted at every decision, so a business reaching 100,000 customers costs the same per
 * decision as one reaching ten.
 *
 * Records are kept sorted by time; each window remembers how far it has expired them. A record
 * only leaves a window when time has passed it, so asking at an earlier instant than before
 * (never more than clock skew between processes) reads the later count.
 */
export interface RollingUniques {
  /** Window lengths in ms, shortest first; records are forgotten once they leave the longest. */
  readonly windows: readonly number[];
  /** Customer → latest time seen, for every customer still inside the longest window. */
  readonly latest: Map<string, number>;
  /** Every time a customer was seen as their latest, oldest first (older entries may be stale). */
  readonly seen: { key: string; at: number }[];
  /** Per window: index in `seen` of the first record not yet expired from it. */
  readonly heads: number[];
  /** Per window: records at or before this instant have left it. */
  readonly expiredUpTo: number[];
  /** Per window: customers whose latest time is inside it. */
  readonly counts: number[];
}

export const rollingUniques = (...windows: number[]): RollingUniques => {
  const sorted = [...windows].sort((a, b) => a - b);
  return {
    windows: sorted,
    latest: new Map(),
    seen: [],
    heads: sorted.map(() => 0),
    expiredUpTo: sorted.map(() => -Infinity),
    counts: sorted.map(() => 0),
  };
};

/** Mutates in place: this is the hot path of every decision, rebuilt from events on start. */
export function see(set: RollingUniques, key: string, at: number): void {
  const previous = set.latest.get(key);
  // Nothing to learn from an older sighting, nor from one every window has already left behind.
  if ((previous !== undefined && previous >= at) || at <= set.expiredUpTo[set.windows.length - 1]) return;
  set.windows.forEach((_, w) => {
    const wasCounted = previous !== undefined && previous > set.expiredUpTo[w];
    if (!wasCounted && at > set.expiredUpTo[w]) set.counts[w]++;
  });
  set.latest.set(key, at);
  let index = set.seen.length;
  while (index > 0 && set.seen[index - 1].at > at) index--;
  set.seen.splice(index, 0, { key, at });
  // A record older than what a window has expired goes in before that window's head: it has left it.
  set.heads.forEach((_, w) => at <= set.expiredUpTo[w] && set.heads[w]++);
}

/** Customers whose latest time lies in (now − window, …]; `window` must be one the set was made with. */
export function countWithin(set: RollingUniques, window: number, now: number): number {
  expire(set, now);
  const w = set.windows.indexOf(window);
  if (w < 0) throw new Error(`no rolling window of ${window} ms`);
  return set.counts[w];
}

/** The latest time `key` was seen, if it is still inside the longest window. */
export const lastSeen = (set: RollingUniques, key: string): number | undefined => set.latest.get(key);

function expire(set: RollingUniques, now: number): void {
  const longest = set.windows.length - 1;
  set.windows.forEach((length, w) => {
    const bound = now - length;
    if (bound <= set.expiredUpTo[w]) return;
    set.expiredUpTo[w] = bound;
    while (set.heads[w] < set.seen.length && set.seen[set.heads[w]].at <= bound) {
      const record = set.seen[set.heads[w]++];
      if (set.latest.get(record.key) !== record.at) continue; // seen again since: still counted
      set.counts[w]--;
      if (w === longest) set.latest.delete(record.key);
    }
  });
  // Drop what every window has passed, now and then rather than at every step.
  const passed = set.heads[longest];
  if (passed > 1024 && passed * 2 > set.seen.length) {
    set.seen.splice(0, passed);
    set.heads.forEach((head, w) => (set.heads[w] = head - passed));
  }
}
