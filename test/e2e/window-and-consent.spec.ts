import { Scenario, expectStatus } from '../support/scenario';

const DAY_S = 24 * 3600;
const code = Scenario.code;

/** domain.md rule 1 (customer service window) and rule 2 (consent), over HTTP. */
describe('customer service window and consent', () => {
  let w: Scenario;

  beforeAll(async () => {
    w = await Scenario.start();
    await w.rateCard();
  });
  afterAll(() => w.stop());

  describe('the 24 h customer service window', () => {
    it('is opened by an inbound message: free-form inside it is accepted and free', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      const before = await w.conversation(shop, alice);
      expectStatus(before, 200);
      expect(before.body.customer_service_window).toEqual({ open: false, expires_at: null });

      await w.inbound(alice, shop, 'hello?');
      const reply = await w.decidedText(shop, alice, 'hi there');
      expect(reply.status).not.toBe('failed');
      expect(reply.pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' });

      const conversation = await w.conversation(shop, alice);
      expectStatus(conversation, 200);
      expect(conversation.body.wa_id).toBe(alice.waId);
      expect(conversation.body.customer_service_window.open).toBe(true);
      const expiresAt = Date.parse(conversation.body.customer_service_window.expires_at);
      const now = await w.now();
      // Opened by the inbound a moment ago: expires about 24 h from now, never later.
      expect(expiresAt).toBeGreaterThan(now + DAY_S * 1000 - 60_000);
      expect(expiresAt).toBeLessThanOrEqual(now + DAY_S * 1000);
      expect(conversation.body.consent).toEqual({ granted: true, source: 'inbound_message' });

      const { delivered } = await w.deliver(shop, alice, reply.id);
      await w.pricingBarrier();
      const after = await w.message(shop, delivered[0].id);
      expect(after.body.status).toBe('delivered');
      expect(after.body.charge).toBeUndefined();
    });

    it('closes after 24 h: free-form then fails with 131047 and is never delivered', async () => {
      const shop = await w.business();
      const bob = await w.customer();
      await w.inbound(bob, shop);
      await w.advance(DAY_S);

      const late = await w.decidedText(shop, bob, 'sorry for the delay');
      expect(late.status).toBe('failed');
      expect(late.errors).toHaveLength(1);
      expect(late.errors[0]).toEqual(expect.objectContaining({ code: 131047, title: expect.any(String), detail: expect.any(String) }));
      expect(late.pricing).toBeUndefined();
      expect(late.charge).toBeUndefined();

      const conversation = await w.conversation(shop, bob);
      expect(conversation.body.customer_service_window).toEqual({ open: false, expires_at: null });
      // The customer messaged first once: consent outlives the window.
      expect(conversation.body.consent).toEqual({ granted: true, source: 'inbound_message' });
      expect(await w.fetchInbox(bob)).toEqual([]);
    });

    it('a free-form message to a customer who never wrote fails with 131047', async () => {
      const shop = await w.business();
      const stranger = await w.customer();
      const m = await w.decidedText(shop, stranger);
      expect(code(m)).toBe(131047);
    });

    it('is reset to 24 h by a second inbound message', async () => {
      const shop = await w.business();
      const carol = await w.customer();
      await w.inbound(carol, shop, 'first');
      await w.advance(20 * 3600);
      await w.inbound(carol, shop, 'second');
      await w.advance(10 * 3600); // 30 h after the first, 10 h after the second

      const reply = await w.decidedText(shop, carol);
      expect(reply.status).not.toBe('failed');
      expect(reply.pricing.type).toBe('free_customer_service');

      const conversation = await w.conversation(shop, carol);
      expect(conversation.body.customer_service_window.open).toBe(true);
      const remaining = Date.parse(conversation.body.customer_service_window.expires_at) - (await w.now());
      expect(remaining).toBeGreaterThan(13.9 * 3600 * 1000);
      expect(remaining).toBeLessThanOrEqual(14 * 3600 * 1000);

      await w.advance(14 * 3600 + 1);
      expect(code(await w.decidedText(shop, carol))).toBe(131047);
    });

    it("is not extended by the business's own messages", async () => {
      const shop = await w.business();
      const dave = await w.customer();
      await w.inbound(dave, shop);
      const opened = await w.conversation(shop, dave);
      const expiresAt = opened.body.customer_service_window.expires_at;

      await w.advance(23 * 3600);
      const t = await w.template(shop, 'UTILITY');
      expect((await w.decidedText(shop, dave, 'still here')).status).not.toBe('failed');
      expect((await w.decidedTemplate(shop, dave, t)).status).not.toBe('failed');
      const stillSame = await w.conversation(shop, dave);
      expect(stillSame.body.customer_service_window).toEqual({ open: true, expires_at: expiresAt });

      await w.advance(3600 + 1);
      expect(code(await w.decidedText(shop, dave, 'hello again'))).toBe(131047);
      expect((await w.conversation(shop, dave)).body.customer_service_window).toEqual({ open: false, expires_at: null });
    });

    it('is per (business, customer) pair', async () => {
      const shop = await w.business();
      const other = await w.business();
      const erin = await w.customer();
      await w.inbound(erin, shop);
      expect((await w.decidedText(shop, erin)).status).not.toBe('failed');
      expect(code(await w.decidedText(other, erin))).toBe(131047);
      expect((await w.conversation(other, erin)).body.customer_service_window.open).toBe(false);
    });
  });

  describe('consent for templates outside the window', () => {
    it('without any contact a template fails with 1001', async () => {
      const shop = await w.business();
      const frank = await w.customer();
      const t = await w.template(shop, 'UTILITY');
      const m = await w.decidedTemplate(shop, frank, t);
      expect(code(m)).toBe(1001);
      expect(m.errors[0]).toEqual(expect.objectContaining({ code: 1001, title: expect.any(String), detail: expect.any(String) }));
      const conversation = await w.conversation(shop, frank);
      expect(conversation.body.consent).toEqual({ granted: false, source: null });
    });

    it.each(['website', 'app', 'click_to_chat', 'other'])('an opt-in from source %s grants consent', async (source) => {
      const shop = await w.business();
      const gina = await w.customer();
      const t = await w.template(shop, 'MARKETING');
      const optIn = await w.optIn(shop, gina, source);
      expect(optIn.status).toBe(201);

      const m = await w.decidedTemplate(shop, gina, t);
      expect(m.status).not.toBe('failed');
      expect(m.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' });
      expect((await w.conversation(shop, gina)).body.consent).toEqual({ granted: true, source });
    });

    it('an unknown opt-in source is refused with 400 and grants nothing', async () => {
      const shop = await w.business();
      const hank = await w.customer();
      const r = await w.optIn(shop, hank, 'newspaper');
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      const t = await w.template(shop, 'UTILITY');
      expect(code(await w.decidedTemplate(shop, hank, t))).toBe(1001);
    });

    it('an opt-out (DELETE opt-ins) revokes consent: 1001 again', async () => {
      const shop = await w.business();
      const ivy = await w.customer();
      const t = await w.template(shop, 'UTILITY');
      expectStatus(await w.optIn(shop, ivy, 'app'), 201);
      expect((await w.decidedTemplate(shop, ivy, t)).status).not.toBe('failed');

      const out = await w.optOut(shop, ivy);
      expect(out.status).toBe(204);
      expect(code(await w.decidedTemplate(shop, ivy, t))).toBe(1001);
      expect((await w.conversation(shop, ivy)).body.consent).toEqual({ granted: false, source: null });

      // A later opt-in grants again: the latest fact decides.
      expectStatus(await w.optIn(shop, ivy, 'other'), 201);
      expect((await w.decidedTemplate(shop, ivy, t)).status).not.toBe('failed');
    });

    it('an opt-out revokes the consent an inbound message gave', async () => {
      const shop = await w.business();
      const jack = await w.customer();
      const t = await w.template(shop, 'UTILITY');
      await w.inbound(jack, shop);
      await w.advance(DAY_S + 1);
      expect((await w.decidedTemplate(shop, jack, t)).status).not.toBe('failed');
      expect((await w.optOut(shop, jack)).status).toBe(204);
      expect(code(await w.decidedTemplate(shop, jack, t))).toBe(1001);
    });

    it('an inbound message after an opt-out grants consent again, and it outlives the window', async () => {
      const shop = await w.business();
      const kim = await w.customer();
      const t = await w.template(shop, 'UTILITY');
      expectStatus(await w.optIn(shop, kim, 'website'), 201);
      expect((await w.optOut(shop, kim)).status).toBe(204);
      expect(code(await w.decidedTemplate(shop, kim, t))).toBe(1001);

      await w.inbound(kim, shop, 'actually, yes');
      await w.advance(DAY_S + 1);
      const m = await w.decidedTemplate(shop, kim, t);
      expect(m.status).not.toBe('failed');
      expect(m.pricing.type).toBe('regular');
      expect((await w.conversation(shop, kim)).body.consent).toEqual({ granted: true, source: 'inbound_message' });
    });

    it('inside an open window a template is accepted even after an opt-out', async () => {
      const shop = await w.business();
      const lee = await w.customer();
      const utility = await w.template(shop, 'UTILITY');
      const marketing = await w.template(shop, 'MARKETING');
      await w.inbound(lee, shop);
      expect((await w.optOut(shop, lee)).status).toBe(204);

      const u = await w.decidedTemplate(shop, lee, utility);
      expect(u.status).not.toBe('failed');
      expect(u.pricing.type).toBe('free_customer_service');
      const m = await w.decidedTemplate(shop, lee, marketing);
      expect(m.status).not.toBe('failed');
      expect(m.pricing.type).toBe('regular');
      expect((await w.decidedText(shop, lee)).status).not.toBe('failed');

      // Once the window closes, the opt-out counts.
      await w.advance(DAY_S + 1);
      expect(code(await w.decidedTemplate(shop, lee, utility))).toBe(1001);
    });

    it('consent is per business', async () => {
      const shop = await w.business();
      const other = await w.business();
      const max = await w.customer();
      expectStatus(await w.optIn(shop, max, 'website'), 201);
      const t = await w.template(other, 'UTILITY');
      expect(code(await w.decidedTemplate(other, max, t))).toBe(1001);
    });

    it('opt-ins are refused for another business (403) and without a business key (401)', async () => {
      const shop = await w.business();
      const other = await w.business();
      const nia = await w.customer();
      const foreign = await w.api.call('POST', `/v1/${shop.id}/opt-ins`, {
        token: other.apiKey,
        body: { wa_id: nia.waId, source: 'website' },
      });
      expect([401, 403, 404]).toContain(foreign.status);
      const device = await w.api.call('POST', `/v1/${shop.id}/opt-ins`, { token: nia.token, body: { wa_id: nia.waId, source: 'website' } });
      expect([401, 403]).toContain(device.status);
      const t = await w.template(shop, 'UTILITY');
      expect(code(await w.decidedTemplate(shop, nia, t))).toBe(1001);
    });
  });
});
