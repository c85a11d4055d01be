import nacl from 'tweetnacl';
import { httpAnchor, maxRate } from './anchors';
import { LoadClient, closedLoop, openLoop } from './http-load';

/**
 * Drives a running Ventana (embedded or distributed, same public API) over HTTP with simulated
 * businesses and customer devices: setup, a sustained run until every message is charged, an open
 * loop at a fixed offered rate, and the send endpoint at full speed against a bare node:http anchor.
 */
export interface DriveOptions {
  url: string;
  adminToken: string;
  businesses: number;
  customers: number;
  messages: number;
  offeredRate: number;
  latencySeconds: number;
  anchorSeconds: number;
  concurrency: number;
  log: (line: string) => void;
  /** Skip the edge and its anchor (already measured elsewhere in the run). */
  skipEdge?: boolean;
}

export interface DriveFigures {
  e2eRate: number;
  latencies: number[];
  edgeRps?: number;
  anchorHttpRps?: number;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export async function driveMessaging(o: DriveOptions): Promise<DriveFigures> {
  const { log, concurrency: CONCURRENCY, businesses: BUSINESSES, customers: CUSTOMERS, messages: SUSTAINED_MESSAGES } = o;
  const { offeredRate: OFFERED_RATE, latencySeconds: LATENCY_SECONDS, anchorSeconds: ANCHOR_SECONDS } = o;
  const api = new LoadClient(o.url, CONCURRENCY);
  const admin = o.adminToken;
  try {
    log(`setting up ${BUSINESSES} businesses and ${CUSTOMERS} customer devices at ${o.url}…`);
    await api.request('POST', '/v1/rate-cards', admin, {
      effective_from: '2020-01-01T00:00:00Z',
      currency: 'USD',
      markets: [
        { market: 'GB', calling_codes: ['44'], prices: { marketing: '0.0529', utility: '0.022', authentication: '0.0358' } },
        { market: 'ROW', calling_codes: ['*'], prices: { marketing: '0.0604', utility: '0.0077', authentication: '0.0075' } },
      ],
    });
    const businesses = await Promise.all(
      Array.from({ length: BUSINESSES }, async (_, i) => {
        const keys = nacl.box.keyPair();
        const phone = `1555${String(Date.now() % 1e5).padStart(5, '0')}${String(i).padStart(3, '0')}`;
        const r = await api.request('POST', '/v1/businesses', admin, { name: `Bench ${i}`, phone_number: phone, public_key: b64(keys.publicKey) });
        await api.request('PUT', `/v1/businesses/${r.body.id}/limits`, admin, { messaging_tier: 'unlimited', throughput_per_second: 1000 });
        const t = await api.request('POST', `/v1/${r.body.id}/templates`, r.body.api_key, {
          name: 'order_update',
          language: 'en_US',
          category: 'MARKETING',
          body: 'Hello {{1}}, something new for you',
        });
        await api.request('POST', `/v1/templates/${t.body.id}/review`, admin, { decision: 'APPROVED' });
        return { id: r.body.id as string, phone, apiKey: r.body.api_key as string, keys };
      }),
    );
    const customers: { waId: string; token: string; business: (typeof businesses)[number]; parameters: { ciphertext: string; nonce: string } }[] = [];
    await closedLoop(CUSTOMERS, 32, async (i) => {
      const keys = nacl.box.keyPair();
      const waId = `4477${String(i).padStart(8, '0')}`;
      const business = businesses[i % BUSINESSES];
      const r = await api.request('PUT', `/v1/customers/${waId}`, admin, { public_key: b64(keys.publicKey) });
      const nonce = nacl.randomBytes(24);
      const hello = { ciphertext: b64(nacl.box(Buffer.from('hello'), nonce, business.keys.publicKey, keys.secretKey)), nonce: b64(nonce) };
      await api.request('POST', `/v1/customers/${waId}/messages`, r.body.device_token, { to: business.phone, type: 'text', text: hello });
      const pNonce = nacl.randomBytes(24);
      const parameters = { ciphertext: b64(nacl.box(Buffer.from('["Ada"]'), pNonce, keys.publicKey, business.keys.secretKey)), nonce: b64(pNonce) };
      customers[i] = { waId, token: r.body.device_token, business, parameters };
    });

    const send = (i: number) => {
      const c = customers[i % CUSTOMERS];
      return api.request('POST', `/v1/${c.business.id}/messages`, c.business.apiKey, {
        to: c.waId,
        type: 'template',
        template: { name: 'order_update', language: 'en_US', parameter_count: 1, parameters: c.parameters },
      });
    };

    // Simulated devices: fetch inboxes round-robin (each fetch acknowledges delivery) until told to stop.
    const devicesApi = new LoadClient(o.url, 8);
    let delivered = 0;
    let devicesOn = true;
    const devices = Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let i = worker; devicesOn; i += 8) {
          const c = customers[i % CUSTOMERS];
          const r = await devicesApi.request('GET', `/v1/customers/${c.waId}/inbox`, c.token);
          delivered += r.body.messages.length;
        }
      }),
    );

    log(`sustained: ${SUSTAINED_MESSAGES} marketing templates, send → accepted → priced → sent → delivered → charged…`);
    const started = performance.now();
    await closedLoop(SUSTAINED_MESSAGES, CONCURRENCY, async (i) => void (await send(i)));
    await allCharged(api, businesses, (b) => Array.from({ length: SUSTAINED_MESSAGES }, (_, i) => i).filter((i) => (i % CUSTOMERS) % BUSINESSES === b).length);
    const e2eSeconds = (performance.now() - started) / 1000;
    const e2eRate = SUSTAINED_MESSAGES / e2eSeconds;
    log(`  ${SUSTAINED_MESSAGES} delivered and charged in ${e2eSeconds.toFixed(1)} s (${delivered} inbox deliveries seen by devices)`);

    log(`latency: open loop at ${OFFERED_RATE} messages/s for ${LATENCY_SECONDS} s, devices fetching meanwhile…`);
    const latencies = await openLoop(OFFERED_RATE, LATENCY_SECONDS, async (i) => void (await send(SUSTAINED_MESSAGES + i)));
    devicesOn = false;
    await devices;

    if (o.skipEdge) return { e2eRate, latencies };
    log(`edge: the send endpoint at full speed for ${ANCHOR_SECONDS} s, then a bare node:http server the same way…`);
    // Spread over every customer like real traffic (one flooded conversation would measure the pair limit, not the edge).
    let edgeSends = SUSTAINED_MESSAGES + OFFERED_RATE * LATENCY_SECONDS;
    const edgeRps = await maxRate(ANCHOR_SECONDS, CONCURRENCY, () => send(edgeSends++));
    const sampleBody = { to: customers[0].waId, type: 'template', template: { name: 'order_update', language: 'en_US', parameter_count: 1, parameters: customers[0].parameters } };
    const anchorHttp = await httpAnchor(ANCHOR_SECONDS, CONCURRENCY, sampleBody);

    return { e2eRate, latencies, edgeRps, anchorHttpRps: anchorHttp };
  } finally {
    api.close();
  }
}

/** Waits until every business's invoice counts the messages sent to it; a finished business is not asked again. */
async function allCharged(api: LoadClient, businesses: { id: string; apiKey: string }[], expected: (business: number) => number): Promise<void> {
  const month = new Date().toISOString().slice(0, 7);
  let waiting = businesses.map((b, i) => ({ ...b, expected: expected(i) }));
  while (waiting.length > 0) {
    const counts = await Promise.all(
      waiting.map(async (b) => {
        const r = await api.request('GET', `/v1/${b.id}/invoices/${month}`, b.apiKey);
        return (r.body.lines as { messages: number }[]).reduce((sum, l) => sum + l.messages, 0);
      }),
    );
    waiting = waiting.filter((b, i) => counts[i] < b.expected);
    if (waiting.length > 0) await new Promise((r) => setTimeout(r, 250));
  }
}

