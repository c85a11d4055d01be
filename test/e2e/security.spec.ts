import { countEvents } from '../support/data-dir';
import { expectProblem } from '../support/problem';
import { Scenario, eventually, expectStatus } from '../support/scenario';
import { type BusinessActor, type CustomerActor } from '../support/world';
import { WebhookReceiver, expectedSignature } from '../support/webhook-receiver';

const DAY_S = 24 * 3600;
const WINDOW_S = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Abuse and secrets (README: "Security"): repeated failed authentications are limited per client
 * (429 with Retry-After) without ever refusing a valid key, and a business rotates its webhook
 * secret with an overlap during which webhooks carry both signatures.
 */
describe('security', () => {
  let w: Scenario;
  let hooks: WebhookReceiver;

  beforeAll(async () => {
    hooks = await WebhookReceiver.start();
    // Small budgets and a short window; clients told apart by X-Forwarded-For, as behind a proxy.
    w = await Scenario.start({
      AUTH_FAILURES_PER_IP: '5',
      AUTH_FAILURES_PER_KEY: '3',
      AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_S),
      TRUST_PROXY: 'loopback',
    });
  });
  afterAll(async () => {
    await w.stop();
    await hooks.close();
  });

  describe('failed authentications are rate-limited per client', () => {
    let ipCounter = 0;
    /** A fresh client address (TEST-NET-3), so each test starts with full budgets. */
    const newClient = () => `203.0.113.${++ipCounter}`;
    const call = (ip: string, path: string, token?: string) => w.api.call('GET', path, { token, headers: { 'x-forwarded-for': ip } });

    function expectTooMany(r: Awaited<ReturnType<typeof call>>) {
      expectProblem(r, 429);
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
      expect(r.body.retry_after_seconds).toBe(retryAfter);
      return retryAfter;
    }

    it('per presented key: the 4th bad key for one business is 429 with Retry-After, from any address; its valid key still works', async () => {
      const shop = await w.business();
      const other = await w.business();
      const path = `/v1/${shop.id}/templates`;
      const forged = `vk_${shop.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
      for (let i = 0; i < 3; i++) expectProblem(await call(newClient(), path, forged), 401);
      expectTooMany(await call(newClient(), path, forged));
      // Successful requests are unaffected: the business's own key, even from the client that failed last.
      expectStatus(await call(`203.0.113.${ipCounter}`, path, shop.apiKey), 200);
      // Another business's key prefix has its own budget.
      expectProblem(
        await call(newClient(), `/v1/${other.id}/templates`, `vk_${other.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`),
        401,
      );
    });

    it('per source address: after 5 failures, failing requests are 429; valid keys and tokens from it still work, the operator token does not', async () => {
      const shop = await w.business();
      const alice = await w.customer();
      const client = newClient();
      const garbage = ['nope', undefined, 'vo_guess', `vd_${alice.waId}.wrong`, `vk_${shop.id}.wrong`];
      for (const token of garbage) expectProblem(await call(client, '/v1/rate-cards/current', token), 401);
      expectTooMany(await call(client, '/v1/rate-cards/current', 'still-guessing'));
      expectTooMany(await call(client, `/v1/${shop.id}/templates`, 'vk_x.y'));

      // API keys and device tokens cannot be guessed: a valid one is served whatever the address did.
      expectStatus(await call(client, `/v1/${shop.id}/templates`, shop.apiKey), 200);
      expectStatus(await call(client, `/v1/customers/${alice.waId}/inbox`, alice.token), 200);
      // The operator token may be guessable: from this address it is not even compared until the window ends.
      const retryAfter = expectTooMany(await call(client, '/v1/rate-cards/current', w.admin));
      // Other clients are not affected.
      expectProblem(await call(newClient(), '/v1/rate-cards/current', w.admin), 404); // no card published: the operator got in

      // Once Retry-After has passed, the address is served again, and its failures are 401 again.
      await sleep(retryAfter * 1000 + 200);
      expectProblem(await call(client, '/v1/rate-cards/current', w.admin), 404);
      expectProblem(await call(client, '/v1/rate-cards/current', 'nope'), 401);
    });

    it('a refused request changes nothing', async () => {
      const shop = await w.business();
      const client = newClient();
      const before = countEvents(w.platform.dataDir);
      const body = { name: 'sneaky_one', language: 'en_US', category: 'UTILITY', body: 'Hi {{1}}' };
      for (let i = 0; i < 7; i++) {
        const r = await w.api.call('POST', `/v1/${shop.id}/templates`, { token: 'wrong', body, headers: { 'x-forwarded-for': client } });
        expectProblem(r, i < 5 ? 401 : 429);
      }
      expect(countEvents(w.platform.dataDir)).toBe(before);
      const templates = await w.api.call('GET', `/v1/${shop.id}/templates`, { token: shop.apiKey });
      expect(templates.body.data).toEqual([]);
    });
  });

  describe('webhook secret rotation', () => {
    /** A business with a webhook, and a customer whose messages make the platform post to it. */
    async function hooked() {
      const url = hooks.newUrl();
      const b = await w.business({ webhookUrl: url });
      const c = await w.customer();
      return { b, c, url };
    }

    /** The customer writes; resolves with the webhook that carried that message. */
    async function nextWebhook(b: BusinessActor, c: CustomerActor, url: string) {
      const id = await w.inbound(c, b);
      return eventually(`webhook for ${id}`, async () => hooks.messages(url).find((m) => m.message.id === id)?.delivery);
    }

    const rotate = (b: BusinessActor, body?: unknown, token = b.apiKey) =>
      w.api.call('POST', `/v1/${b.id}/webhook-secret/rotate`, { token, ...(body !== undefined && { body }) });

    it('returns the new secret once; for 24 h webhooks carry both signatures, then only the new one', async () => {
      const { b, c, url } = await hooked();
      const first = await nextWebhook(b, c, url);
      expect(first.headers['x-hub-signature-256']).toBe(expectedSignature(first.raw, b.webhookSecret));
      expect(first.headers['x-hub-signature-256-previous']).toBeUndefined();

      const now = await w.now();
      const r = await rotate(b);
      expectStatus(r, 200);
      expect(r.body).toEqual({
        webhook_secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
        previous_secret_valid_until: expect.any(String),
        rotated_at: expect.any(String),
      });
      const secret = r.body.webhook_secret as string;
      expect(secret).not.toBe(b.webhookSecret);
      const overlapMs = Date.parse(r.body.previous_secret_valid_until) - Date.parse(r.body.rotated_at);
      expect(overlapMs).toBe(DAY_S * 1000);
      expect(Date.parse(r.body.rotated_at)).toBeGreaterThanOrEqual(now);

      // The usual header is valid with the new secret at once; the previous secret's signature rides along.
      const during = await nextWebhook(b, c, url);
      expect(during.headers['x-hub-signature-256']).toBe(expectedSignature(during.raw, secret));
      expect(during.headers['x-hub-signature-256-previous']).toBe(expectedSignature(during.raw, b.webhookSecret));

      await w.advance(DAY_S + 1);
      const after = await nextWebhook(b, c, url);
      expect(after.headers['x-hub-signature-256']).toBe(expectedSignature(after.raw, secret));
      expect(after.headers['x-hub-signature-256-previous']).toBeUndefined();
    });

    it('takes an overlap from the request; 0 ends the old secret at once; a second rotation in an overlap keeps the oldest', async () => {
      const { b, c, url } = await hooked();
      const leaked = await rotate(b, { overlap_seconds: 0 });
      expectStatus(leaked, 200);
      expect(leaked.body.previous_secret_valid_until).toBeNull();
      const s1 = leaked.body.webhook_secret as string;
      const only = await nextWebhook(b, c, url);
      expect(only.headers['x-hub-signature-256']).toBe(expectedSignature(only.raw, s1));
      expect(only.headers['x-hub-signature-256-previous']).toBeUndefined();

      const hour = await rotate(b, { overlap_seconds: 3600 });
      expect(Date.parse(hour.body.previous_secret_valid_until) - Date.parse(hour.body.rotated_at)).toBe(3600 * 1000);
      // Rotated again (say, the answer was lost): the secret receivers still run with (s1) keeps signing.
      const again = await rotate(b);
      expect(again.body.previous_secret_valid_until).toBe(hour.body.previous_secret_valid_until);
      const s3 = again.body.webhook_secret as string;
      const both = await nextWebhook(b, c, url);
      expect(both.headers['x-hub-signature-256']).toBe(expectedSignature(both.raw, s3));
      expect(both.headers['x-hub-signature-256-previous']).toBe(expectedSignature(both.raw, s1));
    });

    it('only the business itself may rotate, with a valid body; a refused rotation changes nothing', async () => {
      const { b, c, url } = await hooked();
      const other = await w.business();
      const before = countEvents(w.platform.dataDir);
      expectProblem(await rotate(b, undefined, other.apiKey), 403);
      expectProblem(await rotate(b, undefined, c.token), 401);
      expectProblem(await rotate(b, undefined, w.admin), 401);
      for (const body of [
        { overlap_seconds: -1 },
        { overlap_seconds: 1.5 },
        { overlap_seconds: '60' },
        { overlap_seconds: 8 * DAY_S },
        { secret: 'mine' },
        [1],
      ]) {
        expectProblem(await rotate(b, body), 400, { validation: true });
      }
      expect(countEvents(w.platform.dataDir)).toBe(before);
      const still = await nextWebhook(b, c, url);
      expect(still.headers['x-hub-signature-256']).toBe(expectedSignature(still.raw, b.webhookSecret));
    });
  });
});
