import { countEvents, filesContaining } from '../support/data-dir';
import { startPlatform, type TestPlatform } from '../support/platform-process';
import { expectProblem } from '../support/problem';
import { b64, newKeyPair, seal } from '../support/sealed';
import { Scenario } from '../support/scenario';
import { type BusinessActor, type CustomerActor, STANDARD_CARD, expectStatus, phone } from '../support/world';

/**
 * Who may call what: the operator token, a business API key and a device token each open their own
 * endpoints only, a business never sees another's data, a device never acts for another customer,
 * and authentication comes before validation.
 */
describe('access and isolation', () => {
  let platform: TestPlatform;
  let world: Scenario;
  let shop: BusinessActor;
  let rival: BusinessActor;
  let alice: CustomerActor;
  let bob: CustomerActor;
  let rivalTemplate: { id: string; name: string; parameterCount: number };
  let rivalMessageId: string;
  let shopMessageId: string;
  let month: string;

  type Group = 'operator' | 'business' | 'device';
  interface Endpoint {
    group: Group;
    method: string;
    path: string;
    body?: unknown;
  }

  /** Every endpoint of the contract, each with a valid body, acting for `shop` and `alice`. */
  const endpoints = (): Endpoint[] => [
    {
      group: 'operator',
      method: 'POST',
      path: '/v1/businesses',
      body: { name: 'Intruder', phone_number: phone('1'), public_key: b64(newKeyPair().publicKey) },
    },
    { group: 'operator', method: 'PUT', path: `/v1/businesses/${shop.id}/limits`, body: { messaging_tier: 2000, throughput_per_second: 80 } },
    { group: 'operator', method: 'PUT', path: `/v1/customers/${alice.waId}`, body: { public_key: b64(newKeyPair().publicKey) } },
    { group: 'operator', method: 'POST', path: '/v1/rate-cards', body: { effective_from: '2021-01-01T00:00:00Z', ...STANDARD_CARD } },
    { group: 'operator', method: 'GET', path: '/v1/rate-cards/current' },
    { group: 'operator', method: 'POST', path: `/v1/templates/${rivalTemplate.id}/review`, body: { decision: 'DISABLED' } },
    { group: 'operator', method: 'POST', path: '/v1/clock/advance', body: { seconds: 0 } },
    {
      group: 'business',
      method: 'POST',
      path: `/v1/${shop.id}/templates`,
      body: { name: 'intruder_template', language: 'en_US', category: 'UTILITY', body: 'Hi {{1}}' },
    },
    { group: 'business', method: 'GET', path: `/v1/${shop.id}/templates` },
    {
      group: 'business',
      method: 'POST',
      path: `/v1/${shop.id}/messages`,
      body: { to: alice.waId, type: 'text', text: seal('intruder', alice.keys.publicKey, shop.keys) },
    },
    { group: 'business', method: 'GET', path: `/v1/${shop.id}/messages/${shopMessageId}` },
    { group: 'business', method: 'POST', path: `/v1/${shop.id}/opt-ins`, body: { wa_id: bob.waId, source: 'website' } },
    { group: 'business', method: 'DELETE', path: `/v1/${shop.id}/opt-ins/${alice.waId}` },
    { group: 'business', method: 'GET', path: `/v1/${shop.id}/conversations/${alice.waId}` },
    { group: 'business', method: 'GET', path: `/v1/${shop.id}/charges` },
    { group: 'business', method: 'GET', path: `/v1/${shop.id}/invoices/${month}` },
    {
      group: 'device',
      method: 'POST',
      path: `/v1/customers/${alice.waId}/messages`,
      body: { to: shop.phone, type: 'text', text: seal('intruder', shop.keys.publicKey, alice.keys) },
    },
    { group: 'device', method: 'GET', path: `/v1/customers/${alice.waId}/inbox` },
    { group: 'device', method: 'POST', path: `/v1/customers/${alice.waId}/receipts`, body: { message_id: shopMessageId, status: 'read' } },
    { group: 'device', method: 'POST', path: `/v1/customers/${alice.waId}/blocks`, body: { business_phone: shop.phone } },
    { group: 'device', method: 'DELETE', path: `/v1/customers/${alice.waId}/blocks/${shop.phone}` },
    { group: 'device', method: 'POST', path: `/v1/customers/${alice.waId}/preferences`, body: { business_phone: shop.phone, marketing: 'stop' } },
  ];

  const tokenOf = (group: Group) => ({ operator: world.admin, business: shop.apiKey, device: alice.token })[group];
  const call = (e: Endpoint, token?: string, extra: { rawBody?: string; body?: unknown } = {}) =>
    world.api.call(e.method, e.path, { token, ...(e.body !== undefined && { body: e.body }), ...extra });
  const label = (e: Endpoint) => `${e.method} ${e.path}`;

  beforeAll(async () => {
    // This suite fails hundreds of authentications on purpose, all from one address: without a limit on them
    // every refusal is the 401/403 it checks (the limit itself: security.spec.ts).
    platform = await startPlatform({ env: { AUTH_FAILURES_PER_IP: '0', AUTH_FAILURES_PER_KEY: '0' } });
    world = new Scenario(platform);
    await world.rateCard();
    shop = await world.business();
    rival = await world.business();
    alice = await world.customer();
    bob = await world.customer();

    // The rival has data of its own: a template, a conversation, a delivered and charged message, an opt-in.
    await world.inbound(alice, rival, 'hello rival');
    rivalTemplate = await world.approvedTemplate(rival, 'MARKETING', 'Sale on {{1}}', 'rival_secret_sale');
    const rivalMessage = await world.sentTemplate(rival, alice, rivalTemplate);
    rivalMessageId = rivalMessage.id;
    expectStatus(await world.api.call('POST', `/v1/${rival.id}/opt-ins`, { token: rival.apiKey, body: { wa_id: bob.waId, source: 'app' } }), 201);

    await world.inbound(alice, shop, 'hello shop');
    shopMessageId = (await world.sentText(shop, alice, 'hello alice')).id;
    await world.deliver(rival, alice, rivalMessageId);
    await world.deliver(shop, alice, shopMessageId);
    await world.charged(rival, rivalMessageId);
    const charges = await world.api.call('GET', `/v1/${rival.id}/charges`, { token: rival.apiKey });
    expectStatus(charges, 200);
    month = charges.body.data[0].charged_at.slice(0, 7);
  });
  afterAll(() => platform.stop());

  it('refuses every endpoint without a token: 401 problem+json with a Bearer challenge', async () => {
    for (const e of endpoints()) {
      const r = await call(e);
      try {
        expectProblem(r, 401);
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      } catch (error) {
        throw new Error(`${label(e)}: ${(error as Error).message}`);
      }
    }
  });

  it('refuses malformed and unknown tokens', async () => {
    const e = endpoints();
    const headers = ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'bearer not-a-token', `Token ${shop.apiKey}`];
    for (const endpoint of e) {
      for (const authorization of headers) {
        const r = await world.api.call(endpoint.method, endpoint.path, { headers: { authorization }, ...(endpoint.body !== undefined && { body: endpoint.body }) });
        if (r.status !== 401) throw new Error(`${label(endpoint)} with "${authorization}": ${r.status} ${JSON.stringify(r.body)}`);
      }
    }
    // Well-formed tokens of each kind that were never issued.
    const forged = [`vk_${shop.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, `vd_${alice.waId}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, 'vo_guess'];
    for (const endpoint of e) {
      for (const token of forged) {
        const r = await call(endpoint, token);
        if (r.status !== 401) throw new Error(`${label(endpoint)} with forged ${token}: ${r.status} ${JSON.stringify(r.body)}`);
        expectProblem(r, 401);
      }
    }
  });

  it('refuses a token of the wrong kind on every endpoint group with 401 or 403', async () => {
    const eventsBefore = countEvents(platform.dataDir);
    for (const e of endpoints()) {
      for (const kind of ['operator', 'business', 'device'] as const) {
        if (kind === e.group) continue;
        const r = await call(e, tokenOf(kind));
        try {
          expectProblem(r, [401, 403]);
        } catch (error) {
          throw new Error(`${label(e)} with a ${kind} token: ${(error as Error).message}`);
        }
      }
    }
    expect(countEvents(platform.dataDir)).toBe(eventsBefore);
  });

  it('accepts the right kind of token on every endpoint group (the table above is live)', async () => {
    // Guards against a table of paths that would be refused for some other reason (a typo gives 404).
    for (const e of endpoints().filter((x) => x.method === 'GET')) {
      const r = await call(e, tokenOf(e.group));
      if (r.status !== 200) throw new Error(`${label(e)}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  });

  it("never lets a business read or write another business's paths", async () => {
    const eventsBefore = countEvents(platform.dataDir);
    const secrets = [rivalTemplate.name, rivalMessageId, 'rival_secret_sale', bob.waId];
    const attempts: Endpoint[] = [
      { group: 'business', method: 'GET', path: `/v1/${rival.id}/templates` },
      { group: 'business', method: 'POST', path: `/v1/${rival.id}/templates`, body: { name: 'planted', language: 'en_US', category: 'MARKETING', body: 'Hi {{1}}' } },
      { group: 'business', method: 'GET', path: `/v1/${rival.id}/messages/${rivalMessageId}` },
      {
        group: 'business',
        method: 'POST',
        path: `/v1/${rival.id}/messages`,
        body: { to: alice.waId, type: 'text', text: seal('in your name', alice.keys.publicKey, shop.keys) },
      },
      { group: 'business', method: 'GET', path: `/v1/${rival.id}/charges` },
      { group: 'business', method: 'GET', path: `/v1/${rival.id}/charges?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z` },
      { group: 'business', method: 'GET', path: `/v1/${rival.id}/invoices/${month}` },
      { group: 'business', method: 'GET', path: `/v1/${rival.id}/conversations/${alice.waId}` },
      { group: 'business', method: 'POST', path: `/v1/${rival.id}/opt-ins`, body: { wa_id: alice.waId, source: 'website' } },
      { group: 'business', method: 'DELETE', path: `/v1/${rival.id}/opt-ins/${bob.waId}` },
      // The rival's message id under the shop's own path: it does not exist there.
      { group: 'business', method: 'GET', path: `/v1/${shop.id}/messages/${rivalMessageId}` },
    ];
    for (const e of attempts) {
      const r = await call(e, shop.apiKey);
      try {
        expectProblem(r, [403, 404]);
        // Nothing of the rival's comes back, beyond what the request itself named.
        const text = JSON.stringify(r.body);
        const asked = e.path + JSON.stringify(e.body ?? null);
        for (const secret of secrets.filter((s) => !asked.includes(s))) expect(text).not.toContain(secret);
      } catch (error) {
        throw new Error(`${label(e)} with the shop's key: ${(error as Error).message}`);
      }
    }
    expect(countEvents(platform.dataDir)).toBe(eventsBefore);

    // The rival's data is untouched and still its own.
    const own = await world.message(rival, rivalMessageId);
    expectStatus(own, 200);
    expect(own.body.status).toBe('delivered');
    const templates = await world.api.call('GET', `/v1/${rival.id}/templates`, { token: rival.apiKey });
    expect(templates.body.data.map((t: { name: string }) => t.name)).toEqual([rivalTemplate.name]);
    const shopTemplates = await world.api.call('GET', `/v1/${shop.id}/templates`, { token: shop.apiKey });
    expect(shopTemplates.body.data).toEqual([]);
    const shopCharges = await world.api.call('GET', `/v1/${shop.id}/charges`, { token: shop.apiKey });
    expect(shopCharges.body).toEqual({ data: [], total_micros: 0, currency: 'USD' });
    const shopInvoice = await world.api.call('GET', `/v1/${shop.id}/invoices/${month}`, { token: shop.apiKey });
    expect(shopInvoice.body.lines).toEqual([]);
    const rivalBob = await world.api.call('GET', `/v1/${rival.id}/conversations/${bob.waId}`, { token: rival.apiKey });
    expect(rivalBob.body.consent).toEqual({ granted: true, source: 'app' });
    const shopBob = await world.api.call('GET', `/v1/${shop.id}/conversations/${bob.waId}`, { token: shop.apiKey });
    expect(shopBob.body.consent.granted).toBe(false);
  });

  it("refuses a key whose id part names another business (the secret is the shop's)", async () => {
    const secret = shop.apiKey.slice(shop.apiKey.indexOf('.') + 1);
    const forged = `vk_${rival.id}.${secret}`;
    expectProblem(await world.api.call('GET', `/v1/${rival.id}/templates`, { token: forged }), 401);
    expectProblem(await world.api.call('GET', `/v1/${rival.id}/messages/${rivalMessageId}`, { token: forged }), 401);
  });

  it('never lets a device act for another customer', async () => {
    const eventsBefore = countEvents(platform.dataDir);
    const asAlice = endpoints()
      .filter((e) => e.group === 'device')
      .map((e) => ({ ...e, path: e.path.replace(`/v1/customers/${alice.waId}`, `/v1/customers/${bob.waId}`) }));
    for (const e of asAlice) {
      const r = await call(e, alice.token);
      try {
        expectProblem(r, [401, 403]);
      } catch (error) {
        throw new Error(`${label(e)} with alice's token: ${(error as Error).message}`);
      }
    }
    // Nor register a device: that is the operator's.
    expectProblem(await world.api.call('PUT', `/v1/customers/${bob.waId}`, { token: alice.token, body: { public_key: b64(newKeyPair().publicKey) } }), [401, 403]);
    expect(countEvents(platform.dataDir)).toBe(eventsBefore);

    // Bob cannot acknowledge (read) a message sent to alice, through his own path either.
    const receipt = await world.api.call('POST', `/v1/customers/${bob.waId}/receipts`, { token: bob.token, body: { message_id: shopMessageId, status: 'read' } });
    expectProblem(receipt, [403, 404]);
    expect((await world.message(shop, shopMessageId)).body.status).toBe('delivered');
  });

  it('rotates the device token when the device is registered again: the old token stops working', async () => {
    const carol = await world.customer();
    const inbox = (token: string) => world.api.call('GET', `/v1/customers/${carol.waId}/inbox`, { token });
    expectStatus(await inbox(carol.token), 200);

    const again = await world.customer(carol.waId);
    expect(again.token).not.toBe(carol.token);
    expectProblem(await inbox(carol.token), 401);
    const write = await world.api.call('POST', `/v1/customers/${carol.waId}/messages`, {
      token: carol.token,
      body: { to: shop.phone, type: 'text', text: seal('old device', shop.keys.publicKey, carol.keys) },
    });
    expectProblem(write, 401);
    expectStatus(await inbox(again.token), 200);
  });

  it('authenticates before it validates: a bad body or path without the right token is refused, not judged', async () => {
    const badBodies: { method: string; path: string; body: unknown; group: Group }[] = [
      { group: 'operator', method: 'POST', path: '/v1/businesses', body: { name: 5, phone_number: '+44', public_key: 'hello' } },
      { group: 'operator', method: 'PUT', path: `/v1/customers/${alice.waId}`, body: { public_key: 'plaintext' } },
      { group: 'operator', method: 'POST', path: '/v1/rate-cards', body: { effective_from: 'never', markets: [] } },
      { group: 'operator', method: 'POST', path: `/v1/templates/${rivalTemplate.id}/review`, body: { decision: 'MAYBE' } },
      { group: 'operator', method: 'POST', path: '/v1/clock/advance', body: { seconds: -5 } },
      { group: 'business', method: 'POST', path: `/v1/${shop.id}/templates`, body: { category: 'SPAM' } },
      { group: 'business', method: 'POST', path: `/v1/${shop.id}/messages`, body: { to: 'nobody', type: 'fax' } },
      { group: 'business', method: 'POST', path: `/v1/${shop.id}/opt-ins`, body: { wa_id: '0', source: 'pigeon' } },
      { group: 'device', method: 'POST', path: `/v1/customers/${alice.waId}/messages`, body: { to: '+1', text: 'hello world' } },
      { group: 'device', method: 'POST', path: `/v1/customers/${alice.waId}/receipts`, body: { status: 'seen' } },
      { group: 'device', method: 'POST', path: `/v1/customers/${alice.waId}/blocks`, body: { business_phone: 'x' } },
      { group: 'device', method: 'POST', path: `/v1/customers/${alice.waId}/preferences`, body: { marketing: 'maybe' } },
    ];
    const badPaths: { method: string; path: string; group: Group }[] = [
      { group: 'operator', method: 'PUT', path: '/v1/customers/+4477' },
      { group: 'business', method: 'GET', path: `/v1/${shop.id}/conversations/not-a-phone` },
      { group: 'business', method: 'DELETE', path: `/v1/${shop.id}/opt-ins/012` },
      { group: 'business', method: 'GET', path: `/v1/${shop.id}/invoices/last-month` },
      { group: 'business', method: 'GET', path: `/v1/${shop.id}/charges?from=yesterday` },
      { group: 'device', method: 'DELETE', path: `/v1/customers/${alice.waId}/blocks/abc` },
    ];
    const eventsBefore = countEvents(platform.dataDir);
    for (const e of [...badBodies, ...badPaths]) {
      const body = 'body' in e ? e.body : undefined;
      const noToken = await world.api.call(e.method, e.path, { ...(body !== undefined && { body }) });
      try {
        expectProblem(noToken, 401);
        if (e.method !== 'GET') {
          expectProblem(await world.api.call(e.method, e.path, { rawBody: '{"to": "4477009001' }), 401);
          expectProblem(await world.api.call(e.method, e.path, { rawBody: `{"to":${'['.repeat(10_000)}${']'.repeat(10_000)}}` }), 401);
        }
        for (const kind of ['operator', 'business', 'device'] as const) {
          if (kind === e.group) continue;
          expectProblem(await world.api.call(e.method, e.path, { token: tokenOf(kind), ...(body !== undefined && { body }) }), [401, 403]);
        }
      } catch (error) {
        throw new Error(`${e.method} ${e.path}: ${(error as Error).message}`);
      }
    }
    // Another business's key on a bad body is refused for the business, not for the body.
    const foreign = await world.api.call('POST', `/v1/${rival.id}/messages`, { token: shop.apiKey, body: { to: 'nobody' } });
    expectProblem(foreign, 403);
    const foreignMalformed = await world.api.call('POST', `/v1/${rival.id}/messages`, { token: shop.apiKey, rawBody: '{"to":' });
    expectProblem(foreignMalformed, 403);
    expect(countEvents(platform.dataDir)).toBe(eventsBefore);
  });

  it('keeps API keys and device tokens hashed: neither appears in any file under DATA_DIR nor in the logs', async () => {
    const issued = await world.business();
    const device = await world.customer();
    // Use both, so they pass through every layer that could keep them.
    expectStatus(await world.api.call('GET', `/v1/${issued.id}/templates`, { token: issued.apiKey }), 200);
    expectStatus(await world.api.call('GET', `/v1/customers/${device.waId}/inbox`, { token: device.token }), 200);

    for (const token of [issued.apiKey, shop.apiKey, rival.apiKey, device.token, alice.token, bob.token]) {
      const secret = token.slice(token.indexOf('.') + 1);
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(filesContaining(platform.dataDir, token)).toEqual([]);
      expect(filesContaining(platform.dataDir, secret)).toEqual([]);
      expect(platform.logs()).not.toContain(secret);
    }
    expect(platform.logs()).not.toContain(world.admin);
  });
});
