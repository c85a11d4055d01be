import { type BusinessActor, type CustomerActor, Scenario, expectStatus, phone } from '../support/scenario';

const DAY_S = 24 * 3600;
const code = Scenario.code;

/** Runs `fn` over `items`, `width` at a time, keeping the results in order. */
async function inParallel<T, R>(items: T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i], i);
    }),
  );
  return results;
}

/** domain.md rule 8 (limits: 131048, 130429, 131056) and the order of the checks. */
describe('limits and the order of the checks', () => {
  let w: Scenario;

  beforeAll(async () => {
    w = await Scenario.start();
    await w.rateCard();
  });
  afterAll(() => w.stop());

  const decide = (b: BusinessActor, ids: string[]) => inParallel(ids, 16, (id) => w.settled(b, id));

  /**
   * Sends `n` messages at once and waits for their decisions. `wall` bounds the platform time the
   * requests spanned (the clock is real time plus an offset), so tests can allow for the tokens a
   * slow machine may have earned meanwhile instead of assuming a fast one.
   */
  async function burst(b: BusinessActor, n: number, send: () => Promise<any>) {
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: n }, () => send()));
    const wall = Date.now() - started;
    for (const r of responses) expectStatus(r, 202);
    const decided = await decide(
      b,
      responses.map((r) => r.body.messages[0].id as string),
    );
    return {
      decided,
      started,
      wall,
      accepted: decided.filter((m) => m.status !== 'failed').length,
      codes: decided.filter((m) => m.status === 'failed').map(code),
    };
  }
  const texts = (b: BusinessActor, c: CustomerActor, n: number) => burst(b, n, () => w.sendText(b, c));

  /** One pair-bucket token per 6 s of platform time. */
  const tokensEarnedIn = (ms: number) => Math.floor(ms / 6000);

  /** `accepted` is `base` plus at most the tokens earned in `ms`, and every other message failed with 131056. */
  function expectPairLimited(result: Awaited<ReturnType<typeof burst>>, base: number, ms = result.wall) {
    expect(result.accepted).toBeGreaterThanOrEqual(base);
    expect(result.accepted).toBeLessThanOrEqual(base + tokensEarnedIn(ms));
    expect(result.codes.every((c) => c === 131056)).toBe(true);
  }

  /** Sends bursts until one message fails with 131056: the pair's bucket is then empty. */
  async function exhaust(b: BusinessActor, c: CustomerActor) {
    for (let i = 0; i < 5; i++) {
      // Bursts a second apart, so that the default throughput (80/s) never interferes.
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1100));
      const r = await texts(b, c, 46);
      expect(r.codes.every((x) => x === 131056)).toBe(true);
      if (r.codes.length > 0) return;
    }
    throw new Error('the pair bucket never ran empty');
  }

  describe('pair rate limit (131056)', () => {
    it('45 messages to one customer are accepted, the 46th fails with 131056; the bucket refills with platform time', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);

      const first = await texts(shop, alice, 46);
      expectPairLimited(first, 45);
      if (first.wall < 6000) {
        expect(first.codes).toEqual([131056]);
        const failed = first.decided.find((m) => m.status === 'failed');
        expect(failed.errors[0]).toEqual(expect.objectContaining({ code: 131056, title: expect.any(String), detail: expect.any(String) }));
      }

      // One token every 6 s of platform time: two at once, one goes.
      await w.advance(6);
      const one = await texts(shop, alice, 2);
      expectPairLimited(one, 1, Date.now() - first.started);

      // A full refill after 45 × 6 s.
      await w.advance(45 * 6);
      expectPairLimited(await texts(shop, alice, 46), 45);
    });

    it('is per pair: another customer of the same business, or another business, is not limited', async () => {
      const shop = await w.business();
      const other = await w.business();
      const bob = await w.customer();
      const carol = await w.customer();
      await w.inbound(bob, shop);
      await w.inbound(carol, shop);
      await w.inbound(bob, other);
      await exhaust(shop, bob);
      expect((await w.decidedText(shop, carol)).status).not.toBe('failed');
      expect((await w.decidedText(other, bob)).status).not.toBe('failed');
    });

    it('only messages that passed every earlier check spend a token', async () => {
      const shop = await w.business();
      const dave = await w.customer();
      const paused = await w.template(shop, 'UTILITY', 'PAUSED');
      const marketing = await w.template(shop, 'MARKETING');
      await w.inbound(dave, shop);
      expect((await w.marketing(dave, shop, 'stop')).status).toBe(204);

      const failing: string[] = [];
      for (let i = 0; i < 10; i++) {
        failing.push((await w.sendTemplateAs(shop, dave, paused)).body.messages[0].id);
        failing.push((await w.sendTemplateAs(shop, dave, marketing)).body.messages[0].id);
        failing.push((await w.sendTemplateAs(shop, dave, { name: 'nope', parameterCount: 0 })).body.messages[0].id);
      }
      const failed = await decide(shop, failing);
      expect(new Set(failed.map(code))).toEqual(new Set([132015, 131050, 132001]));

      expectPairLimited(await texts(shop, dave, 46), 45);
    });

    it('with the bucket empty, earlier checks still give their own codes', async () => {
      const shop = await w.business();
      const erin = await w.customer();
      const paused = await w.template(shop, 'UTILITY', 'PAUSED');
      const marketing = await w.template(shop, 'MARKETING');
      const utility = await w.template(shop, 'UTILITY');
      await w.inbound(erin, shop);
      await exhaust(shop, erin);

      expect(code(await w.decidedTemplate(shop, erin, { name: 'nope', parameterCount: 0 }))).toBe(132001);
      expect(code(await w.decidedTemplate(shop, erin, paused))).toBe(132015);
      expect(code(await w.decidedTemplate(shop, erin, utility, 3))).toBe(132000);
      expect((await w.marketing(erin, shop, 'stop')).status).toBe(204);
      expect(code(await w.decidedTemplate(shop, erin, marketing))).toBe(131050);
      expect((await w.block(erin, shop)).status).toBe(204);
      expect(code(await w.decidedText(shop, erin))).toBe(131026);
      expect((await w.unblock(erin, shop)).status).toBe(204);
      // Still limited: at most one token can have come back in the meantime.
      const again = await burst(shop, 2, () => w.sendTemplateAs(shop, erin, utility));
      expect(again.codes).toContain(131056);
    });
  });

  describe('throughput limit (130429)', () => {
    /** With 1 message/s, of two messages whose requests came within a second, the later one fails. */
    const withinOneSecond = (wall: number) => wall < 1000;

    it('with 1 message/s, a second message in the same second fails with 130429; it frees up as time passes', async () => {
      const shop = await w.business();
      const limits = await w.setLimits(shop, 250, 1);
      expectStatus(limits, 200);
      expect(limits.body).toEqual(expect.objectContaining({ messaging_tier: 250, throughput_per_second: 1 }));
      const frank = await w.customer();
      const gina = await w.customer();
      await w.inbound(frank, shop);
      await w.inbound(gina, shop);

      const pair = await burst(
        shop,
        2,
        (() => {
          const targets = [frank, gina];
          return () => w.sendText(shop, targets.shift()!);
        })(),
      );
      expect(pair.accepted).toBeGreaterThanOrEqual(1);
      expect(pair.codes.every((c) => c === 130429)).toBe(true);
      if (withinOneSecond(pair.wall)) {
        expect(pair.codes).toEqual([130429]);
        const failed = pair.decided.find((m) => m.status === 'failed');
        expect(failed.errors[0]).toEqual(expect.objectContaining({ code: 130429, title: expect.any(String), detail: expect.any(String) }));
      }

      await w.advance(2);
      expect((await w.decidedText(shop, gina)).status).not.toBe('failed');

      // Another business (default 80/s) is not limited by this one's throughput.
      const other = await w.business();
      await w.inbound(frank, other);
      const both = await texts(other, frank, 2);
      expect(both.accepted).toBe(2);
    });

    it('failed messages do not count toward throughput', async () => {
      const shop = await w.business();
      expectStatus(await w.setLimits(shop, 250, 1), 200);
      const hank = await w.customer();
      await w.inbound(hank, shop);
      const failing = await w.sendTemplateAs(shop, hank, { name: 'nope', parameterCount: 0 });
      const ok = await w.sendText(shop, hank);
      const [f, a] = await decide(shop, [failing.body.messages[0].id, ok.body.messages[0].id]);
      expect(code(f)).toBe(132001);
      expect(a.status).not.toBe('failed');
    });

    it('comes after consent and marketing opt-out', async () => {
      const shop = await w.business();
      expectStatus(await w.setLimits(shop, 250, 1), 200);
      const ivy = await w.customer();
      const jack = await w.customer();
      const utility = await w.template(shop, 'UTILITY');
      const marketing = await w.template(shop, 'MARKETING');
      await w.inbound(ivy, shop);
      await w.inbound(jack, shop);
      expect((await w.marketing(jack, shop, 'stop')).status).toBe(204);
      const stranger = await w.customer();

      // Each probe right after an accepted message: the consent and opt-out codes win whatever the timing.
      const probe = async (send: () => Promise<any>) => {
        const started = Date.now();
        const opener = await w.sendText(shop, ivy);
        const r = await send();
        const wall = Date.now() - started;
        const [o, p] = await decide(shop, [opener.body.messages[0].id, r.body.messages[0].id]);
        expect(o.status).not.toBe('failed');
        await w.advance(2);
        return { message: p, wall };
      };
      expect(code((await probe(() => w.sendTemplateAs(shop, stranger, utility))).message)).toBe(1001);
      expect(code((await probe(() => w.sendTemplateAs(shop, jack, marketing))).message)).toBe(131050);
      const plain = await probe(() => w.sendText(shop, jack));
      if (withinOneSecond(plain.wall)) expect(code(plain.message)).toBe(130429);
      else expect([undefined, 130429]).toContain(code(plain.message));
    });

    it('is checked before the pair limit', async () => {
      const shop = await w.business();
      const kim = await w.customer();
      const lee = await w.customer();
      await w.inbound(kim, shop);
      await w.inbound(lee, shop);
      await exhaust(shop, kim);
      expectStatus(await w.setLimits(shop, 250, 1), 200);
      await w.advance(2);
      const started = Date.now();
      const opener = await w.sendText(shop, lee);
      const probe = await w.sendText(shop, kim);
      const wall = Date.now() - started;
      const [o, p] = await decide(shop, [opener.body.messages[0].id, probe.body.messages[0].id]);
      expect(o.status).not.toBe('failed');
      if (withinOneSecond(wall)) expect(code(p)).toBe(130429);
      else expect([130429, 131056, undefined]).toContain(code(p));
    });
  });

  describe('messaging limit (131048)', () => {
    it('at the 250 tier, the 251st unique customer reached outside the window in 24 h fails with 131048', async () => {
      const shop = await w.business();
      // Throughput out of the way; the tier stays the default 250.
      expectStatus(await w.setLimits(shop, 250, 1000), 200);
      const utility = await w.template(shop, 'UTILITY');
      const marketing = await w.template(shop, 'MARKETING');
      const waIds = Array.from({ length: 252 }, () => phone('91'));
      await inParallel(waIds, 16, async (waId) => expectStatus(await w.optIn(shop, waId, 'website'), 201));

      const first250 = waIds.slice(0, 250);
      const sent = await inParallel(first250, 16, async (waId) => {
        const r = await w.sendTemplateAs(shop, waId, utility);
        expectStatus(r, 202);
        return r.body.messages[0].id as string;
      });
      const decided = await decide(shop, sent);
      expect(decided.filter((m) => m.status === 'failed')).toEqual([]);
      for (const m of decided) expect(m.pricing.type).toBe('regular');

      const over = await w.decidedTemplate(shop, waIds[250], utility);
      expect(code(over)).toBe(131048);
      expect(over.errors[0]).toEqual(expect.objectContaining({ code: 131048, title: expect.any(String), detail: expect.any(String) }));

      // Customers already reached in the last 24 h can be reached again.
      expect((await w.decidedTemplate(shop, waIds[0], utility)).status).not.toBe('failed');
      expect((await w.decidedTemplate(shop, waIds[249], marketing)).status).not.toBe('failed');

      // The messaging limit comes before throughput: at 1 message/s, right after an accepted message,
      // a new customer still gets 131048.
      expectStatus(await w.setLimits(shop, 250, 1), 200);
      await w.advance(2);
      const opener = await w.sendTemplateAs(shop, waIds[1], utility);
      const probe = await w.sendTemplateAs(shop, waIds[251], utility);
      const [o, p] = await decide(shop, [opener.body.messages[0].id, probe.body.messages[0].id]);
      expect(o.status).not.toBe('failed');
      expect(code(p)).toBe(131048);
      expectStatus(await w.setLimits(shop, 250, 1000), 200);

      // Inside a customer service window the limit does not apply (and the customer is not counted).
      const talker = await w.customer(phone('91'));
      await w.inbound(talker, shop);
      expect((await w.decidedText(shop, talker)).status).not.toBe('failed');
      expect((await w.decidedTemplate(shop, talker, utility)).status).not.toBe('failed');

      // Earlier checks come first: consent, then marketing opt-out.
      const stranger = phone('91');
      expect(code(await w.decidedTemplate(shop, stranger, utility))).toBe(1001);
      const optedOut = await w.customer(phone('91'));
      await w.inbound(optedOut, shop);
      expect((await w.marketing(optedOut, shop, 'stop')).status).toBe(204);
      await w.advance(DAY_S + 1); // window closed (this also ends the rolling 24 h, checked below)
      expect(code(await w.decidedTemplate(shop, optedOut, marketing))).toBe(131050);

      // A rolling 24 h: after a day the count starts again.
      expect((await w.decidedTemplate(shop, waIds[250], utility)).status).not.toBe('failed');
    });

    it('the operator can raise the tier: the 251st customer then goes through', async () => {
      const shop = await w.business();
      expectStatus(await w.setLimits(shop, 250, 1000), 200);
      const utility = await w.template(shop, 'UTILITY');
      const waIds = Array.from({ length: 251 }, () => phone('44'));
      await inParallel(waIds, 16, async (waId) => expectStatus(await w.optIn(shop, waId, 'app'), 201));
      const sent = await inParallel(
        waIds.slice(0, 250),
        16,
        async (waId) => (await w.sendTemplateAs(shop, waId, utility)).body.messages[0].id as string,
      );
      expect((await decide(shop, sent)).filter((m) => m.status === 'failed')).toEqual([]);
      expect(code(await w.decidedTemplate(shop, waIds[250], utility))).toBe(131048);

      // What the limit counts is kept with the data: a restart does not reset it.
      w = await w.restart();
      expect(code(await w.decidedTemplate(shop, waIds[250], utility))).toBe(131048);
      expect((await w.decidedTemplate(shop, waIds[3], utility)).status).not.toBe('failed');

      const raised = await w.setLimits(shop, 2000, 1000);
      expectStatus(raised, 200);
      expect(raised.body).toEqual(expect.objectContaining({ messaging_tier: 2000, throughput_per_second: 1000 }));
      expect((await w.decidedTemplate(shop, waIds[250], utility)).status).not.toBe('failed');

      // And lower it again: 251 reached, so the tier of 250 stops a new one at once.
      expectStatus(await w.setLimits(shop, 250, 1000), 200);
      const another = phone('44');
      expectStatus(await w.optIn(shop, another, 'app'), 201);
      expect(code(await w.decidedTemplate(shop, another, utility))).toBe(131048);
      expectStatus(await w.setLimits(shop, 'unlimited', 1000), 200);
      expect((await w.decidedTemplate(shop, another, utility)).status).not.toBe('failed');
    });

    it('PUT limits: operator only, known tiers and 1–1000 messages/s, 404 for an unknown business', async () => {
      const shop = await w.business();
      const byBusiness = await w.api.call('PUT', `/v1/businesses/${shop.id}/limits`, {
        token: shop.apiKey,
        body: { messaging_tier: 'unlimited', throughput_per_second: 1000 },
      });
      expect([401, 403]).toContain(byBusiness.status);
      for (const body of [
        { messaging_tier: 300, throughput_per_second: 80 },
        { messaging_tier: 250, throughput_per_second: 0 },
        { messaging_tier: 250, throughput_per_second: 1001 },
        { messaging_tier: 250, throughput_per_second: 1.5 },
        { messaging_tier: '250', throughput_per_second: 80 },
      ]) {
        const r = await w.api.call('PUT', `/v1/businesses/${shop.id}/limits`, { token: w.admin, body });
        expect(r.status).toBe(400);
      }
      const unknown = await w.api.call('PUT', '/v1/businesses/00000000-0000-4000-8000-000000000000/limits', {
        token: w.admin,
        body: { messaging_tier: 250, throughput_per_second: 80 },
      });
      expect(unknown.status).toBe(404);
    });
  });

  describe('order of the checks', () => {
    it('block (131026) comes before every template check', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      const paused = await w.template(shop, 'MARKETING', 'PAUSED');
      const disabled = await w.template(shop, 'MARKETING', 'DISABLED');
      const utility = await w.template(shop, 'UTILITY');
      expect((await w.block(alice, shop)).status).toBe(204);
      expect(code(await w.decidedTemplate(shop, alice, { name: 'unknown_template', parameterCount: 0 }))).toBe(131026);
      expect(code(await w.decidedTemplate(shop, alice, paused))).toBe(131026);
      expect(code(await w.decidedTemplate(shop, alice, disabled))).toBe(131026);
      expect(code(await w.decidedTemplate(shop, alice, utility, 5))).toBe(131026);
      expect(code(await w.decidedText(shop, alice))).toBe(131026);
    });

    it('template checks (132001, 132015, 132016, 132000) come before window and consent', async () => {
      const shop = await w.business();
      const bob = await w.customer(); // never wrote, no opt-in: outside the window without consent
      const paused = await w.template(shop, 'MARKETING', 'PAUSED');
      const disabled = await w.template(shop, 'MARKETING', 'DISABLED');
      const pending = await w.template(shop, 'MARKETING', 'PENDING');
      const utility = await w.template(shop, 'UTILITY');
      expect(code(await w.decidedTemplate(shop, bob, { name: 'unknown_template', parameterCount: 0 }))).toBe(132001);
      expect(code(await w.decidedTemplate(shop, bob, pending))).toBe(132001);
      expect(code(await w.decidedTemplate(shop, bob, paused))).toBe(132015);
      expect(code(await w.decidedTemplate(shop, bob, disabled))).toBe(132016);
      expect(code(await w.decidedTemplate(shop, bob, utility, 0))).toBe(132000);
      expect(code(await w.decidedTemplate(shop, bob, utility))).toBe(1001);
    });

    it('template checks come before the marketing opt-out', async () => {
      const shop = await w.business();
      const carol = await w.customer();
      const paused = await w.template(shop, 'MARKETING', 'PAUSED');
      const marketing = await w.template(shop, 'MARKETING');
      await w.inbound(carol, shop);
      expect((await w.marketing(carol, shop, 'stop')).status).toBe(204);
      expect(code(await w.decidedTemplate(shop, carol, paused))).toBe(132015);
      expect(code(await w.decidedTemplate(shop, carol, marketing, 2))).toBe(132000);
      expect(code(await w.decidedTemplate(shop, carol, marketing))).toBe(131050);
    });

    it('the window (131047) decides free-form before consent or opt-out; consent (1001) comes before the marketing opt-out (131050)', async () => {
      const shop = await w.business();
      const dave = await w.customer();
      const marketing = await w.template(shop, 'MARKETING');
      await w.inbound(dave, shop);
      expect((await w.marketing(dave, shop, 'stop')).status).toBe(204);
      expect((await w.optOut(shop, dave)).status).toBe(204);
      await w.advance(DAY_S + 1);
      expect(code(await w.decidedText(shop, dave))).toBe(131047);
      expect(code(await w.decidedTemplate(shop, dave, marketing))).toBe(1001);
      expectStatus(await w.optIn(shop, dave, 'website'), 201);
      expect(code(await w.decidedTemplate(shop, dave, marketing))).toBe(131050);
    });
  });
});
