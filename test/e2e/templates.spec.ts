import { Scenario, expectStatus } from '../support/scenario';

const code = Scenario.code;

/** domain.md rule 5 (templates) and the template error codes 132000, 132001, 132015, 132016. */
describe('templates', () => {
  let w: Scenario;

  beforeAll(async () => {
    w = await Scenario.start();
    await w.rateCard();
  });
  afterAll(() => w.stop());

  describe('submission and review', () => {
    it('a submitted template starts PENDING with the parameter count of its body, and GET lists it', async () => {
      const shop = await w.business();
      const submitted = await w.submitTemplate(shop, {
        name: 'shipping_confirmation',
        language: 'en_US',
        category: 'UTILITY',
        body: 'Hi {{1}}, order {{2}} ships on {{3}}',
      });
      expectStatus(submitted, 201);
      expect(submitted.body).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          status: 'PENDING',
          name: 'shipping_confirmation',
          language: 'en_US',
          category: 'UTILITY',
          parameter_count: 3,
        }),
      );
      const otp = await w.submitTemplate(shop, {
        name: 'one_time_password',
        language: 'en',
        category: 'AUTHENTICATION',
        body: 'Your code is {{1}}',
      });
      expectStatus(otp, 201);
      const reviewed = await w.review(otp.body.id, 'APPROVED');
      expectStatus(reviewed, 200);
      expect(reviewed.body).toEqual(expect.objectContaining({ id: otp.body.id, status: 'APPROVED', category: 'AUTHENTICATION' }));

      const list = await w.api.call('GET', `/v1/${shop.id}/templates`, { token: shop.apiKey });
      expectStatus(list, 200);
      const byName = Object.fromEntries((list.body.data as any[]).map((t) => [t.name, t]));
      expect(list.body.data).toHaveLength(2);
      expect(byName.shipping_confirmation).toEqual(
        expect.objectContaining({ id: submitted.body.id, status: 'PENDING', parameter_count: 3, category: 'UTILITY' }),
      );
      expect(byName.one_time_password).toEqual(
        expect.objectContaining({ id: otp.body.id, status: 'APPROVED', parameter_count: 1, language: 'en' }),
      );

      // No business reads another's templates.
      const other = await w.business();
      const foreign = await w.api.call('GET', `/v1/${shop.id}/templates`, { token: other.apiKey });
      expect([401, 403, 404]).toContain(foreign.status);
      const own = await w.api.call('GET', `/v1/${other.id}/templates`, { token: other.apiKey });
      expect(own.body.data).toEqual([]);
    });

    it('a body without parameters has 0 of them and is sent with parameter_count 0', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      const t = await w.template(shop, 'UTILITY', 'APPROVED', { body: 'Your appointment is confirmed' });
      expect(t.parameterCount).toBe(0);
      await w.inbound(alice, shop);
      expect((await w.decidedTemplate(shop, alice, t)).status).not.toBe('failed');
    });

    it.each([
      ['skips a number', 'Hello {{1}}, see you on {{3}}'],
      ['starts at 2', 'Gate {{2}}'],
      ['uses {{0}}', 'Seat {{0}} and {{1}}'],
    ])('a body that %s is refused at submission with 400 and nothing is created', async (_, body) => {
      const shop = await w.business();
      const r = await w.submitTemplate(shop, { name: 'boarding_pass', category: 'UTILITY', body });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body).toEqual(expect.objectContaining({ status: 400, title: expect.any(String), detail: expect.any(String) }));
      const list = await w.api.call('GET', `/v1/${shop.id}/templates`, { token: shop.apiKey });
      expect(list.body.data).toEqual([]);
      // The name is still free.
      expectStatus(await w.submitTemplate(shop, { name: 'boarding_pass', category: 'UTILITY', body: 'Gate {{1}}' }), 201);
    });

    it('repeated parameters count once: {{1}} {{2}} {{1}} has 2', async () => {
      const shop = await w.business();
      const r = await w.submitTemplate(shop, { category: 'MARKETING', body: '{{1}}, {{2}} tickets for {{1}}' });
      expectStatus(r, 201);
      expect(r.body.parameter_count).toBe(2);
    });

    it('the same name and language twice is a 409; another language is a separate template', async () => {
      const shop = await w.business();
      expectStatus(
        await w.submitTemplate(shop, { name: 'event_ticket', language: 'en_US', category: 'UTILITY', body: 'Ticket {{1}}' }),
        201,
      );
      const again = await w.submitTemplate(shop, { name: 'event_ticket', language: 'en_US', category: 'MARKETING', body: 'Other {{1}}' });
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toContain('application/problem+json');
      expectStatus(
        await w.submitTemplate(shop, { name: 'event_ticket', language: 'pt_BR', category: 'UTILITY', body: 'Ingresso {{1}}' }),
        201,
      );
      // Another business may use the same name.
      const other = await w.business();
      expectStatus(
        await w.submitTemplate(other, { name: 'event_ticket', language: 'en_US', category: 'UTILITY', body: 'Ticket {{1}}' }),
        201,
      );
      const list = await w.api.call('GET', `/v1/${shop.id}/templates`, { token: shop.apiKey });
      expect((list.body.data as any[]).map((t) => `${t.name}/${t.language}/${t.category}`).sort()).toEqual([
        'event_ticket/en_US/UTILITY',
        'event_ticket/pt_BR/UTILITY',
      ]);
    });

    it('review by a business API key or a device token is refused (401/403) and changes nothing', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      const submitted = await w.submitTemplate(shop, { category: 'UTILITY' });
      expectStatus(submitted, 201);
      for (const token of [shop.apiKey, alice.token, 'not-a-token']) {
        const r = await w.review(submitted.body.id, 'APPROVED', undefined, token);
        expect([401, 403]).toContain(r.status);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
      }
      const none = await w.api.call('POST', `/v1/templates/${submitted.body.id}/review`, { body: { decision: 'APPROVED' } });
      expect(none.status).toBe(401);
      const list = await w.api.call('GET', `/v1/${shop.id}/templates`, { token: shop.apiKey });
      expect(list.body.data[0].status).toBe('PENDING');
    });

    it('review of an unknown template id is a 404; an unknown decision or category is a 400', async () => {
      const unknown = await w.review('00000000-0000-4000-8000-000000000000', 'APPROVED');
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('application/problem+json');

      const shop = await w.business();
      const submitted = await w.submitTemplate(shop, { category: 'UTILITY' });
      const bad = await w.api.call('POST', `/v1/templates/${submitted.body.id}/review`, { token: w.admin, body: { decision: 'MAYBE' } });
      expect(bad.status).toBe(400);
      const badCategory = await w.api.call('POST', `/v1/templates/${submitted.body.id}/review`, {
        token: w.admin,
        body: { decision: 'APPROVED', category: 'SERVICE' },
      });
      expect(badCategory.status).toBe(400);
      const list = await w.api.call('GET', `/v1/${shop.id}/templates`, { token: shop.apiKey });
      expect(list.body.data[0]).toEqual(expect.objectContaining({ status: 'PENDING', category: 'UTILITY' }));
    });
  });

  describe('sending', () => {
    it('132001: no template with that name', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const m = await w.decidedTemplate(shop, alice, { name: 'no_such_template', parameterCount: 0 });
      expect(code(m)).toBe(132001);
      expect(m.errors[0]).toEqual(expect.objectContaining({ code: 132001, title: expect.any(String), detail: expect.any(String) }));
    });

    it.each(['PENDING', 'REJECTED'] as const)('132001: a %s template cannot be sent', async (status) => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const t = await w.template(shop, 'UTILITY', status);
      expect(code(await w.decidedTemplate(shop, alice, t))).toBe(132001);
    });

    it('132001: an approved template in another language', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const t = await w.template(shop, 'UTILITY', 'APPROVED', { language: 'en_US' });
      expect(code(await w.decidedTemplate(shop, alice, { ...t, language: 'es_MX' }))).toBe(132001);
      expect((await w.decidedTemplate(shop, alice, t)).status).not.toBe('failed');
    });

    it("132001: another business's approved template", async () => {
      const shop = await w.business();
      const other = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, other);
      const t = await w.template(shop, 'UTILITY');
      expect(code(await w.decidedTemplate(other, alice, t))).toBe(132001);
    });

    it('132015: a paused template; 132016: a disabled one; approving again restores sending', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const paused = await w.template(shop, 'MARKETING', 'PAUSED');
      const disabled = await w.template(shop, 'MARKETING', 'DISABLED');

      const p = await w.decidedTemplate(shop, alice, paused);
      expect(code(p)).toBe(132015);
      expect(p.errors[0]).toEqual(expect.objectContaining({ code: 132015, title: expect.any(String), detail: expect.any(String) }));
      const d = await w.decidedTemplate(shop, alice, disabled);
      expect(code(d)).toBe(132016);

      expectStatus(await w.review(paused.id, 'APPROVED'), 200);
      expect((await w.decidedTemplate(shop, alice, paused)).status).not.toBe('failed');
      // Approved, then paused: stops again.
      expectStatus(await w.review(paused.id, 'PAUSED'), 200);
      expect(code(await w.decidedTemplate(shop, alice, paused))).toBe(132015);
    });

    it('132000: parameter_count differs from the template', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const t = await w.template(shop, 'UTILITY', 'APPROVED', { body: 'Hi {{1}}, your table for {{2}} at {{3}}' });
      expect(t.parameterCount).toBe(3);
      for (const given of [0, 2, 4]) {
        const m = await w.decidedTemplate(shop, alice, t, given);
        expect(code(m)).toBe(132000);
      }
      expect((await w.decidedTemplate(shop, alice, t, 3)).status).not.toBe('failed');
    });

    it('parameter_count above 0 without parameters, or not an integer, is a 400 (nothing sent)', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const t = await w.template(shop, 'UTILITY');
      const missing = await w.api.call('POST', `/v1/${shop.id}/messages`, {
        token: shop.apiKey,
        body: { to: alice.waId, type: 'template', template: { name: t.name, language: 'en_US', parameter_count: 1 } },
      });
      expect(missing.status).toBe(400);
      const fractional = await w.api.call('POST', `/v1/${shop.id}/messages`, {
        token: shop.apiKey,
        body: { to: alice.waId, type: 'template', template: { name: t.name, language: 'en_US', parameter_count: 1.5 } },
      });
      expect(fractional.status).toBe(400);
      const negative = await w.api.call('POST', `/v1/${shop.id}/messages`, {
        token: shop.apiKey,
        body: { to: alice.waId, type: 'template', template: { name: t.name, language: 'en_US', parameter_count: -1 } },
      });
      expect(negative.status).toBe(400);
      expect(await w.fetchInbox(alice)).toEqual([]);
    });

    it('re-categorising a UTILITY template as MARKETING at review changes its pricing', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const t = await w.template(shop, 'UTILITY');

      const asUtility = await w.decidedTemplate(shop, alice, t);
      expect(asUtility.pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'utility', type: 'free_customer_service' });

      const reviewed = await w.review(t.id, 'APPROVED', 'MARKETING');
      expectStatus(reviewed, 200);
      expect(reviewed.body).toEqual(expect.objectContaining({ status: 'APPROVED', category: 'MARKETING' }));
      const list = await w.api.call('GET', `/v1/${shop.id}/templates`, { token: shop.apiKey });
      expect(list.body.data[0].category).toBe('MARKETING');

      const asMarketing = await w.decidedTemplate(shop, alice, t);
      expect(asMarketing.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' });
      await w.deliver(shop, alice, asUtility.id, asMarketing.id);
      expect((await w.charged(shop, asMarketing.id)).charge).toEqual({
        amount_micros: 52900,
        currency: 'USD',
        rate_card_version: 1,
        market: 'GB',
      });
      // The message sent before the re-categorisation keeps its own pricing.
      await w.pricingBarrier();
      const before = await w.message(shop, asUtility.id);
      expect(before.body.pricing.type).toBe('free_customer_service');
      expect(before.body.charge).toBeUndefined();

      // Re-categorised as MARKETING, a marketing opt-out now stops it.
      expect((await w.marketing(alice, shop, 'stop')).status).toBe(204);
      expect(code(await w.decidedTemplate(shop, alice, t))).toBe(131050);
    });

    it('the inbox carries the template name, language and sealed parameters, which the device can open', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const t = await w.template(shop, 'UTILITY', 'APPROVED', { body: 'Hi {{1}}, order {{2}} shipped' });
      const m = await w.decidedTemplate(shop, alice, t);
      const { inbox } = await w.deliver(shop, alice, m.id);
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toEqual(
        expect.objectContaining({
          id: m.id,
          from: shop.phone,
          type: 'template',
          template: expect.objectContaining({ name: t.name, language: 'en_US' }),
        }),
      );
      const { open } = await import('../support/sealed');
      expect(open(inbox[0].template.parameters, shop.keys.publicKey, alice.keys)).toBe(JSON.stringify(['p1', 'p2']));
    });
  });
});
