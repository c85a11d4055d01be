import { readFileSync } from 'node:fs';
import { EMBEDDED_NODE_ARGS, entryOf, startPlatform, type TestPlatform } from '../support/platform-process';
import { expectProblem } from '../support/problem';
import { World } from '../support/world';

/** What an operator and a load balancer see: probes, metrics, docs, the click-to-chat link, and 404s. */
describe('operations', () => {
  let platform: TestPlatform;
  let world: World;

  beforeAll(async () => {
    platform = await startPlatform();
    world = new World(platform);
  });
  afterAll(() => platform.stop());

  it('runs with the node flags of `npm start`, which tests, demo and bench use too', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(['node', ...EMBEDDED_NODE_ARGS, 'dist/apps/ventana/src/main.js'].join(' '));
    const commandLine = readFileSync(`/proc/${platform.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(commandLine.slice(1)).toEqual([...EMBEDDED_NODE_ARGS, entryOf('ventana')]);
  });

  it('answers the liveness probe', async () => {
    const r = await world.api.call('GET', '/health/live');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ status: 'ok' }));
  });

  it('answers the readiness probe with the event store and the read models up', async () => {
    const r = await world.api.call('GET', '/health/ready');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
    expect(r.body.info).toEqual(expect.objectContaining({
        'event-store': expect.objectContaining({ status: 'up' }),
        'read-models': expect.objectContaining({ status: 'up' }),
      }),);
    expect(r.body.error).toEqual({});
  });

  it('serves Prometheus metrics that count HTTP requests by route pattern', async () => {
    // A request of a known shape, so its counter exists.
    await world.api.call('GET', '/v1/rate-cards/current', { token: world.admin });
    const r = await world.api.call('GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = r.body as string;
    expect(text).toMatch(/^# HELP ventana_http_requests_total /m);
    expect(text).toMatch(/^# TYPE ventana_http_requests_total counter$/m);
    expect(text).toMatch(/^ventana_http_requests_total\{[^}]*route="\/v1\/rate-cards\/current"[^}]*\} \d+/m);
    expect(text).toMatch(/^# TYPE ventana_http_request_duration_seconds histogram$/m);
    // Every sample line is `name{labels} value` or `name value`.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?(\d|NaN|\+Inf|-Inf)/);
    }
    // Raw ids never become label values.
    expect(text).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('serves the API documentation', async () => {
    const ui = await fetch(`${platform.url}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    expect(await ui.text()).toMatch(/swagger/i);
    const json = await world.api.call('GET', '/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/v1/businesses', '/v1/{business_id}/messages', '/v1/customers/{wa_id}/inbox']));
  });

  it('redirects a click-to-chat link to the chat deep link, keeping the phone and the text', async () => {
    const r = await world.api.call('GET', '/c/447700900123?text=Hello%20there');
    expect(r.status).toBe(302);
    const location = new URL(r.headers.get('location')!);
    expect(location.searchParams.get('phone')).toBe('447700900123');
    expect(location.searchParams.get('text')).toBe('Hello there');

    // Text that needs escaping survives the round trip exactly.
    const tricky = 'Hi & welcome: 50% off? #1 "deal" + more / ünïcødé 👋';
    const escaped = await world.api.call('GET', `/c/919812345678?text=${encodeURIComponent(tricky)}`);
    expect(escaped.status).toBe(302);
    const escapedLocation = new URL(escaped.headers.get('location')!);
    expect(escapedLocation.searchParams.get('text')).toBe(tricky);
    expect(escapedLocation.searchParams.get('phone')).toBe('919812345678');

    // Without text: the link opens the chat only.
    const bare = await world.api.call('GET', '/c/919812345678');
    expect(bare.status).toBe(302);
    expect(new URL(bare.headers.get('location')!).searchParams.get('phone')).toBe('919812345678');
  });

  it('refuses a click-to-chat link with a bad phone number: 400 problem+json', async () => {
    for (const bad of ['+447700900123', '07700900123', '4477', '4477009001234567', 'shop', '44770090012a']) {
      const r = await world.api.call('GET', `/c/${encodeURIComponent(bad)}?text=Hello%20there`);
      try {
        expectProblem(r, 400);
      } catch (error) {
        throw new Error(`/c/${bad}: ${(error as Error).message}`);
      }
    }
  });

  it('answers an unknown route with 404 problem+json', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['POST', '/v1/nowhere'],
      ['GET', '/v2/businesses'],
      ['DELETE', '/v1/businesses'],
    ]) {
      const r = await world.api.call(method, path, { token: world.admin });
      expectProblem(r, 404);
    }
  });

  describe('without CLOCK=test', () => {
    let production: TestPlatform;

    beforeAll(async () => {
      production = await startPlatform({ env: { CLOCK: '' } });
    });
    afterAll(() => production.stop());

    it('has no clock endpoint: POST /v1/clock/advance is 404, with or without a token', async () => {
      const api = new World(production).api;
      expectProblem(await api.call('POST', '/v1/clock/advance', { token: production.adminToken, body: { seconds: 0 } }), 404);
      expectProblem(await api.call('POST', '/v1/clock/advance', { token: production.adminToken, body: { seconds: 3600 } }), 404);
      expectProblem(await api.call('POST', '/v1/clock/advance', { body: { seconds: 0 } }), 404);
      // Everything else is served as usual.
      const ready = await api.call('GET', '/health/ready');
      expect(ready.status).toBe(200);
    });

    it('runs on the system clock: time written into events is real time', async () => {
      const world2 = new World(production);
      await world2.rateCard();
      const shop = await world2.business();
      const before = Date.now();
      const template = await world2.api.call('POST', `/v1/${shop.id}/templates`, {
        token: shop.apiKey,
        body: { name: 'clock_probe', language: 'en_US', category: 'UTILITY', body: 'Hi {{1}}' },
      });
      const after = Date.now();
      expect(template.status).toBe(201);
      const created = Date.parse(template.body.created_at);
      expect(created).toBeGreaterThanOrEqual(before);
      expect(created).toBeLessThanOrEqual(after);
    });
  });
});
