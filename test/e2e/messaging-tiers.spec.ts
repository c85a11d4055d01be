import { expectProblem } from '../support/problem';
import { type BusinessActor, Scenario, eventually, expectStatus, phone } from '../support/scenario';

const DAY_S = 24 * 3600;
const code = Scenario.code;

/** Runs `fn` over `items`, `width` at a time, keeping the results in order. */
async function inParallel<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]);
    }),
  );
  return results;
}

/**
 * Rule 8's quality rating and automatic tiers (README: "Messaging limits: quality and tiers"):
 * blocks drive the rating, RED lowers the tier in force by one step, a business that uses half of
 * its tier over 7 days with GREEN quality moves up a tier after a day at it, and a business reads
 * all of it at GET /v1/{business_id}/limits.
 */
describe('quality rating and messaging tiers', () => {
  let w: Scenario;

  beforeAll(async () => {
    w = await Scenario.start();
    await w.rateCard();
  });
  afterAll(() => w.stop());

  const limits = async (b: BusinessActor) => {
    const r = await w.api.call('GET', `/v1/${b.id}/limits`, { token: b.apiKey });
    expectStatus(r, 200);
    return r.body;
  };

  /** Opts every customer in, sends each the template outside the window, and returns the decided messages. */
  async function reach(b: BusinessActor, template: { name: string; parameterCount: number }, waIds: string[]) {
    await inParallel(waIds, 16, async (waId) => expectStatus(await w.optIn(b, waId, 'website'), 201));
    return inParallel(waIds, 16, async (waId) => {
      const r = await w.sendTemplateAs(b, waId, template);
      expectStatus(r, 202);
      return w.settled(b, r.body.messages[0].id);
    });
  }

  /** `n` customers with devices, each blocking the business. */
  async function blockedBy(b: BusinessActor, n: number) {
    await inParallel(Array.from({ length: n }), 8, async () => expectStatus(await w.block(await w.customer(phone('44')), b), 204));
  }

  it('GET /v1/{business_id}/limits: a new business at the 250 tier, GREEN, nothing used, with the thresholds', async () => {
    const shop = await w.business();
    const now = await w.now();
    const body = await limits(shop);
    expect(body).toEqual({
      business_id: shop.id,
      messaging_tier: 250,
      messaging_tier_since: expect.any(String),
      effective_messaging_tier: 250,
      quality_rating: 'GREEN',
      throughput_per_second: 80,
      usage: {
        unique_customers_24h: 0,
        messages_last_second: 0,
        unique_customers_7d: 0,
        customers_messaged_7d: 0,
        blocks_7d: 0,
        block_rate_7d: 0,
      },
      thresholds: {
        messaging_tiers: [250, 2000, 10000, 100000, 'unlimited'],
        quality: { window_days: 7, minimum_audience: 100, yellow_from_block_rate: 0.02, red_from_block_rate: 0.05 },
        upgrade: { next_tier: 2000, unique_customers_7d_needed: 125, not_before: expect.any(String), quality_needed: 'GREEN' },
      },
      as_of: expect.any(String),
    });
    // The day at the tier runs from registration.
    expect(Date.parse(body.thresholds.upgrade.not_before) - Date.parse(body.messaging_tier_since)).toBe(DAY_S * 1000);
    expect(Math.abs(Date.parse(body.as_of) - now)).toBeLessThan(60_000);
  });

  it('GET limits: only the business itself, or the operator at /v1/businesses/{id}/limits', async () => {
    const shop = await w.business();
    const other = await w.business();
    const device = await w.customer();
    expectProblem(await w.api.call('GET', `/v1/${shop.id}/limits`, { token: other.apiKey }), 403);
    expectProblem(await w.api.call('GET', `/v1/${shop.id}/limits`, { token: device.token }), 401);
    expectProblem(await w.api.call('GET', `/v1/${shop.id}/limits`, { token: w.admin }), 401);
    expectProblem(await w.api.call('GET', `/v1/${shop.id}/limits`), 401);
    expectProblem(await w.api.call('GET', `/v1/businesses/${shop.id}/limits`, { token: shop.apiKey }), 401);
    expectProblem(await w.api.call('GET', '/v1/businesses/00000000-0000-4000-8000-000000000000/limits', { token: w.admin }), 404);
    const byOperator = await w.api.call('GET', `/v1/businesses/${shop.id}/limits`, { token: w.admin });
    expectStatus(byOperator, 200);
    expect({ ...byOperator.body, as_of: null }).toEqual({ ...(await limits(shop)), as_of: null });
  });

  it('reached half its tier in 7 days: moves up a tier after a day at it, once its block rate is under 2 % (YELLOW holds it back)', async () => {
    const shop = await w.business();
    // Throughput out of the way; the same tier again keeps the day at 250 running from registration.
    expectStatus(await w.setLimits(shop, 250, 1000), 200);
    const utility = await w.template(shop, 'UTILITY');
    const waIds = Array.from({ length: 151 }, () => phone('91'));

    // Day 0: 125 customers reached outside the window (half the tier), and 3 customers block the business.
    expect((await reach(shop, utility, waIds.slice(0, 125))).filter((m) => m.status === 'failed')).toEqual([]);
    await blockedBy(shop, 3);
    expect(await limits(shop)).toMatchObject({
      messaging_tier: 250,
      quality_rating: 'YELLOW', // 3 / 125 = 2.4 %
      usage: { unique_customers_24h: 125, unique_customers_7d: 125, customers_messaged_7d: 125, blocks_7d: 3 },
    });

    // Day 1: a day at the tier and half of it reached, but 3 / 126 is still YELLOW: no upgrade.
    await w.advance(DAY_S + 1);
    expect((await reach(shop, utility, [waIds[125]]))[0].status).not.toBe('failed');
    expect(await limits(shop)).toMatchObject({
      messaging_tier: 250,
      quality_rating: 'YELLOW',
      usage: { unique_customers_24h: 1, unique_customers_7d: 126 },
    });

    // 25 more: 3 / 150 is still 2 %; the 151st customer brings it under, and the upgrade follows that decision.
    const before = await w.now();
    expect((await reach(shop, utility, waIds.slice(126))).filter((m) => m.status === 'failed')).toEqual([]);
    const upgraded = await eventually('the upgrade to 2,000', async () => {
      const body = await limits(shop);
      return body.messaging_tier === 2000 ? body : undefined;
    });
    expect(upgraded).toMatchObject({
      effective_messaging_tier: 2000,
      quality_rating: 'GREEN',
      usage: { unique_customers_7d: 151, customers_messaged_7d: 151, blocks_7d: 3 },
      thresholds: { upgrade: { next_tier: 10000, unique_customers_7d_needed: 1000 } },
    });
    // Recorded at the decision that earned it, not at an earlier one.
    expect(Date.parse(upgraded.messaging_tier_since)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(upgraded.thresholds.upgrade.not_before) - Date.parse(upgraded.messaging_tier_since)).toBe(DAY_S * 1000);
  });

  it('customers blocking the business drive its rating RED, which lowers the tier in force by one step until the blocks age out', async () => {
    const shop = await w.business();
    expectStatus(await w.setLimits(shop, 2000, 1000), 200);
    const utility = await w.template(shop, 'UTILITY');
    const waIds = Array.from({ length: 251 }, () => phone('91'));

    expect((await reach(shop, utility, waIds.slice(0, 250))).filter((m) => m.status === 'failed')).toEqual([]);
    expect(await limits(shop)).toMatchObject({
      messaging_tier: 2000,
      effective_messaging_tier: 2000,
      quality_rating: 'GREEN',
      usage: { unique_customers_24h: 250 },
    });

    await blockedBy(shop, 12); // 12 / 250 = 4.8 %
    expect(await limits(shop)).toMatchObject({ effective_messaging_tier: 2000, quality_rating: 'YELLOW', usage: { blocks_7d: 12 } });
    await blockedBy(shop, 1); // 13 / 250 = 5.2 %
    expect(await limits(shop)).toMatchObject({
      messaging_tier: 2000,
      effective_messaging_tier: 250,
      quality_rating: 'RED',
      usage: { blocks_7d: 13 },
    });

    // At the 2,000 tier the 251st customer would go through; rated RED the limit is 250.
    expectStatus(await w.optIn(shop, waIds[250], 'website'), 201);
    const refused = await w.decidedTemplate(shop, waIds[250], utility);
    expect(code(refused)).toBe(131048);
    expect(refused.errors[0].detail).toMatch(/RED quality rating/);
    // Customers already reached in the 24 h still can be.
    expect((await w.decidedTemplate(shop, waIds[0], utility)).status).not.toBe('failed');

    // Blocks count for 7 days: then the rating, and the tier in force, come back.
    await w.advance(7 * DAY_S + 1);
    expect(await limits(shop)).toMatchObject({
      messaging_tier: 2000,
      effective_messaging_tier: 2000,
      quality_rating: 'GREEN',
      usage: { blocks_7d: 0 },
    });
  });
});
