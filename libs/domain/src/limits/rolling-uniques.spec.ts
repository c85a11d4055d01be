import fc from 'fast-check';
import { DAY, HOUR } from '../shared/time';
import { countWithin, lastSeen, rollingUniques, see } from './rolling-uniques';

/** The definition, recounted from scratch: customers whose latest sighting up to now lies in (now − window, now]. */
function recount(sightings: { key: string; at: number }[], window: number, now: number): number {
  const latest = new Map<string, number>();
  for (const { key, at } of sightings) latest.set(key, Math.max(latest.get(key) ?? -Infinity, at));
  return [...latest.values()].filter((at) => at > now - window).length;
}

describe('rolling unique customers (the counts behind the messaging limit, quality and upgrades)', () => {
  it('counts each customer once, by their latest sighting, per window', () => {
    const set = rollingUniques(DAY, 7 * DAY);
    see(set, 'a', 0);
    see(set, 'b', HOUR);
    see(set, 'a', 10 * HOUR);
    expect(countWithin(set, DAY, 11 * HOUR)).toBe(2);
    expect(countWithin(set, DAY, DAY + HOUR)).toBe(1); // b left the 24 h, a (seen at 10 h) has not
    expect(countWithin(set, 7 * DAY, DAY + HOUR)).toBe(2);
    expect(countWithin(set, 7 * DAY, 7 * DAY + HOUR)).toBe(1);
    expect(lastSeen(set, 'b')).toBeUndefined(); // forgotten once it left the longest window
    expect(lastSeen(set, 'a')).toBe(10 * HOUR);
  });

  it('refuses a window it does not keep', () => {
    expect(() => countWithin(rollingUniques(DAY), HOUR, 0)).toThrow();
  });

  it('matches a recount from scratch for any sightings and questions in time order, out-of-order arrivals included', () => {
    const step = fc.record({
      key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      // Mostly forward in time, now and then a little behind (clock skew between writers).
      advance: fc.oneof(fc.integer({ min: 0, max: 3 * DAY }), fc.integer({ min: -5_000, max: 0 })),
      ask: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const set = rollingUniques(DAY, 7 * DAY);
        const sightings: { key: string; at: number }[] = [];
        let clock = 0;
        let asked = -Infinity;
        for (const { key, advance, ask } of steps) {
          clock += advance;
          sightings.push({ key, at: clock });
          see(set, key, clock);
          // Questions come in time order (a decision never looks back); arrivals may not.
          if (ask && clock >= asked) {
            asked = clock;
            expect(countWithin(set, DAY, clock)).toBe(recount(sightings, DAY, clock));
            expect(countWithin(set, 7 * DAY, clock)).toBe(recount(sightings, 7 * DAY, clock));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
