import { Scenario, expectStatus } from '../support/scenario';

const DAY_S = 24 * 3600;
const code = Scenario.code;

/** domain.md rule 3 (marketing opt-out, 131050) and rule 4 (blocking, 131026). */
describe('blocks and marketing preferences', () => {
  let w: Scenario;

  beforeAll(async () => {
    w = await Scenario.start();
    await w.rateCard();
  });
  afterAll(() => w.stop());

  describe('marketing opt-out', () => {
    it('stop → MARKETING fails with 131050 inside the window; UTILITY, AUTHENTICATION and free-form still go', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      const marketing = await w.template(shop, 'MARKETING');
      const utility = await w.template(shop, 'UTILITY');
      const auth = await w.template(shop, 'AUTHENTICATION', 'APPROVED', { body: 'Your code is {{1}}' });
      await w.inbound(alice, shop);

      const stop = await w.marketing(alice, shop, 'stop');
      expect(stop.status).toBe(204);
      expect((await w.conversation(shop, alice)).body.marketing_opt_out).toBe(true);

      const m = await w.decidedTemplate(shop, alice, marketing);
      expect(code(m)).toBe(131050);
      expect(m.errors[0]).toEqual(expect.objectContaining({ code: 131050, title: expect.any(String), detail: expect.any(String) }));
      expect(m.pricing).toBeUndefined();

      const u = await w.decidedTemplate(shop, alice, utility);
      expect(u.status).not.toBe('failed');
      expect(u.pricing.category).toBe('utility');
      const a = await w.decidedTemplate(shop, alice, auth);
      expect(a.status).not.toBe('failed');
      expect(a.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'authentication', type: 'regular' });
      expect((await w.decidedText(shop, alice)).status).not.toBe('failed');
    });

    it('stop → MARKETING fails with 131050 outside the window too, with consent; UTILITY is accepted', async () => {
      const shop = await w.business();
      const bob = await w.customer();
      const marketing = await w.template(shop, 'MARKETING');
      const utility = await w.template(shop, 'UTILITY');
      await w.inbound(bob, shop);
      expect((await w.marketing(bob, shop, 'stop')).status).toBe(204);
      await w.advance(DAY_S + 1);

      expect(code(await w.decidedTemplate(shop, bob, marketing))).toBe(131050);
      const u = await w.decidedTemplate(shop, bob, utility);
      expect(u.status).not.toBe('failed');
      expect(u.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' });
    });

    it('resume restores marketing; stop and resume are per business and repeat harmlessly', async () => {
      const shop = await w.business();
      const other = await w.business();
      const carol = await w.customer();
      const marketing = await w.template(shop, 'MARKETING');
      const otherMarketing = await w.template(other, 'MARKETING');
      await w.inbound(carol, shop);
      await w.inbound(carol, other);

      expect((await w.marketing(carol, shop, 'stop')).status).toBe(204);
      expect((await w.marketing(carol, shop, 'stop')).status).toBe(204);
      expect(code(await w.decidedTemplate(shop, carol, marketing))).toBe(131050);
      expect((await w.decidedTemplate(other, carol, otherMarketing)).status).not.toBe('failed');

      expect((await w.marketing(carol, shop, 'resume')).status).toBe(204);
      expect((await w.conversation(shop, carol)).body.marketing_opt_out).toBe(false);
      const back = await w.decidedTemplate(shop, carol, marketing);
      expect(back.status).not.toBe('failed');
      expect(back.pricing.type).toBe('regular');
      expect((await w.marketing(carol, shop, 'resume')).status).toBe(204);
      expect((await w.decidedTemplate(shop, carol, marketing)).status).not.toBe('failed');
    });

    it('a preference naming an unknown business is a 404; an invalid choice is a 400; another customer’s path is refused', async () => {
      const shop = await w.business();
      const dave = await w.customer();
      const erin = await w.customer();
      const unknown = await w.api.call('POST', `/v1/customers/${dave.waId}/preferences`, {
        token: dave.token,
        body: { business_phone: '19995550000', marketing: 'stop' },
      });
      expect(unknown.status).toBe(404);
      const invalid = await w.api.call('POST', `/v1/customers/${dave.waId}/preferences`, {
        token: dave.token,
        body: { business_phone: shop.phone, marketing: 'pause' },
      });
      expect(invalid.status).toBe(400);
      const foreign = await w.api.call('POST', `/v1/customers/${erin.waId}/preferences`, {
        token: dave.token,
        body: { business_phone: shop.phone, marketing: 'stop' },
      });
      expect([401, 403, 404]).toContain(foreign.status);
      const byBusiness = await w.api.call('POST', `/v1/customers/${erin.waId}/preferences`, {
        token: shop.apiKey,
        body: { business_phone: shop.phone, marketing: 'stop' },
      });
      expect([401, 403]).toContain(byBusiness.status);
      expect((await w.conversation(shop, erin)).body.marketing_opt_out).toBe(false);
    });
  });

  describe('blocking', () => {
    it('a blocked business gets 131026 for text and for every template category, and is never charged', async () => {
      const shop = await w.business();
      const frank = await w.customer();
      const marketing = await w.template(shop, 'MARKETING');
      const utility = await w.template(shop, 'UTILITY');
      const auth = await w.template(shop, 'AUTHENTICATION');
      await w.inbound(frank, shop);

      const block = await w.block(frank, shop);
      expect(block.status).toBe(204);
      expect((await w.conversation(shop, frank)).body.blocked).toBe(true);

      const failed = [
        await w.decidedText(shop, frank, 'are you there?'),
        await w.decidedTemplate(shop, frank, marketing),
        await w.decidedTemplate(shop, frank, utility),
        await w.decidedTemplate(shop, frank, auth),
      ];
      for (const m of failed) {
        expect(code(m)).toBe(131026);
        expect(m.errors[0]).toEqual(expect.objectContaining({ code: 131026, title: expect.any(String), detail: expect.any(String) }));
        expect(m.pricing).toBeUndefined();
      }
      expect(await w.fetchInbox(frank)).toEqual([]);

      await w.pricingBarrier();
      for (const m of failed) expect((await w.message(shop, m.id)).body.charge).toBeUndefined();
      const charges = await w.charges(shop);
      expectStatus(charges, 200);
      expect(charges.body).toEqual({ data: [], total_micros: 0, currency: 'USD' });
    });

    it('a message still waiting for the device when the customer blocks is not delivered: 131026, never charged', async () => {
      const shop = await w.business();
      const other = await w.business();
      const lena = await w.customer();
      const marketing = await w.template(shop, 'MARKETING');
      const otherMarketing = await w.template(other, 'MARKETING');
      await w.inbound(lena, shop);
      await w.inbound(lena, other);
      const waiting = await w.decidedTemplate(shop, lena, marketing);
      const fromOther = await w.decidedTemplate(other, lena, otherMarketing);
      await w.settled(shop, waiting.id, ['sent']);
      await w.settled(other, fromOther.id, ['sent']);

      expect((await w.block(lena, shop)).status).toBe(204);
      const inbox = await w.fetchInbox(lena);
      expect(inbox.map((m) => m.id)).toEqual([fromOther.id]);

      const failed = await w.settled(shop, waiting.id, ['failed', 'delivered']);
      expect(failed.status).toBe('failed');
      expect(failed.errors).toEqual([expect.objectContaining({ code: 131026, title: expect.any(String), detail: expect.any(String) })]);
      expect((await w.charged(other, fromOther.id)).charge.amount_micros).toBe(52900);
      await w.pricingBarrier();
      expect((await w.message(shop, waiting.id)).body.charge).toBeUndefined();
      expect((await w.charges(shop)).body.total_micros).toBe(0);

      // Unblocking later does not bring it back.
      expect((await w.unblock(lena, shop)).status).toBe(204);
      expect(await w.fetchInbox(lena)).toEqual([]);
      expect((await w.message(shop, waiting.id)).body.status).toBe('failed');
    });

    it('a block also stops templates outside the window (131026 before consent), and unblock restores sending', async () => {
      const shop = await w.business();
      const gina = await w.customer();
      const marketing = await w.template(shop, 'MARKETING');
      expectStatus(await w.optIn(shop, gina, 'website'), 201);
      expect((await w.block(gina, shop)).status).toBe(204);
      expect(code(await w.decidedTemplate(shop, gina, marketing))).toBe(131026);

      const unblock = await w.unblock(gina, shop);
      expect(unblock.status).toBe(204);
      expect((await w.conversation(shop, gina)).body.blocked).toBe(false);
      const m = await w.decidedTemplate(shop, gina, marketing);
      expect(m.status).not.toBe('failed');
      await w.deliver(shop, gina, m.id);
      expect((await w.charged(shop, m.id)).charge.amount_micros).toBe(52900);
    });

    it('blocking is per business, and blocking twice then unblocking once unblocks', async () => {
      const shop = await w.business();
      const other = await w.business();
      const hank = await w.customer();
      await w.inbound(hank, shop);
      await w.inbound(hank, other);
      expect((await w.block(hank, shop)).status).toBe(204);
      expect((await w.block(hank, shop)).status).toBe(204);
      expect(code(await w.decidedText(shop, hank))).toBe(131026);
      expect((await w.decidedText(other, hank)).status).not.toBe('failed');

      expect((await w.unblock(hank, shop)).status).toBe(204);
      expect((await w.decidedText(shop, hank)).status).not.toBe('failed');
      // Unblocking what is not blocked is harmless.
      expect((await w.unblock(hank, shop)).status).toBe(204);
      expect((await w.decidedText(shop, hank)).status).not.toBe('failed');
    });

    it('an inbound message from a customer who blocked the business does not lift the block', async () => {
      const shop = await w.business();
      const ivy = await w.customer();
      expect((await w.block(ivy, shop)).status).toBe(204);
      await w.inbound(ivy, shop, 'question');
      expect(code(await w.decidedText(shop, ivy))).toBe(131026);
    });

    it('block endpoints: unknown business 404, malformed phone 400, another customer or a business key refused', async () => {
      const shop = await w.business();
      const jack = await w.customer();
      const kim = await w.customer();
      const unknown = await w.api.call('POST', `/v1/customers/${jack.waId}/blocks`, {
        token: jack.token,
        body: { business_phone: '19995550001' },
      });
      expect(unknown.status).toBe(404);
      const malformed = await w.api.call('POST', `/v1/customers/${jack.waId}/blocks`, {
        token: jack.token,
        body: { business_phone: '+1 555' },
      });
      expect(malformed.status).toBe(400);
      const malformedPath = await w.api.call('DELETE', `/v1/customers/${jack.waId}/blocks/abc`, { token: jack.token });
      expect(malformedPath.status).toBe(400);
      const foreign = await w.api.call('POST', `/v1/customers/${kim.waId}/blocks`, {
        token: jack.token,
        body: { business_phone: shop.phone },
      });
      expect([401, 403, 404]).toContain(foreign.status);
      const byBusiness = await w.api.call('POST', `/v1/customers/${kim.waId}/blocks`, {
        token: shop.apiKey,
        body: { business_phone: shop.phone },
      });
      expect([401, 403]).toContain(byBusiness.status);
      expect((await w.conversation(shop, kim)).body.blocked).toBe(false);
    });
  });
});
