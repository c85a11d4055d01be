import { startPlatform, type TestPlatform } from '../support/platform-process';
import { Scenario } from '../support/scenario';
import { expectStatus } from '../support/world';

/**
 * A restart on the same DATA_DIR loses nothing that was acknowledged, whether the process was
 * stopped gracefully (SIGTERM) or killed (SIGKILL), and processing picks up where it stopped.
 */
describe.each(['SIGTERM', 'SIGKILL'] as const)('restart after %s', (signal) => {
  let first: TestPlatform;
  let second: TestPlatform | undefined;

  afterAll(async () => {
    await first?.stop('SIGKILL');
    await second?.stop();
  });

  it('keeps every acknowledged fact and resumes processing', async () => {
    first = await startPlatform();
    let world = new Scenario(first);
    await world.rateCard();

    const shop = await world.business();
    const alice = await world.customer(); // writes first: window open, consent
    const bob = await world.customer(); // opted in: utility template outside the window, left unfetched
    const carol = await world.customer(); // blocks the shop
    await world.inbound(alice, shop, 'hello');
    expectStatus(await world.optIn(shop, bob, 'website'), 201);
    await world.inbound(carol, shop, 'hi');
    expectStatus(await world.block(carol, shop), 204);

    const promo = await world.template(shop, 'MARKETING');
    const notice = await world.template(shop, 'UTILITY', 'APPROVED', { body: 'Your order {{1}} ships {{2}}' });
    await world.template(shop, 'AUTHENTICATION', 'PAUSED');
    await world.template(shop, 'MARKETING', 'REJECTED');

    const reply = await world.sentText(shop, alice, 'thanks for writing');
    const sale = await world.sentTemplate(shop, alice, promo);
    await world.deliver(shop, alice, reply.id, sale.id);
    await world.charged(shop, sale.id);
    expectStatus(await world.receipt(alice, reply.id), 204);
    const waiting = await world.sentTemplate(shop, bob, notice); // handed over, never fetched
    await world.settled(shop, waiting.id, ['sent']);
    const refused = await world.sentText(shop, bob, 'no window'); // 131047
    const blocked = await world.sentText(shop, carol, 'blocked'); // 131026
    expect(Scenario.code(refused)).toBe(131047);
    expect(Scenario.code(blocked)).toBe(131026);
    await world.settled(shop, reply.id, ['read']);

    const advanced = await world.advance(3600);

    // What was acknowledged and observed before the stop.
    const observe = async (w: Scenario) => {
      const messages: Record<string, unknown> = {};
      for (const id of [reply.id, sale.id, waiting.id, refused.id, blocked.id]) {
        const m = await w.message(shop, id);
        expectStatus(m, 200);
        messages[id] = m.body;
      }
      const charges = await w.charges(shop);
      expectStatus(charges, 200);
      const months = [...new Set((charges.body.data as { charged_at: string }[]).map((c) => c.charged_at.slice(0, 7)))];
      const invoices = [];
      for (const month of months) invoices.push((await w.invoice(shop, month)).body);
      const templates = await w.api.call('GET', `/v1/${shop.id}/templates`, { token: shop.apiKey });
      expectStatus(templates, 200);
      const conversations: Record<string, unknown> = {};
      for (const c of [alice, bob, carol]) conversations[c.waId] = (await w.conversation(shop, c)).body;
      const card = await w.currentCard();
      return { messages, charges: charges.body, invoices, templates: templates.body, conversations, card: card.body };
    };
    const before = await observe(world);
    expect(before.charges.data).toHaveLength(1);
    expect(before.invoices[0].total_micros).toBe(52900);
    expect(before.templates.data).toHaveLength(4);

    // Requests acknowledged just before the stop, all at once so that some are likely still undecided
    // when the process goes: every one of them must be decided after the restart.
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => world.sendText(shop, alice, `last minute ${i}`)));
    const lastMinute = answers.map((r) => {
      expectStatus(r, 202);
      return r.body.messages[0].id as string;
    });
    const dave = await world.customer();
    await world.inbound(dave, shop, 'are you still there?');

    await first.stop(signal);
    // A graceful stop finishes in-flight work without errors.
    if (signal === 'SIGTERM') expect(first.logs()).not.toMatch(/"level":50/);

    second = await startPlatform({ dataDir: first.dataDir });
    world = new Scenario(second);

    // The test clock kept its offset and never goes back.
    const sinceRestart = Date.now();
    const now = await world.now();
    expect(now).toBeGreaterThanOrEqual(advanced);
    expect(now).toBeGreaterThanOrEqual(sinceRestart + 3600 * 1000);

    // API keys and device tokens still work; everything acknowledged is there, unchanged.
    const after = await observe(world);
    expect(after).toEqual(before);
    const daveConversation = await world.conversation(shop, dave);
    expect(daveConversation.body.customer_service_window.open).toBe(true);
    expect(daveConversation.body.consent).toEqual({ granted: true, source: 'inbound_message' });
    expectStatus(await world.api.call('GET', `/v1/customers/${dave.waId}/inbox`, { token: dave.token }), 200);

    // Processing resumes: the last-minute requests get decided and handed over.
    for (const id of lastMinute) {
      const m = await world.settled(shop, id, ['sent', 'delivered', 'read']);
      expect(m.pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' });
    }
    // The device fetches what waited across the restart; the utility template is now delivered and charged.
    const { inbox } = await world.deliver(shop, alice, ...lastMinute);
    expect(inbox.map((m) => m.plaintext).sort()).toEqual(lastMinute.map((_, i) => `last minute ${i}`).sort());
    const { inbox: bobInbox } = await world.deliver(shop, bob, waiting.id);
    expect(bobInbox.map((m) => m.id)).toEqual([waiting.id]);
    const charged = await world.charged(shop, waiting.id);
    expect(charged.charge).toEqual({ amount_micros: 22000, currency: 'USD', rate_card_version: 1, market: 'GB' });

    // And new work goes through end to end.
    const fresh = await world.sentTemplate(shop, alice, promo);
    await world.deliver(shop, alice, fresh.id);
    expect((await world.charged(shop, fresh.id)).charge.amount_micros).toBe(52900);
    const charges = await world.charges(shop);
    expect(charges.body.data).toHaveLength(3);
    expect(charges.body.total_micros).toBe(52900 + 22000 + 52900);
    expect(second.logs()).not.toMatch(/"level":50/);
  }, 120_000);
});
