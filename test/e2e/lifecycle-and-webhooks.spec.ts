import { Scenario, eventually, expectStatus } from '../support/scenario';
import { open, seal } from '../support/sealed';
import { type ReceivedStatus, WebhookReceiver, expectedSignature } from '../support/webhook-receiver';

const INBOX_TTL_SECONDS = 60;
const RANK: Record<string, number> = { pending: 0, accepted: 1, sent: 2, delivered: 3, read: 4 };
const code = Scenario.code;

/** Message lifecycle, inbox expiry, webhooks, Idempotency-Key, click-to-chat and end-to-end encryption (rules 9 and 10). */
describe('message lifecycle and webhooks', () => {
  let w: Scenario;
  let hooks: WebhookReceiver;

  beforeAll(async () => {
    hooks = await WebhookReceiver.start();
    w = await Scenario.start({ INBOX_TTL_SECONDS: String(INBOX_TTL_SECONDS) });
    await w.rateCard();
  });
  afterAll(async () => {
    await w.stop();
    await hooks.close();
  });
  afterEach(() => hooks.respondWith(() => 200));

  /** A business whose webhook posts to its own URL on the receiver. */
  async function hookedBusiness() {
    const url = hooks.newUrl();
    const b = await w.business({ webhookUrl: url });
    return { b, url };
  }

  /** Waits until `url` received a status `status` for message `id`. */
  const statusArrived = (url: string, id: string, status: string) =>
    eventually(`webhook ${status} for ${id}`, async () => hooks.statuses(url).find((s) => s.id === id && s.status === status));

  function expectSigned(s: ReceivedStatus | { delivery: ReceivedStatus['delivery'] }, secret: string) {
    const header = s.delivery.headers['x-hub-signature-256'];
    expect(header).toBe(expectedSignature(s.delivery.raw, secret));
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
  }

  describe('lifecycle', () => {
    it('moves pending → accepted → sent → delivered → read, only forward', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const t = await w.template(shop, 'MARKETING');
      const r = await w.sendTemplateAs(shop, alice, t);
      expectStatus(r, 202);
      expect(r.body).toEqual({ messages: [{ id: expect.any(String) }] });
      const id = r.body.messages[0].id;

      const seen: string[] = [];
      const watch = async (until: string) => {
        await eventually(`status ${until}`, async () => {
          const m = await w.message(shop, id);
          expectStatus(m, 200);
          if (seen.at(-1) !== m.body.status) seen.push(m.body.status);
          return m.body.status === until ? m.body : undefined;
        });
      };
      await watch('sent');
      const sent = await w.message(shop, id);
      expect(sent.body).toEqual({
        id,
        to: alice.waId,
        type: 'template',
        status: 'sent',
        pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' },
      });

      const inbox = await w.fetchInbox(alice);
      expect(inbox.map((m) => m.id)).toEqual([id]);
      expect(inbox[0]).toEqual(expect.objectContaining({ from: shop.phone, type: 'template', sent_at: expect.any(String) }));
      await watch('delivered');
      const charged = await w.charged(shop, id);
      expect(charged.status).toBe('delivered');

      const receipt = await w.receipt(alice, id);
      expect(receipt.status).toBe(204);
      await watch('read');
      for (let i = 1; i < seen.length; i++) expect(RANK[seen[i]]).toBeGreaterThan(RANK[seen[i - 1]]);
      expect(seen.at(-1)).toBe('read');

      // Nothing moves it back: a second receipt, another inbox fetch.
      expect((await w.receipt(alice, id)).status).toBe(204);
      expect(await w.fetchInbox(alice)).toEqual([]);
      await w.pricingBarrier();
      const final = await w.message(shop, id);
      expect(final.body.status).toBe('read');
      expect(final.body.charge).toEqual(charged.charge);
      expect(final.body.errors).toBeUndefined();
    });

    it('the inbox hands each message over once, in order, and the device can decrypt free-form text', async () => {
      const shop = await w.business();
      const bob = await w.customer();
      await w.inbound(bob, shop);
      const first = await w.decidedText(shop, bob, 'first');
      const second = await w.decidedText(shop, bob, 'second');
      const { inbox } = await w.deliver(shop, bob, first.id, second.id);
      expect(inbox.map((m) => [m.id, m.plaintext, m.type, m.from])).toEqual([
        [first.id, 'first', 'text', shop.phone],
        [second.id, 'second', 'text', shop.phone],
      ]);
      expect(await w.fetchInbox(bob)).toEqual([]);
    });

    it('receipts: 404 for another customer’s or an unknown message, 409 before delivery, 400 for another status', async () => {
      const shop = await w.business();
      const carol = await w.customer();
      const dave = await w.customer();
      await w.inbound(carol, shop);
      const m = await w.decidedText(shop, carol);
      await w.settled(shop, m.id, ['sent']);

      const early = await w.receipt(carol, m.id);
      expect(early.status).toBe(409);
      expect(early.headers.get('content-type')).toContain('application/problem+json');

      await w.deliver(shop, carol, m.id);
      const foreign = await w.receipt(dave, m.id);
      expect(foreign.status).toBe(404);
      expect(foreign.headers.get('content-type')).toContain('application/problem+json');
      expect((await w.receipt(carol, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
      const wrongStatus = await w.api.call('POST', `/v1/customers/${carol.waId}/receipts`, {
        token: carol.token,
        body: { message_id: m.id, status: 'delivered' },
      });
      expect(wrongStatus.status).toBe(400);
      const byBusiness = await w.api.call('POST', `/v1/customers/${carol.waId}/receipts`, {
        token: shop.apiKey,
        body: { message_id: m.id, status: 'read' },
      });
      expect([401, 403]).toContain(byBusiness.status);
      const viaOtherPath = await w.api.call('POST', `/v1/customers/${carol.waId}/receipts`, {
        token: dave.token,
        body: { message_id: m.id, status: 'read' },
      });
      expect([401, 403, 404]).toContain(viaOtherPath.status);
      expect((await w.message(shop, m.id)).body.status).toBe('delivered');

      // A message the policy refused never reached the device: no read receipt for it.
      const refused = await w.decidedTemplate(shop, carol, { name: 'nope', parameterCount: 0 });
      expect([404, 409]).toContain((await w.receipt(carol, refused.id)).status);
      expect((await w.message(shop, refused.id)).body.status).toBe('failed');

      expect((await w.receipt(carol, m.id)).status).toBe(204);
      expect((await w.settled(shop, m.id, ['read'])).status).toBe('read');
    });

    it('a message the device never fetches fails with 131026 once the inbox TTL passed, and is never charged', async () => {
      const { b: shop, url } = await hookedBusiness();
      const erin = await w.customer();
      await w.inbound(erin, shop);
      const t = await w.template(shop, 'MARKETING');
      const m = await w.decidedTemplate(shop, erin, t);
      await w.settled(shop, m.id, ['sent']);

      await w.advance(INBOX_TTL_SECONDS + 5);
      const failed = await w.settled(shop, m.id, ['failed', 'delivered']);
      expect(failed.status).toBe('failed');
      expect(failed.errors).toHaveLength(1);
      expect(failed.errors[0]).toEqual(expect.objectContaining({ code: 131026, title: expect.any(String), detail: expect.any(String) }));
      expect(failed.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' });

      expect(await w.fetchInbox(erin)).toEqual([]);
      expect((await w.receipt(erin, m.id)).status).toBe(409);
      await w.pricingBarrier();
      const after = await w.message(shop, m.id);
      expect(after.body.status).toBe('failed');
      expect(after.body.charge).toBeUndefined();
      expect((await w.charges(shop)).body).toEqual({ data: [], total_micros: 0, currency: 'USD' });

      // The business hears of it, with the pricing the message had and the error.
      const hook = await statusArrived(url, m.id, 'failed');
      expect(hook.errors).toEqual([expect.objectContaining({ code: 131026 })]);
      expect(hook.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' });
      expectSigned(hook, shop.webhookSecret);
      expect(hooks.statuses(url).filter((s) => s.id === m.id && s.status === 'delivered')).toEqual([]);
    });

    it('a message fetched in time is not expired later', async () => {
      const shop = await w.business();
      const frank = await w.customer();
      await w.inbound(frank, shop);
      const m = await w.decidedText(shop, frank);
      await w.deliver(shop, frank, m.id);
      await w.advance(INBOX_TTL_SECONDS + 5);
      // Give the expiry sweep (every second) a chance by waiting on a message that does expire.
      const g = await w.business();
      const gina = await w.customer();
      await w.inbound(gina, g);
      const probe = await w.decidedText(g, gina);
      await w.settled(g, probe.id, ['sent']);
      await w.advance(INBOX_TTL_SECONDS + 5);
      expect(code(await w.settled(g, probe.id, ['failed']))).toBe(131026);
      expect((await w.message(shop, m.id)).body.status).toBe('delivered');
    });
  });

  describe('webhooks', () => {
    it('posts every status, signed, each with pricing once the message passed the policy', async () => {
      const { b: shop, url } = await hookedBusiness();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const t = await w.template(shop, 'UTILITY');
      const m = await w.decidedTemplate(shop, alice, t);
      await w.deliver(shop, alice, m.id);
      expect((await w.receipt(alice, m.id)).status).toBe(204);

      const pricing = { billable: false, pricing_model: 'PMP', category: 'utility', type: 'free_customer_service' };
      for (const status of ['accepted', 'sent', 'delivered', 'read']) {
        const s = await statusArrived(url, m.id, status);
        expect(s).toEqual(expect.objectContaining({ id: m.id, status, recipient_id: alice.waId, timestamp: expect.any(String), pricing }));
        expect(new Date(s.timestamp).toISOString()).toBe(s.timestamp);
        expect(s.errors).toBeUndefined();
        expectSigned(s, shop.webhookSecret);
        expect(s.delivery.headers['content-type']).toContain('application/json');
        expect(s.delivery.body.object).toBe('whatsapp_business_account');
        expect(s.delivery.body.entry[0].changes[0].field).toBe('messages');
      }
      const seen = hooks.statuses(url).filter((s) => s.id === m.id);
      const timestamps = Object.fromEntries(seen.map((s) => [s.status, Date.parse(s.timestamp)]));
      expect(timestamps.accepted).toBeLessThanOrEqual(timestamps.sent);
      expect(timestamps.sent).toBeLessThanOrEqual(timestamps.delivered);
      expect(timestamps.delivered).toBeLessThanOrEqual(timestamps.read);
    });

    it('a message the policy refused arrives as failed with its errors and no pricing', async () => {
      const { b: shop, url } = await hookedBusiness();
      const bob = await w.customer();
      const m = await w.decidedText(shop, bob); // no window: 131047
      expect(code(m)).toBe(131047);
      const s = await statusArrived(url, m.id, 'failed');
      expect(s.errors).toEqual([expect.objectContaining({ code: 131047, title: expect.any(String), detail: expect.any(String) })]);
      expect(s.pricing).toBeUndefined();
      expect(s.recipient_id).toBe(bob.waId);
      expectSigned(s, shop.webhookSecret);
      expect(hooks.statuses(url).filter((x) => x.id === m.id && x.status !== 'failed')).toEqual([]);
    });

    it('inbound customer messages arrive under value.messages as ciphertext only, with their referral', async () => {
      const { b: shop, url } = await hookedBusiness();
      const carol = await w.customer();
      const plaintext = `secret question ${Math.random()}`;
      const r = await w.api.call('POST', `/v1/customers/${carol.waId}/messages`, {
        token: carol.token,
        body: {
          to: shop.phone,
          type: 'text',
          text: seal(plaintext, shop.keys.publicKey, carol.keys),
          referral: { source_type: 'ad', source_id: 'ad-7' },
        },
      });
      expectStatus(r, 202);
      expect(r.body).toEqual({ id: expect.any(String) });
      const { message, delivery } = await eventually('inbound webhook', async () =>
        hooks.messages(url).find((x) => x.message.id === r.body.id),
      );
      expect(message).toEqual(
        expect.objectContaining({
          id: r.body.id,
          from: carol.waId,
          type: 'text',
          timestamp: expect.any(String),
          text: { ciphertext: expect.any(String), nonce: expect.any(String) },
          referral: expect.objectContaining({ source_type: 'ad', source_id: 'ad-7' }),
        }),
      );
      expect(delivery.raw.toString('utf8')).not.toContain(plaintext);
      expect(open(message.text, carol.keys.publicKey, shop.keys)).toBe(plaintext);
      expectSigned({ delivery }, shop.webhookSecret);
    });

    it('is retried with backoff until a 2xx: the same status arrives again, identical and signed', async () => {
      const { b: shop, url } = await hookedBusiness();
      const path = new URL(url).pathname;
      const dave = await w.customer();
      await w.inbound(dave, shop);
      let refusals = 0;
      hooks.respondWith((d) => {
        const isAccepted = d.path === path && d.body?.entry?.[0]?.changes?.[0]?.value?.statuses?.[0]?.status === 'accepted';
        if (isAccepted && refusals < 2) {
          refusals++;
          return 500;
        }
        return 200;
      });
      const m = await w.decidedText(shop, dave);
      const attempts = await eventually(
        'accepted acknowledged',
        async () => {
          const arrivals = hooks.statuses(url).filter((s) => s.id === m.id && s.status === 'accepted');
          return arrivals.some((s) => s.delivery.answered === 200) ? arrivals : undefined;
        },
        20_000,
      );
      expect(attempts.map((s) => s.delivery.answered)).toEqual([500, 500, 200]);
      for (const s of attempts) {
        expectSigned(s, shop.webhookSecret);
        expect(s.delivery.raw.equals(attempts[0].delivery.raw)).toBe(true);
      }
      // Once acknowledged it is not posted again; other statuses were not held back.
      await statusArrived(url, m.id, 'sent');
      await w.deliver(shop, dave, m.id);
      await statusArrived(url, m.id, 'delivered');
      expect(hooks.statuses(url).filter((s) => s.id === m.id && s.status === 'accepted')).toHaveLength(3);
    });

    it('a business without a webhook URL still gets its messages decided and delivered', async () => {
      const shop = await w.business();
      const erin = await w.customer();
      await w.inbound(erin, shop);
      const m = await w.decidedText(shop, erin);
      const { delivered } = await w.deliver(shop, erin, m.id);
      expect(delivered[0].status).toBe('delivered');
    });
  });

  describe('Idempotency-Key', () => {
    const body = (to: string, sealed: { ciphertext: string; nonce: string }) => ({ to, type: 'text', text: sealed });
    const post = (b: { id: string; apiKey: string }, payload: object, key?: string) =>
      w.api.call('POST', `/v1/${b.id}/messages`, { token: b.apiKey, body: payload, headers: key ? { 'idempotency-key': key } : {} });

    it('the same key with the same body returns the same id and sends only one message', async () => {
      const { b: shop, url } = await hookedBusiness();
      const alice = await w.customer();
      await w.inbound(alice, shop);
      const payload = body(alice.waId, seal('only once', alice.keys.publicKey, shop.keys));
      const key = `order-${Math.random().toString(36).slice(2)}`;
      const first = await post(shop, payload, key);
      const second = await post(shop, payload, key);
      // Same JSON, other key order: still the same request.
      const reordered = await post(shop, { text: payload.text, type: 'text', to: alice.waId }, key);
      expectStatus(first, 202);
      expectStatus(second, 202);
      expectStatus(reordered, 202);
      expect(second.body).toEqual(first.body);
      expect(reordered.body).toEqual(first.body);
      const id = first.body.messages[0].id;

      const { inbox } = await w.deliver(shop, alice, id);
      expect(inbox.map((m) => m.id)).toEqual([id]);
      expect(inbox[0].plaintext).toBe('only once');
      await statusArrived(url, id, 'delivered');
      // A later message is the next thing the business hears about: only one was ever requested.
      const later = await w.decidedText(shop, alice, 'later');
      await w.deliver(shop, alice, later.id);
      await statusArrived(url, later.id, 'delivered');
      await statusArrived(url, later.id, 'accepted');
      await statusArrived(url, id, 'accepted');
      const accepted = hooks
        .statuses(url)
        .filter((s) => s.status === 'accepted')
        .map((s) => s.id);
      expect(new Set(accepted)).toEqual(new Set([id, later.id]));
    });

    it('the same key with a different body is a 422 problem+json and sends nothing', async () => {
      const shop = await w.business();
      const bob = await w.customer();
      await w.inbound(bob, shop);
      const key = `k-${Math.random().toString(36).slice(2)}`;
      const first = await post(shop, body(bob.waId, seal('one', bob.keys.publicKey, shop.keys)), key);
      expectStatus(first, 202);
      const other = await post(shop, body(bob.waId, seal('two', bob.keys.publicKey, shop.keys)), key);
      expect(other.status).toBe(422);
      expect(other.headers.get('content-type')).toContain('application/problem+json');
      expect(other.body).toEqual(
        expect.objectContaining({ status: 422, title: expect.any(String), detail: expect.any(String), type: expect.any(String) }),
      );
      const { inbox } = await w.deliver(shop, bob, first.body.messages[0].id);
      expect(inbox.map((m) => m.plaintext)).toEqual(['one']);
    });

    it('keys are scoped to the business', async () => {
      const shop = await w.business();
      const other = await w.business();
      const carol = await w.customer();
      await w.inbound(carol, shop);
      await w.inbound(carol, other);
      const key = 'shared-key-1';
      const a = await post(shop, body(carol.waId, seal('from shop', carol.keys.publicKey, shop.keys)), key);
      const b = await post(other, body(carol.waId, seal('from other', carol.keys.publicKey, other.keys)), key);
      expectStatus(a, 202);
      expectStatus(b, 202);
      expect(b.body.messages[0].id).not.toBe(a.body.messages[0].id);
      await w.settled(shop, a.body.messages[0].id, ['sent']);
      await w.settled(other, b.body.messages[0].id, ['sent']);
      const inbox = await w.fetchInbox(carol);
      expect(inbox.map((m) => m.id).sort()).toEqual([a.body.messages[0].id, b.body.messages[0].id].sort());
      // One business cannot see the other's message, even with the same key.
      expect((await w.message(shop, b.body.messages[0].id)).status).toBe(404);
    });

    it('a key may be reused after 24 h: then it is a new message', async () => {
      const shop = await w.business();
      const dave = await w.customer();
      await w.inbound(dave, shop);
      const payload = body(dave.waId, seal('hello', dave.keys.publicKey, shop.keys));
      const first = await post(shop, payload, 'daily-digest');
      await w.advance(24 * 3600 + 1);
      const second = await post(shop, payload, 'daily-digest');
      expectStatus(second, 202);
      expect(second.body.messages[0].id).not.toBe(first.body.messages[0].id);
    });

    it('without a key, the same body twice is two messages', async () => {
      const shop = await w.business();
      const erin = await w.customer();
      await w.inbound(erin, shop);
      const payload = body(erin.waId, seal('twice', erin.keys.publicKey, shop.keys));
      const a = await post(shop, payload);
      const b = await post(shop, payload);
      expect(a.body.messages[0].id).not.toBe(b.body.messages[0].id);
      const { inbox } = await w.deliver(shop, erin, a.body.messages[0].id, b.body.messages[0].id);
      expect(inbox).toHaveLength(2);
    });
  });

  describe('click-to-chat (rule 9)', () => {
    it('GET /c/{phone}?text= redirects (302) to the chat deep link with the text preserved, no auth needed', async () => {
      const shop = await w.business();
      const text = 'Hi! I want to book a table for 2 & more? ünïcode';
      const r = await w.api.call('GET', `/c/${shop.phone}?text=${encodeURIComponent(text)}`);
      expect(r.status).toBe(302);
      const location = r.headers.get('location')!;
      expect(location).toBeTruthy();
      expect(location).toContain(shop.phone);
      const query = new URLSearchParams(location.slice(location.indexOf('?') + 1));
      expect(query.get('text')).toBe(text);

      const noText = await w.api.call('GET', `/c/${shop.phone}`);
      expect(noText.status).toBe(302);
      expect(noText.headers.get('location')).toContain(shop.phone);
      for (const bad of ['+447700900123', '0447700900123', '12345', 'call-me']) {
        expect((await w.api.call('GET', `/c/${encodeURIComponent(bad)}?text=hi`)).status).toBe(400);
      }
    });
  });

  describe('end-to-end encryption (rule 10)', () => {
    it('content is refused unless it is ciphertext and nonce', async () => {
      const shop = await w.business();
      const frank = await w.customer();
      await w.inbound(frank, shop);
      const bodies = [
        { to: frank.waId, type: 'text', text: { body: 'plain words' } },
        { to: frank.waId, type: 'text', text: 'plain words' },
        { to: frank.waId, type: 'text', text: { ciphertext: 'plain words', nonce: 'plain' } },
        { to: frank.waId, type: 'text', text: { ...seal('x', frank.keys.publicKey, shop.keys), body: 'plain words' } },
      ];
      for (const b of bodies) {
        const r = await w.api.call('POST', `/v1/${shop.id}/messages`, { token: shop.apiKey, body: b });
        expect(r.status).toBe(400);
      }
      const inbound = await w.api.call('POST', `/v1/customers/${frank.waId}/messages`, {
        token: frank.token,
        body: { to: shop.phone, type: 'text', text: { body: 'plain words' } },
      });
      expect(inbound.status).toBe(400);
    });

    it('no plaintext reaches the data directory or the logs', async () => {
      const { b: shop, url } = await hookedBusiness();
      const gina = await w.customer();
      const marker = `PLAINTEXT-${Math.random().toString(36).slice(2)}`;
      const inboundId = await w.inbound(gina, shop, `${marker} inbound`);
      const t = await w.template(shop, 'UTILITY');
      const reply = await w.decidedText(shop, gina, `${marker} reply`);
      const withParams = await w.decidedTemplate(shop, gina, t);
      const { inbox } = await w.deliver(shop, gina, reply.id, withParams.id);
      expect(inbox[0].plaintext).toBe(`${marker} reply`);
      await eventually('inbound webhook', async () => hooks.messages(url).find((x) => x.message.id === inboundId));
      await statusArrived(url, reply.id, 'delivered');

      expect(await w.platform.placesHolding(marker)).toEqual([]);
      expect(w.platform.logs()).not.toContain(marker);
      for (const d of hooks.for(url)) expect(d.raw.toString('utf8')).not.toContain(marker);
    });
  });
});
