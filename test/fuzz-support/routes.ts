import fc from 'fast-check';
import { ciphertext, nonce, publicKey, sealed, segment, validPhone } from './arbitraries';
import type { Fixture } from './fixture';
import type { RawAnswer } from './raw-http';

/** Who may call a route: the token kind api.md requires (public routes take any, or none). */
export type Auth = 'operator' | 'business' | 'device' | 'public';

/** One route of api.md as the fuzz drives it: how to make its inputs, and what success looks like. */
export interface RouteSpec {
  /** As api.md writes it: `POST /v1/{business_id}/messages`. */
  route: string;
  auth: Auth;
  /** Wire-ready path segments per `{param}`. */
  params?: Record<string, fc.Arbitrary<string>>;
  /** Values the route's query parameters take when valid. */
  query?: Record<string, fc.Arbitrary<string>>;
  /** A valid-shaped body; the fuzz mutates it. */
  body?: fc.Arbitrary<Record<string, unknown>>;
  headers?: fc.Arbitrary<Record<string, string>>;
  /** The documented success status and its shape. */
  success: number;
  shape: (answer: RawAnswer) => boolean;
  /** A success changes state (events, read models). */
  mutating: boolean;
}

const obj = (answer: RawAnswer): Record<string, any> =>
  answer.json !== null && typeof answer.json === 'object' ? (answer.json as Record<string, any>) : {};
const strings = (answer: RawAnswer, ...fields: string[]) => fields.every((f) => typeof obj(answer)[f] === 'string');
const noBody = (answer: RawAnswer) => answer.text === '';
const MESSAGE_STATUSES = ['pending', 'accepted', 'sent', 'delivered', 'read', 'failed'];
const TEMPLATE_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'];
const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

