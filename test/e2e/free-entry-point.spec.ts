import { Scenario, expectStatus } from '../support/scenario';

const HOUR_S = 3600;
const code = Scenario.code;
const FEP = { billable: false, pricing_model: 'PMP', type: 'free_entry_point' };

/** domain.md rule 6: a reply to an ad / page call-to-action referral opens a free 72 h window. */
describe('free entry point', () => {
  let w: Scenario;

  beforeAll(async () => {
    w = await Scenario.start();
    await w.rateCard();
  });
  afterAll(() => w.stop());

  it.each(['ad', 'page_cta'])('a reply to a %s referral opens a 72 h FEP in which everything is free', async (sourceType) => {
    const shop = await w.business();
    const alice = await w.customer();
    const marketing = await w.template(shop, 'MARKETING');
    const auth = await w.template(shop, 'AUTHENTICATION');
    await w.inbound(alice, shop, 'I saw your ad', { source_type: sourceType, source_id: 'campaign-42' });

    const before = await w.conversation(shop, alice);
    expect(before.body.free_entry_point_window).toEqual({ open: false, expires_at: null });

    const reply = await w.decidedText(shop, alice, 'Welcome!');
    expect(reply.status).not.toBe('failed');
    expect(reply.pricing).toEqual({ ...FEP, category: 'service' });

    const conversation = await w.conversation(shop, alice);
    const fep = conversation.body.free_entry_point_window;
    const csw = conversation.body.customer_service_window;
    expect(fep.open).toBe(true);
    expect(csw.open).toBe(true);
    // Opened at the reply's acceptance, just after the inbound that opened the CSW: 72 h vs 24 h.
    const lead = Date.parse(fep.expires_at) - Date.parse(csw.expires_at);
    expect(lead).toBeGreaterThanOrEqual(48 * HOUR_S * 1000);
    expect(lead).toBeLessThan(48 * HOUR_S * 1000 + 60_000);

    const promo = await w.decidedTemplate(shop, alice, marketing);
    expect(promo.pricing).toEqual({ ...FEP, category: 'marketing' });
    const otp = await w.decidedTemplate(shop, alice, auth);
    expect(otp.pricing).toEqual({ ...FEP, category: 'authentication' });

    await w.deliver(shop, alice, reply.id, promo.id, otp.id);
    await w.pricingBarrier();
    for (const m of [reply, promo, otp]) {
      const after = await w.message(shop, m.id);
      expect(after.body.status).toBe('delivered');
      expect(after.body.charge).toBeUndefined();
    }
    expect((await w.charges(shop)).body).toEqual({ data: [], total_micros: 0, currency: 'USD' });
  });

  it('the FEP outlives the CSW: templates stay free for 72 h, free-form still needs the CSW (131047)', async () => {
    const shop = await w.business();
    const bob = await w.customer();
    const marketing = await w.template(shop, 'MARKETING');
    const utility = await w.template(shop, 'UTILITY');
    await w.inbound(bob, shop, 'hi from the ad', { source_type: 'ad' });
    const opening = await w.decidedTemplate(shop, bob, marketing);
    expect(opening.pricing).toEqual({ ...FEP, category: 'marketing' });

    await w.advance(25 * HOUR_S); // CSW closed, FEP open
    const conversation = await w.conversation(shop, bob);
    expect(conversation.body.customer_service_window.open).toBe(false);
    expect(conversation.body.free_entry_point_window.open).toBe(true);

    expect(code(await w.decidedText(shop, bob, 'free-form'))).toBe(131047);
    const promo = await w.decidedTemplate(shop, bob, marketing);
    expect(promo.pricing).toEqual({ ...FEP, category: 'marketing' });
    const util = await w.decidedTemplate(shop, bob, utility);
    expect(util.pricing).toEqual({ ...FEP, category: 'utility' });

    await w.advance(46 * HOUR_S + 50 * 60); // 71 h 50 min after the opening reply: still open
    const lastFree = await w.decidedTemplate(shop, bob, marketing);
    expect(lastFree.pricing).toEqual({ ...FEP, category: 'marketing' });

    await w.advance(15 * 60); // past 72 h
    expect((await w.conversation(shop, bob)).body.free_entry_point_window).toEqual({ open: false, expires_at: null });
    const paid = await w.decidedTemplate(shop, bob, marketing);
    expect(paid.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' });

    await w.deliver(shop, bob, opening.id, promo.id, util.id, lastFree.id, paid.id);
    const charged = await w.charged(shop, paid.id);
    expect(charged.charge).toEqual({ amount_micros: 52900, currency: 'USD', rate_card_version: 1, market: 'GB' });
    const charges = await w.charges(shop);
    expect(charges.body.data.map((c: any) => c.message_id)).toEqual([paid.id]);
    expect(charges.body.total_micros).toBe(52900);
  });

  it('the FEP does not waive the other rules: blocks, marketing opt-out and template checks still fail', async () => {
    const shop = await w.business();
    const carol = await w.customer();
    const marketing = await w.template(shop, 'MARKETING');
    const paused = await w.template(shop, 'MARKETING', 'PAUSED');
    await w.inbound(carol, shop, 'from the page', { source_type: 'page_cta' });
    expect((await w.decidedText(shop, carol)).pricing.type).toBe('free_entry_point');

    expect(code(await w.decidedTemplate(shop, carol, paused))).toBe(132015);
    expect((await w.marketing(carol, shop, 'stop')).status).toBe(204);
    expect(code(await w.decidedTemplate(shop, carol, marketing))).toBe(131050);
    expect((await w.block(carol, shop)).status).toBe(204);
    expect(code(await w.decidedText(shop, carol))).toBe(131026);
  });

  it('a link referral (click-to-chat) does not open a FEP', async () => {
    const shop = await w.business();
    const dave = await w.customer();
    const marketing = await w.template(shop, 'MARKETING');
    await w.inbound(dave, shop, 'from the link', { source_type: 'link' });
    const reply = await w.decidedText(shop, dave);
    expect(reply.pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' });
    const promo = await w.decidedTemplate(shop, dave, marketing);
    expect(promo.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' });
    expect((await w.conversation(shop, dave)).body.free_entry_point_window).toEqual({ open: false, expires_at: null });
  });

  it('an inbound message without a referral does not open a FEP', async () => {
    const shop = await w.business();
    const erin = await w.customer();
    const marketing = await w.template(shop, 'MARKETING');
    await w.inbound(erin, shop, 'plain hello');
    expect((await w.decidedTemplate(shop, erin, marketing)).pricing.type).toBe('regular');
    expect((await w.conversation(shop, erin)).body.free_entry_point_window.open).toBe(false);
  });

  it('a first reply more than 24 h after the referral does not open it (template outside the CSW)', async () => {
    const shop = await w.business();
    const frank = await w.customer();
    const marketing = await w.template(shop, 'MARKETING');
    await w.inbound(frank, shop, 'ad click', { source_type: 'ad' });
    await w.advance(24 * HOUR_S + 60);
    const late = await w.decidedTemplate(shop, frank, marketing);
    expect(late.status).not.toBe('failed');
    expect(late.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' });
    expect((await w.conversation(shop, frank)).body.free_entry_point_window.open).toBe(false);
  });

  it('a first reply more than 24 h after the referral does not open it, even inside a CSW a later message opened', async () => {
    const shop = await w.business();
    const gina = await w.customer();
    const marketing = await w.template(shop, 'MARKETING');
    await w.inbound(gina, shop, 'ad click', { source_type: 'ad' });
    await w.advance(23 * HOUR_S);
    await w.inbound(gina, shop, 'anyone?');
    await w.advance(2 * HOUR_S); // 25 h after the referral, 2 h after the last inbound
    const reply = await w.decidedText(shop, gina);
    expect(reply.pricing.type).toBe('free_customer_service');
    const promo = await w.decidedTemplate(shop, gina, marketing);
    expect(promo.pricing.type).toBe('regular');
    expect((await w.conversation(shop, gina)).body.free_entry_point_window.open).toBe(false);
  });

  it('a reply just under 24 h after the referral still opens it', async () => {
    const shop = await w.business();
    const hank = await w.customer();
    const marketing = await w.template(shop, 'MARKETING');
    await w.inbound(hank, shop, 'ad click', { source_type: 'ad' });
    await w.advance(23 * HOUR_S + 50 * 60);
    const reply = await w.decidedTemplate(shop, hank, marketing);
    expect(reply.pricing).toEqual({ ...FEP, category: 'marketing' });
    expect((await w.conversation(shop, hank)).body.free_entry_point_window.open).toBe(true);
  });

  it('a failed reply does not open the FEP; the first accepted one does', async () => {
    const shop = await w.business();
    const ivy = await w.customer();
    const marketing = await w.template(shop, 'MARKETING');
    await w.inbound(ivy, shop, 'ad click', { source_type: 'ad' });
    expect(code(await w.decidedTemplate(shop, ivy, { name: 'missing_template', parameterCount: 0 }))).toBe(132001);
    expect((await w.conversation(shop, ivy)).body.free_entry_point_window.open).toBe(false);
    expect((await w.decidedTemplate(shop, ivy, marketing)).pricing.type).toBe('free_entry_point');
    expect((await w.conversation(shop, ivy)).body.free_entry_point_window.open).toBe(true);
  });

  it('an invalid referral source is refused with 400 and opens nothing', async () => {
    const shop = await w.business();
    const jack = await w.customer();
    const { seal } = await import('../support/sealed');
    const r = await w.api.call('POST', `/v1/customers/${jack.waId}/messages`, {
      token: jack.token,
      body: { to: shop.phone, type: 'text', text: seal('hi', shop.keys.publicKey, jack.keys), referral: { source_type: 'billboard' } },
    });
    expect(r.status).toBe(400);
    const conversation = await w.conversation(shop, jack);
    expectStatus(conversation, 200);
    expect(conversation.body.customer_service_window.open).toBe(false);
  });
});
