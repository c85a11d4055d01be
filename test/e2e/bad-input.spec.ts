import { countEvents } from '../support/data-dir';
import { startPlatform, type TestPlatform } from '../support/platform-process';
import { expectProblem } from '../support/problem';
import { b64, newKeyPair, seal } from '../support/sealed';
import { Scenario } from '../support/scenario';
import { type BusinessActor, type CustomerActor, STANDARD_CARD, expectStatus, phone } from '../support/world';

/**
 * Bad input on every write endpoint (and the parameters of the reads): each answer is a 4xx
 * problem+json, never a 5xx, and nothing observable changes, neither through the API nor in the store.
 */
describe('bad input', () => {
  let platform: TestPlatform;
  let world: Scenario;
  let shop: BusinessActor;
  let alice: CustomerActor;
  let template: { id: string; name: string; parameterCount: number };
  let messageId: string;

  /** Bad as a JSON field; the non-empty strings are also bad as a path segment. */
  const BAD_PHONES = {
    'too short': '4477009',
    'too long': '4477009001234567',
    'with +': '+447700900123',
    'leading 0': '07700900123',
    letters: '44770090abcd',
    empty: '',
    'a number, not a string': 447700900123,
  } as const;

  const nonce = () => b64(new Uint8Array(24).fill(7));
  const sealed = () => seal('a secret', alice.keys.publicKey, shop.keys);
  /** Sealed content made wrong in every way a client can get it wrong. */
  const BAD_SEALED = (): Record<string, unknown> => ({
    'plaintext instead of an object': 'hello world',
    'plaintext ciphertext': { ciphertext: 'hello world', nonce: nonce() },
    'ciphertext too short for a box': { ciphertext: b64(new Uint8Array(8)), nonce: nonce() },
    'base64url ciphertext': { ciphertext: '-_-_-_-_-_-_-_-_-_-_-_-_', nonce: nonce() },
    'a 12-byte nonce': { ciphertext: sealed().ciphertext, nonce: b64(new Uint8Array(12)) },
    'a 32-byte nonce': { ciphertext: sealed().ciphertext, nonce: b64(new Uint8Array(32)) },
    'plaintext nonce': { ciphertext: sealed().ciphertext, nonce: 'hello world' },
    'nonce missing': { ciphertext: sealed().ciphertext },
    'ciphertext missing': { nonce: nonce() },
    'numbers': { ciphertext: 1234, nonce: 5678 },
    'an extra plaintext field': { ...sealed(), plaintext: 'hello world' },
    null: null,
    'an array': [sealed()],
  });

  const businessBody = () => ({ name: 'Acme', phone_number: phone('1'), public_key: b64(newKeyPair().publicKey) });
  const textBody = () => ({ to: alice.waId, type: 'text', text: sealed() });
  const templateBody = (extra: Record<string, unknown> = {}) => ({
    to: alice.waId,
    type: 'template',
    template: { name: template.name, language: 'en_US', parameter_count: 2, parameters: sealed(), ...extra },
  });
  const inboundBody = () => ({ to: shop.phone, type: 'text', text: seal('hi', shop.keys.publicKey, alice.keys) });
  const OVERSIZED = () => JSON.stringify({ to: alice.waId, type: 'text', text: { ciphertext: 'A'.repeat(300 * 1024), nonce: nonce() } });

  /** Everything observable that bad input could touch. */
  async function snapshot() {
    const get = async (path: string, token: string) => {
      const r = await world.api.call('GET', path, { token });
      return { status: r.status, body: r.body };
    };
    return {
      events: countEvents(platform.dataDir),
      templates: await get(`/v1/${shop.id}/templates`, shop.apiKey),
      conversation: await get(`/v1/${shop.id}/conversations/${alice.waId}`, shop.apiKey),
      message: await get(`/v1/${shop.id}/messages/${messageId}`, shop.apiKey),
      rateCard: await get('/v1/rate-cards/current', world.admin),
      charges: await get(`/v1/${shop.id}/charges`, shop.apiKey),
      clockOffset: await clockOffset(),
    };
  }

  /** The test clock's offset from real time lies in [low, high]: bounded by the real time around the read. */
  async function clockOffset() {
    const sentAt = Date.now();
    const now = Date.parse((await world.clockAdvance(0)).body.now);
    const answeredAt = Date.now();
    return { low: now - answeredAt, high: now - sentAt };
  }

  interface Case {
    name: string;
    method: string;
    path: () => string;
    token: () => string;
    body?: () => unknown;
    rawBody?: () => string;
    headers?: Record<string, string>;
    status?: number | number[];
    /** Field-level errors expected (a validation problem). */
    validation?: boolean;
  }

  /** Runs bad requests and shows that each is refused as it should be, and that nothing changed. */
  async function expectRefusedWithoutEffect(cases: Case[]) {
    const before = await snapshot();
    for (const c of cases) {
      const r = await world.api.call(c.method, c.path(), {
        token: c.token(),
        headers: c.headers,
        ...(c.body && { body: c.body() }),
        ...(c.rawBody && { rawBody: c.rawBody() }),
      });
      try {
        expect(r.status).toBeLessThan(500);
        expectProblem(r, c.status ?? 400, { validation: c.validation ?? (c.status ?? 400) === 400 });
      } catch (error) {
        throw new Error(`${c.method} ${c.path()} (${c.name}): ${(error as Error).message}`);
      }
    }
    const after = await snapshot();
    // The test clock was not moved: both reads bound the same offset (it moves with real time otherwise).
    expect(after.clockOffset.low).toBeLessThanOrEqual(before.clockOffset.high);
    expect(before.clockOffset.low).toBeLessThanOrEqual(after.clockOffset.high);
    expect({ ...after, clockOffset: null }).toEqual({ ...before, clockOffset: null });
  }

  /** The generic ways to get a JSON body wrong, for any write endpoint. */
  function malformed(method: string, path: () => string, token: () => string, valid: () => Record<string, unknown>): Case[] {
    return [
      { name: 'malformed JSON', method, path, token, rawBody: () => JSON.stringify(valid()).slice(0, -3), validation: false },
      { name: 'trailing garbage', method, path, token, rawBody: () => `${JSON.stringify(valid())}}`, validation: false },
      { name: 'a JSON string', method, path, token, rawBody: () => '"hello world"', validation: false },
      { name: 'JSON null', method, path, token, rawBody: () => 'null', validation: false },
      { name: 'a JSON array', method, path, token, body: () => [valid()] },
      {
        name: 'JSON nested 10,000 levels deep',
        method,
        path,
        token,
        rawBody: () => `${JSON.stringify(valid()).slice(0, -1)},"deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
        validation: false,
      },
      { name: 'an empty object', method, path, token, body: () => ({}) },
      { name: 'an unknown extra field', method, path, token, body: () => ({ ...valid(), is_admin: true }) },
      { name: 'a body over 256 KiB', method, path, token, rawBody: OVERSIZED, status: 413, validation: false },
      {
        name: 'JSON sent as text/plain',
        method,
        path,
        token,
        rawBody: () => JSON.stringify(valid()),
        headers: { 'content-type': 'text/plain' },
        status: [400, 415],
      },
    ];
  }

  beforeAll(async () => {
    platform = await startPlatform();
    world = new Scenario(platform);
    await world.rateCard();
    shop = await world.business();
    alice = await world.customer();
    await world.inbound(alice, shop, 'hello');
    template = await world.approvedTemplate(shop, 'UTILITY', 'Order {{1}} ships on {{2}}');
    // One message that went all the way, so a charge-free, settled message exists to compare.
    const sent = await world.sentText(shop, alice, 'thanks');
    messageId = sent.id;
    await world.deliver(shop, alice, messageId);
    // One charged message, so charges are not empty.
    const promo = await world.approvedTemplate(shop, 'MARKETING', 'Sale {{1}}');
    const charged = await world.sentTemplate(shop, alice, promo);
    await world.deliver(shop, alice, charged.id);
    await world.charged(shop, charged.id);
    // Wait until the charge is in the charges read model as well.
    for (let i = 0; ; i++) {
      const charges = await world.api.call('GET', `/v1/${shop.id}/charges`, { token: shop.apiKey });
      if (charges.body.data.length === 1) break;
      if (i > 200) throw new Error(`charge not projected: ${JSON.stringify(charges.body)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  afterAll(() => platform.stop());

  const admin = () => world.admin;
  const key = () => shop.apiKey;
  const device = () => alice.token;

  it('POST /v1/businesses', async () => {
    const path = () => '/v1/businesses';
    const c = (name: string, body: () => unknown): Case => ({ name, method: 'POST', path, token: admin, body });
    await expectRefusedWithoutEffect([
      ...malformed('POST', path, admin, businessBody),
      ...Object.entries(BAD_PHONES).map(([name, p]) => c(`phone ${name}`, () => ({ ...businessBody(), phone_number: p }))),
      c('name a number', () => ({ ...businessBody(), name: 42 })),
      c('name empty', () => ({ ...businessBody(), name: '' })),
      c('name missing', () => ({ phone_number: phone('1'), public_key: b64(newKeyPair().publicKey) })),
      c('public key plaintext', () => ({ ...businessBody(), public_key: 'hello world' })),
      c('public key 31 bytes', () => ({ ...businessBody(), public_key: b64(new Uint8Array(31)) })),
      c('public key missing', () => ({ name: 'Acme', phone_number: phone('1') })),
      c('webhook url not a url', () => ({ ...businessBody(), webhook_url: 'not a url' })),
      c('webhook url not http', () => ({ ...businessBody(), webhook_url: 'ftp://example.com/hook' })),
      c('webhook url a number', () => ({ ...businessBody(), webhook_url: 80 })),
      // A phone number already registered: a conflict, not a second business.
      { name: 'phone already registered', method: 'POST', path, token: admin, body: () => ({ ...businessBody(), phone_number: shop.phone }), status: 409, validation: false },
    ]);
  });

  it('PUT /v1/businesses/{id}/limits (operator extra)', async () => {
    const path = () => `/v1/businesses/${shop.id}/limits`;
    const valid = () => ({ messaging_tier: 2000, throughput_per_second: 80 });
    const c = (name: string, body: () => unknown): Case => ({ name, method: 'PUT', path, token: admin, body });
    await expectRefusedWithoutEffect([
      ...malformed('PUT', path, admin, valid),
      c('unknown tier', () => ({ ...valid(), messaging_tier: 300 })),
      c('tier as a string', () => ({ ...valid(), messaging_tier: '2000' })),
      c('throughput 0', () => ({ ...valid(), throughput_per_second: 0 })),
      c('throughput above 1000', () => ({ ...valid(), throughput_per_second: 1001 })),
      c('throughput fractional', () => ({ ...valid(), throughput_per_second: 1.5 })),
      { name: 'unknown business', method: 'PUT', path: () => '/v1/businesses/no-such-business/limits', token: admin, body: valid, status: 404, validation: false },
    ]);
  });

  it('PUT /v1/customers/{wa_id}', async () => {
    const valid = () => ({ public_key: b64(newKeyPair().publicKey) });
    const path = () => `/v1/customers/${phone('44')}`;
    await expectRefusedWithoutEffect([
      ...malformed('PUT', path, admin, valid),
      ...Object.entries(BAD_PHONES)
        .filter(([, p]) => typeof p === 'string' && p !== '')
        .map(([name, p]): Case => ({ name: `wa_id ${name}`, method: 'PUT', path: () => `/v1/customers/${encodeURIComponent(String(p))}`, token: admin, body: valid })),
      { name: 'public key plaintext', method: 'PUT', path, token: admin, body: () => ({ public_key: 'hello world' }) },
      { name: 'public key 64 bytes', method: 'PUT', path, token: admin, body: () => ({ public_key: b64(new Uint8Array(64)) }) },
      { name: 'public key a number', method: 'PUT', path, token: admin, body: () => ({ public_key: 12345 }) },
    ]);
    // A re-registration attempt with a bad key leaves the existing device token working.
    expectStatus(await world.api.call('GET', `/v1/customers/${alice.waId}/inbox`, { token: alice.token }), 200);
  });

  it('POST /v1/rate-cards', async () => {
    const path = () => '/v1/rate-cards';
    const valid = () => ({ effective_from: '2021-01-01T00:00:00Z', ...STANDARD_CARD });
    const withPrice = (price: unknown) => () => ({
      ...valid(),
      markets: [{ market: 'IN', calling_codes: ['91'], prices: { marketing: price, utility: '0.005', authentication: '0.0065' } }],
    });
    const c = (name: string, body: () => unknown): Case => ({ name, method: 'POST', path, token: admin, body });
    await expectRefusedWithoutEffect([
      ...malformed('POST', path, admin, valid),
      c('price above 0.09', withPrice('0.0901')),
      c('price below 0.005', withPrice('0.0049')),
      c('price zero', withPrice('0')),
      c('price negative', withPrice('-0.01')),
      c('price with 7 decimals', withPrice('0.0100001')),
      c('price as a number', withPrice(0.01)),
      c('price not a number', withPrice('ten cents')),
      c('price in exponent form', withPrice('1e-2')),
      c('price missing', () => ({ ...valid(), markets: [{ market: 'IN', calling_codes: ['91'], prices: { marketing: '0.01', utility: '0.01' } }] })),
      c('no markets', () => ({ ...valid(), markets: [] })),
      c('currency EUR', () => ({ ...valid(), currency: 'EUR' })),
      c('effective_from not a time', () => ({ ...valid(), effective_from: 'next tuesday' })),
      c('effective_from impossible date', () => ({ ...valid(), effective_from: '2021-02-30T00:00:00Z' })),
      c('calling code with +', () => ({ ...valid(), markets: [{ ...STANDARD_CARD.markets[0], calling_codes: ['+91'] }] })),
      c('calling code empty list', () => ({ ...valid(), markets: [{ ...STANDARD_CARD.markets[0], calling_codes: [] }] })),
      c('market twice', () => ({ ...valid(), markets: [STANDARD_CARD.markets[0], STANDARD_CARD.markets[0]] })),
      c('a market not an object', () => ({ ...valid(), markets: ['IN'] })),
      // Found by fuzz.spec.ts: a market that is an array passed validation, and publishing it failed (500).
      c('a market an empty array', () => ({ ...valid(), markets: [[], ...STANDARD_CARD.markets] })),
      c('a market an array of markets', () => ({ ...valid(), markets: [STANDARD_CARD.markets] })),
    ]);
  });

  it('POST /v1/{business_id}/templates', async () => {
    const path = () => `/v1/${shop.id}/templates`;
    const valid = () => ({ name: 'shipping_update', language: 'en_US', category: 'UTILITY', body: 'Order {{1}} shipped' });
    const c = (name: string, body: () => unknown): Case => ({ name, method: 'POST', path, token: key, body });
    await expectRefusedWithoutEffect([
      ...malformed('POST', path, key, valid),
      c('unknown category', () => ({ ...valid(), category: 'PROMOTIONAL' })),
      c('lower-case category', () => ({ ...valid(), category: 'utility' })),
      c('category a number', () => ({ ...valid(), category: 1 })),
      c('name with capitals and spaces', () => ({ ...valid(), name: 'Shipping Update' })),
      c('name a number', () => ({ ...valid(), name: 7 })),
      c('language not a code', () => ({ ...valid(), language: 'english' })),
      c('body empty', () => ({ ...valid(), body: '' })),
      c('body a number', () => ({ ...valid(), body: 1 })),
      c('body skips a parameter', () => ({ ...valid(), body: 'Order {{1}} arrives {{3}}' })),
      c('body starts at {{2}}', () => ({ ...valid(), body: 'Order {{2}}' })),
      c('body too long', () => ({ ...valid(), body: 'x'.repeat(5000) })),
      c('category missing', () => ({ name: 'x_y', language: 'en_US', body: 'hi' })),
      // The same (name, language) again: a conflict, the first one stays.
      { name: 'duplicate', method: 'POST', path, token: key, body: () => ({ ...valid(), name: template.name }), status: 409, validation: false },
    ]);
  });

  it('POST /v1/templates/{id}/review', async () => {
    const path = () => `/v1/templates/${template.id}/review`;
    const valid = () => ({ decision: 'PAUSED' });
    const c = (name: string, body: () => unknown): Case => ({ name, method: 'POST', path, token: admin, body });
    await expectRefusedWithoutEffect([
      ...malformed('POST', path, admin, valid),
      c('unknown decision', () => ({ decision: 'MAYBE' })),
      c('lower-case decision', () => ({ decision: 'approved' })),
      c('PENDING is not a decision', () => ({ decision: 'PENDING' })),
      c('decision a number', () => ({ decision: 1 })),
      c('decision missing', () => ({ category: 'MARKETING' })),
      c('unknown category', () => ({ decision: 'APPROVED', category: 'PROMOTIONAL' })),
      { name: 'unknown template', method: 'POST', path: () => '/v1/templates/no-such-template/review', token: admin, body: valid, status: 404, validation: false },
    ]);
  });

  it('POST /v1/{business_id}/messages: the envelope', async () => {
    const path = () => `/v1/${shop.id}/messages`;
    const c = (name: string, body: () => unknown): Case => ({ name, method: 'POST', path, token: key, body });
    await expectRefusedWithoutEffect([
      ...malformed('POST', path, key, textBody),
      ...Object.entries(BAD_PHONES).map(([name, p]) => c(`to ${name}`, () => ({ ...textBody(), to: p }))),
      c('to missing', () => ({ type: 'text', text: sealed() })),
      c('type missing', () => ({ to: alice.waId, text: sealed() })),
      c('type unknown', () => ({ ...textBody(), type: 'image' })),
      c('text missing', () => ({ to: alice.waId, type: 'text' })),
      c('template missing', () => ({ to: alice.waId, type: 'template' })),
      c('text and template both', () => ({ ...textBody(), template: templateBody().template })),
      c('template with text', () => ({ ...templateBody(), text: sealed() })),
      c('an unknown field in template', () => templateBody({ header: 'hello world' })),
      {
        name: 'Idempotency-Key too long',
        method: 'POST',
        path,
        token: key,
        body: textBody,
        headers: { 'idempotency-key': 'k'.repeat(256) },
      },
    ]);
  });

  it('POST /v1/{business_id}/messages: sealed content must be ciphertext and nonce', async () => {
    const path = () => `/v1/${shop.id}/messages`;
    const cases: Case[] = [];
    for (const [name, bad] of Object.entries(BAD_SEALED())) {
      cases.push({ name: `text: ${name}`, method: 'POST', path, token: key, body: () => ({ ...textBody(), text: bad }) });
      cases.push({ name: `parameters: ${name}`, method: 'POST', path, token: key, body: () => templateBody({ parameters: bad }) });
    }
    await expectRefusedWithoutEffect(cases);
  });

  it('POST /v1/{business_id}/messages: template parameters', async () => {
    const path = () => `/v1/${shop.id}/messages`;
    const c = (name: string, extra: Record<string, unknown>): Case => ({ name, method: 'POST', path, token: key, body: () => templateBody(extra) });
    const { parameters: _, ...withoutParameters } = templateBody().template;
    await expectRefusedWithoutEffect([
      c('parameter_count negative', { parameter_count: -1 }),
      c('parameter_count fractional', { parameter_count: 1.5 }),
      c('parameter_count a string', { parameter_count: '2' }),
      c('parameter_count null', { parameter_count: null }),
      c('parameter_count huge', { parameter_count: 1e9 }),
      c('parameters missing when parameter_count > 0', { parameters: undefined }),
      c('template name with capitals', { name: 'Order Update' }),
      c('template language not a code', { language: 'english' }),
      { name: 'parameter_count missing', method: 'POST', path, token: key, body: () => ({ ...templateBody(), template: { ...withoutParameters, parameter_count: undefined } }) },
      { name: 'template not an object', method: 'POST', path, token: key, body: () => ({ ...templateBody(), template: template.name }) },
    ]);
  });

  it('POST /v1/{business_id}/messages: an Idempotency-Key reused with another body is 422 and sends nothing', async () => {
    const path = `/v1/${shop.id}/messages`;
    const headers = { 'idempotency-key': `bad-input-${Date.now()}` };
    const first = await world.api.call('POST', path, { token: key(), headers, body: textBody() });
    expectStatus(first, 202);
    await world.settled(shop, first.body.messages[0].id, ['sent']);
    await expectRefusedWithoutEffect([{ name: 'same key, other body', method: 'POST', path: () => path, token: key, headers, body: textBody, status: 422, validation: false }]);
  });

  it('opt-ins: POST /v1/{business_id}/opt-ins and DELETE /v1/{business_id}/opt-ins/{wa_id}', async () => {
    const path = () => `/v1/${shop.id}/opt-ins`;
    const valid = () => ({ wa_id: alice.waId, source: 'website' });
    const c = (name: string, body: () => unknown): Case => ({ name, method: 'POST', path, token: key, body });
    await expectRefusedWithoutEffect([
      ...malformed('POST', path, key, valid),
      ...Object.entries(BAD_PHONES).map(([name, p]) => c(`wa_id ${name}`, () => ({ ...valid(), wa_id: p }))),
      c('unknown source', () => ({ ...valid(), source: 'email' })),
      c('source missing', () => ({ wa_id: alice.waId })),
      ...Object.entries(BAD_PHONES)
        .filter(([, p]) => typeof p === 'string' && p !== '')
        .map(([name, p]): Case => ({ name: `opt-out wa_id ${name}`, method: 'DELETE', path: () => `/v1/${shop.id}/opt-ins/${encodeURIComponent(String(p))}`, token: key })),
    ]);
  });

  it('reads with bad parameters: conversations, charges, invoices', async () => {
    const get = (name: string, path: string): Case => ({ name, method: 'GET', path: () => path, token: key });
    await expectRefusedWithoutEffect([
      ...Object.entries(BAD_PHONES)
        .filter(([, p]) => typeof p === 'string' && p !== '')
        .map(([name, p]) => get(`conversation wa_id ${name}`, `/v1/${shop.id}/conversations/${encodeURIComponent(String(p))}`)),
      get('charges from not a time', `/v1/${shop.id}/charges?from=yesterday`),
      get('charges to not a time', `/v1/${shop.id}/charges?to=2024-13-01T00:00:00Z`),
      get('charges from an impossible date', `/v1/${shop.id}/charges?from=2024-02-30T00:00:00Z`),
      get('charges from an impossible hour', `/v1/${shop.id}/charges?from=2024-01-01T25:00:00Z`),
      get('charges from a number', `/v1/${shop.id}/charges?from=1700000000`),
      // ISO-8601 forms a generic validator accepts but that name no instant the platform can read.
      get('charges from a week date', `/v1/${shop.id}/charges?from=2024-W01`),
      get('charges to a week day', `/v1/${shop.id}/charges?to=2024-W01-1`),
      get('charges from day 366 of a year', `/v1/${shop.id}/charges?from=2024-366`),
      get('charges to in basic format', `/v1/${shop.id}/charges?to=20240101`),
      get('charges from with decimal minutes', `/v1/${shop.id}/charges?from=2024-01-01T10:00,5Z`),
      get('charges to with only an hour', `/v1/${shop.id}/charges?to=2024-01-01T10`),
      get('charges from given twice', `/v1/${shop.id}/charges?from=2024-01-01T00:00:00Z&from=2024-02-01T00:00:00Z`),
      get('charges from after to', `/v1/${shop.id}/charges?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z`),
      get('charges unknown parameter', `/v1/${shop.id}/charges?currency=EUR`),
      get('invoice month 13', `/v1/${shop.id}/invoices/2024-13`),
      get('invoice month 00', `/v1/${shop.id}/invoices/2024-00`),
      get('invoice month one digit', `/v1/${shop.id}/invoices/2024-1`),
      get('invoice a day', `/v1/${shop.id}/invoices/2024-01-01`),
      get('invoice a name', `/v1/${shop.id}/invoices/january`),
    ]);
  });

  // Found by fuzz.spec.ts: Fastify answered these itself, as application/json.
  it('paths no route can take: bad percent-encoding, an over-long parameter', async () => {
    const review = { decision: 'APPROVED' };
    await expectRefusedWithoutEffect([
      { name: 'a lone %', method: 'POST', path: () => '/v1/templates/%/review', token: admin, body: () => review, validation: false },
      { name: 'a truncated escape', method: 'PUT', path: () => '/v1/customers/%0', token: admin, body: () => ({ public_key: b64(newKeyPair().publicKey) }), validation: false },
      { name: 'an escape of no UTF-8', method: 'GET', path: () => `/v1/${shop.id}/messages/%ED%A0%80`, token: key, validation: false },
      { name: 'a 200-character id', method: 'GET', path: () => `/v1/${shop.id}/messages/${'a'.repeat(200)}`, token: key, status: 414, validation: false },
    ]);
  });

  // Found by fuzz.spec.ts: PostgreSQL keeps neither NUL nor unpaired surrogates (the distributed
  // deployment answered 500), and class-transformer dropped Object.prototype names unseen.
  it('text no store can keep, and field names of Object.prototype', async () => {
    const raw = (name: string, method: string, path: () => string, token: () => string, text: () => string): Case => ({ name, method, path, token, rawBody: text });
    const templates = () => `/v1/${shop.id}/templates`;
    await expectRefusedWithoutEffect([
      { name: 'NUL in a template body', method: 'POST', path: templates, token: key, body: () => ({ name: 'nul_body', language: 'en', category: 'UTILITY', body: 'Order {{1}}\u0000' }) },
      { name: 'an unpaired surrogate in a name', method: 'POST', path: () => '/v1/businesses', token: admin, body: () => ({ ...businessBody(), name: 'Acme \ud800' }) },
      { name: 'NUL in a receipt id', method: 'POST', path: () => `/v1/customers/${alice.waId}/receipts`, token: device, body: () => ({ message_id: `${messageId}\u0000`, status: 'read' }) },
      { name: 'NUL in a path id', method: 'POST', path: () => `/v1/templates/${template.id}%00/review`, token: admin, body: () => ({ decision: 'APPROVED' }) },
      raw('a __proto__ member', 'POST', () => `/v1/${shop.id}/opt-ins`, key, () => `{"__proto__":{"is_admin":true},"wa_id":"${alice.waId}","source":"app"}`),
      raw('a constructor member', 'POST', () => '/v1/clock/advance', admin, () => '{"seconds":0,"constructor":{"prototype":{}}}'),
      raw('a toString member in sealed content', 'POST', () => `/v1/${shop.id}/messages`, key, () => JSON.stringify({ ...textBody(), text: { ...sealed(), toString: 'x' } })),
    ]);
  });

  it('POST /v1/clock/advance', async () => {
    const path = () => '/v1/clock/advance';
    const c = (name: string, body: () => unknown): Case => ({ name, method: 'POST', path, token: admin, body });
    await expectRefusedWithoutEffect([
      ...malformed('POST', path, admin, () => ({ seconds: 60 })),
      c('negative', () => ({ seconds: -1 })),
      c('fractional', () => ({ seconds: 1.5 })),
      c('a string', () => ({ seconds: '60' })),
      c('null', () => ({ seconds: null })),
      c('missing', () => ({})),
      c('beyond any sense', () => ({ seconds: 1e20 })),
    ]);
  });

  it('device: POST /v1/customers/{wa_id}/messages (inbound)', async () => {
    const path = () => `/v1/customers/${alice.waId}/messages`;
    const c = (name: string, body: () => unknown): Case => ({ name, method: 'POST', path, token: device, body });
    await expectRefusedWithoutEffect([
      ...malformed('POST', path, device, inboundBody),
      ...Object.entries(BAD_PHONES).map(([name, p]) => c(`to ${name}`, () => ({ ...inboundBody(), to: p }))),
      ...Object.entries(BAD_SEALED()).map(([name, bad]) => c(`text: ${name}`, () => ({ ...inboundBody(), text: bad }))),
      c('type unknown', () => ({ ...inboundBody(), type: 'template' })),
      c('referral source unknown', () => ({ ...inboundBody(), referral: { source_type: 'tv' } })),
      c('referral a string', () => ({ ...inboundBody(), referral: 'ad' })),
      c('referral with an unknown field', () => ({ ...inboundBody(), referral: { source_type: 'ad', campaign: 'x' } })),
      { name: 'to an unknown business', method: 'POST', path, token: device, body: () => ({ ...inboundBody(), to: phone('1') }), status: 404, validation: false },
    ]);
  });

  it('device: receipts, blocks, preferences', async () => {
    const base = () => `/v1/customers/${alice.waId}`;
    const post = (what: string, name: string, body: () => unknown, status?: number): Case => ({
      name,
      method: 'POST',
      path: () => `${base()}/${what}`,
      token: device,
      body,
      ...(status && { status, validation: false }),
    });
    await expectRefusedWithoutEffect([
      ...malformed('POST', () => `${base()}/receipts`, device, () => ({ message_id: messageId, status: 'read' })),
      post('receipts', 'status delivered', () => ({ message_id: messageId, status: 'delivered' })),
      post('receipts', 'message_id missing', () => ({ status: 'read' })),
      post('receipts', 'message_id a number', () => ({ message_id: 5, status: 'read' })),
      post('receipts', 'unknown message', () => ({ message_id: 'no-such-message', status: 'read' }), 404),
      ...malformed('POST', () => `${base()}/blocks`, device, () => ({ business_phone: shop.phone })),
      ...Object.entries(BAD_PHONES).map(([name, p]) => post('blocks', `business_phone ${name}`, () => ({ business_phone: p }))),
      post('blocks', 'an unknown business', () => ({ business_phone: phone('1') }), 404),
      ...Object.entries(BAD_PHONES)
        .filter(([, p]) => typeof p === 'string' && p !== '')
        .map(([name, p]): Case => ({ name: `unblock ${name}`, method: 'DELETE', path: () => `${base()}/blocks/${encodeURIComponent(String(p))}`, token: device })),
      ...malformed('POST', () => `${base()}/preferences`, device, () => ({ business_phone: shop.phone, marketing: 'stop' })),
      post('preferences', 'marketing unknown', () => ({ business_phone: shop.phone, marketing: 'pause' })),
      post('preferences', 'marketing a boolean', () => ({ business_phone: shop.phone, marketing: false })),
      ...Object.entries(BAD_PHONES).map(([name, p]) => post('preferences', `business_phone ${name}`, () => ({ business_phone: p, marketing: 'stop' }))),
    ]);
  });

  it('still works after all that, and the valid bodies the cases start from are accepted as they are', async () => {
    for (const body of [textBody(), templateBody()]) {
      const r = await world.api.call('POST', `/v1/${shop.id}/messages`, { token: key(), body });
      expectStatus(r, 202);
      expect((await world.settled(shop, r.body.messages[0].id)).status).not.toBe('failed');
    }
    expectStatus(await world.api.call('POST', `/v1/customers/${alice.waId}/messages`, { token: device(), body: inboundBody() }), 202);
    expectStatus(await world.api.call('POST', '/v1/businesses', { token: admin(), body: businessBody() }), 201);
    expect(platform.logs()).not.toMatch(/"level":50/);
  });
});