/** Every route of api.md, aimed at the fixture. */
export function contractRouteSpecs(f: Fixture): RouteSpec[] {
  const businessId = segment(fc.constantFrom(f.shop.id, f.shop.id, f.other.id));
  const customerPhones = fc.oneof(fc.constantFrom(f.alice.waId, f.bob.waId), validPhone('44'));
  const businessPhones = fc.constantFrom(f.shop.phone, f.other.phone);
  const ownWaId = segment(fc.constantFrom(f.alice.waId, f.alice.waId, f.bob.waId));
  const months = fc.oneof(fc.constantFrom(f.month, '2024-02', '1999-12'), fc.stringMatching(/^[0-9]{4}-[0-9]{2}$/));
  const isoTime = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  const prices = fc.record({
    marketing: fc.constantFrom('0.0107', '0.05', '0.09'),
    utility: fc.constantFrom('0.005', '0.0077'),
    authentication: fc.constantFrom('0.0065', '0.0075'),
  });
  const sealedText = sealed;
  const templateRef = fc.record({
    name: fc.constant(f.template.name),
    language: fc.constant('en_US'),
    parameter_count: fc.constant(2),
    parameters: sealedText,
  });

  return [
    // ---- operator
    {
      route: 'POST /v1/businesses',
      auth: 'operator',
      body: fc.record(
        {
          name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          phone_number: validPhone('1'),
          public_key: publicKey,
          webhook_url: fc.constant('http://127.0.0.1:9/hook'),
        },
        { requiredKeys: ['name', 'phone_number', 'public_key'] },
      ),
      success: 201,
      shape: (a) => strings(a, 'id', 'phone_number', 'api_key', 'webhook_secret'),
      mutating: true,
    },
    {
      // Never alice's or bob's number: re-registering would rotate the device tokens the fuzz uses.
      route: 'PUT /v1/customers/{wa_id}',
      auth: 'operator',
      params: { wa_id: segment(validPhone('91')) },
      body: fc.record({ public_key: publicKey }),
      success: 200,
      shape: (a) => strings(a, 'wa_id', 'device_token'),
      mutating: true,
    },
    {
      route: 'POST /v1/rate-cards',
      auth: 'operator',
      body: fc.record({
        effective_from: isoTime,
        currency: fc.constant('USD'),
        markets: fc.tuple(prices, prices).map(([p, q]) => [
          { market: 'IN', calling_codes: ['91'], prices: p },
          { market: 'ROW', calling_codes: ['*'], prices: q },
        ]),
      }),
      success: 201,
      shape: (a) => typeof obj(a).version === 'number' && strings(a, 'effective_from'),
      mutating: true,
    },
    {
      route: 'GET /v1/rate-cards/current',
      auth: 'operator',
      success: 200,
      shape: (a) => typeof obj(a).version === 'number' && Array.isArray(obj(a).markets),
      mutating: false,
    },
    {
      route: 'POST /v1/templates/{template_id}/review',
      auth: 'operator',
      params: { template_id: segment(fc.constantFrom(f.template.id, f.otherTemplate.id, '00000000-0000-5000-8000-000000000000')) },
      body: fc.record(
        { decision: fc.constantFrom('APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'), category: fc.constantFrom(...CATEGORIES) },
        { requiredKeys: ['decision'] },
      ),
      success: 200,
      shape: (a) => strings(a, 'id') && TEMPLATE_STATUSES.includes(obj(a).status),
      mutating: true,
    },
    {
      route: 'POST /v1/clock/advance',
      auth: 'operator',
      body: fc.record({ seconds: fc.integer({ min: 0, max: 60 }) }),
      success: 200,
      shape: (a) => strings(a, 'now') && !Number.isNaN(Date.parse(obj(a).now)),
      mutating: true,
    },
    // ---- business
    {
      route: 'POST /v1/{business_id}/templates',
      auth: 'business',
      params: { business_id: businessId },
      body: fc.record({
        name: fc.stringMatching(/^[a-z0-9_]{1,24}$/),
        language: fc.constantFrom('en', 'en_US'),
        category: fc.constantFrom(...CATEGORIES),
        body: fc.constantFrom('Hello {{1}}', 'Order {{1}} ships on {{2}}', 'No parameters'),
      }),
      success: 201,
      shape: (a) => strings(a, 'id') && obj(a).status === 'PENDING',
      mutating: true,
    },
    {
      route: 'GET /v1/{business_id}/templates',
      auth: 'business',
      params: { business_id: businessId },
      success: 200,
      shape: (a) => Array.isArray(obj(a).data),
      mutating: false,
    },
    {
      route: 'POST /v1/{business_id}/messages',
      auth: 'business',
      params: { business_id: businessId },
      body: fc.oneof(
        fc.record({ to: customerPhones, type: fc.constant('text'), text: sealedText }),
        fc.record({ to: customerPhones, type: fc.constant('template'), template: templateRef }),
        fc.record({
          to: customerPhones,
          type: fc.constant('template'),
          template: fc.record({ name: fc.constant(f.template.name), language: fc.constant('en_US'), parameter_count: fc.constant(0) }),
        }),
      ),
      headers: fc.oneof(
        { arbitrary: fc.constant({}), weight: 6 },
        { arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2').map((key) => ({ 'idempotency-key': key })), weight: 2 },
        { arbitrary: fc.constantFrom('', ' ', 'k'.repeat(256), 'caf\u00e9', 'a\tb').map((key) => ({ 'idempotency-key': key })), weight: 1 },
      ),
      success: 202,
      shape: (a) => Array.isArray(obj(a).messages) && obj(a).messages.length === 1 && typeof obj(a).messages[0].id === 'string',
      mutating: true,
    },
    {
      route: 'GET /v1/{business_id}/messages/{message_id}',
      auth: 'business',
      params: { business_id: businessId, message_id: segment(fc.oneof(fc.constant(f.messageId), fc.uuid())) },
      success: 200,
      shape: (a) => strings(a, 'id', 'to', 'type') && MESSAGE_STATUSES.includes(obj(a).status),
      mutating: false,
    },
    {
      route: 'POST /v1/{business_id}/opt-ins',
      auth: 'business',
      params: { business_id: businessId },
      body: fc.record({ wa_id: customerPhones, source: fc.constantFrom('website', 'app', 'click_to_chat', 'other') }),
      success: 201,
      shape: () => true,
      mutating: true,
    },
    {
      route: 'DELETE /v1/{business_id}/opt-ins/{wa_id}',
      auth: 'business',
      params: { business_id: businessId, wa_id: segment(customerPhones) },
      success: 204,
      shape: noBody,
      mutating: true,
    },
    {
      route: 'GET /v1/{business_id}/conversations/{wa_id}',
      auth: 'business',
      params: { business_id: businessId, wa_id: segment(customerPhones) },
      success: 200,
      shape: (a) => strings(a, 'wa_id') && typeof obj(a).customer_service_window?.open === 'boolean' && typeof obj(a).blocked === 'boolean',
      mutating: false,
    },
    {
      route: 'GET /v1/{business_id}/charges',
      auth: 'business',
      params: { business_id: businessId },
      query: { from: isoTime, to: isoTime },
      success: 200,
      shape: (a) => Array.isArray(obj(a).data) && Number.isInteger(obj(a).total_micros) && obj(a).currency === 'USD',
      mutating: false,
    },
    {
      route: 'GET /v1/{business_id}/invoices/{yyyy-mm}',
      auth: 'business',
      params: { business_id: businessId, 'yyyy-mm': segment(months) },
      success: 200,
      // `{yyyy-mm}.html` is the printable invoice (README).
      shape: (a) =>
        String(a.headers['content-type']).startsWith('text/html')
          ? a.text.startsWith('<!doctype html>')
          : strings(a, 'month') &&
            Array.isArray(obj(a).lines) &&
            Number.isInteger(obj(a).total_micros) &&
            Number.isInteger(obj(a).total_cents),
      mutating: false,
    },
    {
      route: 'GET /c/{phone}',
      auth: 'public',
      params: { phone: segment(fc.oneof(businessPhones, validPhone())) },
      query: { text: fc.string({ unit: 'grapheme', maxLength: 60 }) },
      success: 302,
      shape: (a) => typeof a.headers.location === 'string' && a.headers.location.length > 0,
      mutating: false,
    },
    // ---- customer device
    {
      route: 'POST /v1/customers/{wa_id}/messages',
      auth: 'device',
      params: { wa_id: ownWaId },
      body: fc.record(
        {
          to: businessPhones,
          type: fc.constant('text'),
          text: fc.record({ ciphertext, nonce }),
          referral: fc.record(
            { source_type: fc.constantFrom('ad', 'page_cta', 'link'), source_id: fc.string({ minLength: 1, maxLength: 20 }) },
            { requiredKeys: ['source_type'] },
          ),
        },
        { requiredKeys: ['to', 'type', 'text'] },
      ),
      success: 202,
      shape: (a) => strings(a, 'id'),
      mutating: true,
    },
    // Fetching the inbox acknowledges delivery: a read that writes.
    {
      route: 'GET /v1/customers/{wa_id}/inbox',
      auth: 'device',
      params: { wa_id: ownWaId },
      success: 200,
      shape: (a) => Array.isArray(obj(a).messages),
      mutating: true,
    },
    {
      route: 'POST /v1/customers/{wa_id}/receipts',
      auth: 'device',
      params: { wa_id: ownWaId },
      body: fc.record({ message_id: fc.oneof(fc.constant(f.messageId), fc.uuid()), status: fc.constant('read') }),
      success: 204,
      shape: noBody,
      mutating: true,
    },
    {
      route: 'POST /v1/customers/{wa_id}/blocks',
      auth: 'device',
      params: { wa_id: ownWaId },
      body: fc.record({ business_phone: businessPhones }),
      success: 204,
      shape: noBody,
      mutating: true,
    },
    {
      route: 'DELETE /v1/customers/{wa_id}/blocks/{business_phone}',
      auth: 'device',
      params: { wa_id: ownWaId, business_phone: segment(businessPhones) },
      success: 204,
      shape: noBody,
      mutating: true,
    },
    {
      route: 'POST /v1/customers/{wa_id}/preferences',
      auth: 'device',
      params: { wa_id: ownWaId },
      body: fc.record({ business_phone: businessPhones, marketing: fc.constantFrom('stop', 'resume') }),
      success: 204,
      shape: noBody,
      mutating: true,
    },
    // ---- operations
    { route: 'GET /health/live', auth: 'public', success: 200, shape: () => true, mutating: false },
    { route: 'GET /health/ready', auth: 'public', success: 200, shape: () => true, mutating: false },
    {
      route: 'GET /metrics',
      auth: 'public',
      success: 200,
      shape: (a) => String(a.headers['content-type']).startsWith('text/plain') && a.text.includes('# TYPE'),
      mutating: false,
    },
  ];
}
