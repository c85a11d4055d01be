import { DAY, HOUR, SECOND } from '../shared/time';
import { foldBusiness } from '../business/business';
import { UPGRADE_MIN_TENURE_MS, UPGRADE_WINDOW_MS, customersForUpgrade, tierAbove } from './messaging-tier';
import { BUSINESS, accepted, blocked, customer, givenBusiness, limitsSet, registered, t } from '../testing/given-when-then';

/** `n` customers reached outside the window, one per second from `from` (customer(offset) …). */
const reached = (n: number, from = t(0), offset = 0, outsideCustomerServiceWindow = true) =>
  Array.from({ length: n }, (_, i) => accepted(from + i * SECOND, { waId: customer(offset + i), outsideCustomerServiceWindow }));
const blocks = (n: number, at = t(HOUR)) => Array.from({ length: n }, (_, i) => blocked(at, customer(10_000 + i)));
const newBusiness = registered(t(0));

describe('rule 8: automatic messaging-tier upgrades', () => {
  it('moves one step at a time: 250 → 2,000 → 10,000 → 100,000 → unlimited, earned by half the tier', () => {
    expect([250, 2_000, 10_000, 100_000, 'unlimited'].map((tier) => tierAbove(tier as never))).toEqual([
      2_000,
      10_000,
      100_000,
      'unlimited',
      null,
    ]);
    expect([250, 2_000, 10_000, 100_000, 'unlimited'].map((tier) => customersForUpgrade(tier as never))).toEqual([
      125,
      1_000,
      5_000,
      50_000,
      null,
    ]);
    expect(UPGRADE_WINDOW_MS).toBe(7 * DAY);
    expect(UPGRADE_MIN_TENURE_MS).toBe(DAY);
  });

  it('a business that reached half of its tier outside the window in 7 days, a day after reaching its tier, moves up', () => {
    givenBusiness(newBusiness)
      .sending(...reached(125))
      .whenDecidedAt(t(DAY))
      .then(2_000);
    givenBusiness(newBusiness)
      .sending(...reached(124))
      .whenDecidedAt(t(DAY))
      .then('no upgrade');
  });

  it('counts unique customers over 7 days, not per day', () => {
    const overAWeek = [...reached(60, t(0)), ...reached(65, t(3 * DAY), 60)];
    givenBusiness(newBusiness)
      .sending(...overAWeek)
      .whenDecidedAt(t(4 * DAY))
      .then(2_000);
    // The first 60 are 7 days old then: 65 left.
    givenBusiness(newBusiness)
      .sending(...overAWeek)
      .whenDecidedAt(t(7 * DAY + 60 * SECOND))
      .then('no upgrade');
    // The same customer twice counts once.
    givenBusiness(newBusiness)
      .sending(...reached(124), ...reached(1, t(HOUR)))
      .whenDecidedAt(t(DAY))
      .then('no upgrade');
  });

  it('counts only customers reached outside the window (business-initiated)', () => {
    givenBusiness(newBusiness)
      .sending(...reached(125, t(0), 0, false))
      .whenDecidedAt(t(DAY))
      .then('no upgrade');
  });

  it('needs a full day at the current tier, whoever set it', () => {
    givenBusiness(newBusiness)
      .sending(...reached(125))
      .whenDecidedAt(t(DAY - 1))
      .then('no upgrade');
    const raised = limitsSet(t(HOUR), 2_000);
    givenBusiness(newBusiness, raised)
      .sending(...reached(1_000))
      .whenDecidedAt(t(DAY))
      .then('no upgrade');
    givenBusiness(newBusiness, raised)
      .sending(...reached(1_000))
      .whenDecidedAt(t(DAY + HOUR))
      .then(10_000);
    // Setting the same tier again (a new throughput) does not restart the day.
    givenBusiness(newBusiness, limitsSet(t(HOUR), 250, 1_000))
      .sending(...reached(125))
      .whenDecidedAt(t(DAY))
      .then(2_000);
  });

  it('is held back by a YELLOW or RED quality rating', () => {
    // 125 reached: the rate is over max(125, 100) = 125 customers; 3 blocks = 2.4 %.
    givenBusiness(newBusiness)
      .sending(...reached(125), ...blocks(2))
      .whenDecidedAt(t(DAY))
      .then(2_000);
    givenBusiness(newBusiness)
      .sending(...reached(125), ...blocks(3))
      .whenDecidedAt(t(DAY))
      .then('no upgrade');
    givenBusiness(newBusiness)
      .sending(...reached(125), ...blocks(7))
      .whenDecidedAt(t(DAY))
      .then('no upgrade');
    // More customers messaged bring the rate under 2 %: 3 / 151.
    givenBusiness(newBusiness)
      .sending(...reached(151), ...blocks(3))
      .whenDecidedAt(t(DAY))
      .then(2_000);
  });

  it('stops at unlimited', () => {
    givenBusiness(newBusiness, limitsSet(t(0), 'unlimited'))
      .sending(...reached(200))
      .whenDecidedAt(t(2 * DAY))
      .then('no upgrade');
  });

  it('is a fact of the business stream: the tier and its start move with it', () => {
    const [upgrade] = givenBusiness(newBusiness)
      .sending(...reached(125))
      .whenDecidedAt(t(DAY))
      .then(2_000);
    expect(upgrade.data).toMatchObject({ businessId: BUSINESS, previousTier: 250, reachedInSevenDays: 125 });
    const business = foldBusiness([newBusiness, upgrade])!;
    expect(business).toMatchObject({ messagingTier: 2_000, messagingTierSince: new Date(t(DAY)).toISOString() });
    // The next step needs another day at 2,000 and 1,000 customers.
    givenBusiness(newBusiness, upgrade)
      .sending(...reached(1_000))
      .whenDecidedAt(t(DAY + HOUR))
      .then('no upgrade');
    givenBusiness(newBusiness, upgrade)
      .sending(...reached(1_000))
      .whenDecidedAt(t(2 * DAY))
      .then(10_000);
  });
});
