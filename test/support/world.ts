import { ApiClient, type Answer } from './api-client';
import type { TestPlatform } from './platform-process';
import { type KeyPair, b64, newKeyPair, open, seal } from './sealed';

let phoneCounter = 0;
/** Unique, valid phone numbers for one test run: country code 1–9, then 10 more digits. */
export function phone(countryCode = '44'): string {
  phoneCounter++;
  const rest = String(Date.now() % 1e6).padStart(6, '0') + String(phoneCounter).padStart(4, '0');
  return `${countryCode}${rest}`.slice(0, 15);
}

export interface BusinessActor {
  id: string;
  phone: string;
  apiKey: string;
  webhookSecret: string;
  keys: KeyPair;
}

export interface CustomerActor {
  waId: string;
  token: string;
  keys: KeyPair;
}

export const STANDARD_CARD = {
  currency: 'USD',
  markets: [
    { market: 'IN', calling_codes: ['91'], prices: { marketing: '0.0107', utility: '0.005', authentication: '0.0065' } },
    { market: 'GB', calling_codes: ['44'], prices: { marketing: '0.0529', utility: '0.022', authentication: '0.0358' } },
    { market: 'ROW', calling_codes: ['*'], prices: { marketing: '0.0604', utility: '0.0077', authentication: '0.0075' } },
  ],
};

/** A test's view of a running platform: the operator, businesses and customer devices acting on it. */
export class World {
  readonly api: ApiClient;

  constructor(readonly platform: TestPlatform) {
    this.api = new ApiClient(platform.url);
  }

  get admin(): string {
    return this.platform.adminToken;
  }

  async business(options: { webhookUrl?: string; phone?: string } = {}): Promise<BusinessActor> {
    const keys = newKeyPair();
    const number = options.phone ?? phone('1');
    const r = await this.api.call('POST', '/v1/businesses', {
      token: this.admin,
      body: { name: `Business ${number}`, phone_number: number, public_key: b64(keys.publicKey), ...(options.webhookUrl && { webhook_url: options.webhookUrl }) },
    });
    expectStatus(r, 201);
    return { id: r.body.id, phone: number, apiKey: r.body.api_key, webhookSecret: r.body.webhook_secret, keys };
  }

  async customer(waId = phone('44')): Promise<CustomerActor> {
    const keys = newKeyPair();
    const r = await this.api.call('PUT', `/v1/customers/${waId}`, { token: this.admin, body: { public_key: b64(keys.publicKey) } });
    expectStatus(r, 200);
    return { waId, token: r.body.device_token, keys };
  }

  async rateCard(effectiveFrom = '2020-01-01T00:00:00Z', card: object = STANDARD_CARD) {
    const r = await this.api.call('POST', '/v1/rate-cards', { token: this.admin, body: { effective_from: effectiveFrom, ...card } });
    expectStatus(r, 201);
    return r.body as { version: number; effective_from: string };
  }

  async approvedTemplate(b: BusinessActor, category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION', body = 'Hello {{1}}, your order {{2}} shipped', name?: string) {
    const templateName = name ?? `${category.toLowerCase()}_${Math.random().toString(36).slice(2, 8)}`;
    const submitted = await this.api.call('POST', `/v1/${b.id}/templates`, {
      token: b.apiKey,
      body: { name: templateName, language: 'en_US', category, body },
    });
    expectStatus(submitted, 201);
    const reviewed = await this.api.call('POST', `/v1/templates/${submitted.body.id}/review`, { token: this.admin, body: { decision: 'APPROVED' } });
    expectStatus(reviewed, 200);
    return { id: submitted.body.id as string, name: templateName, parameterCount: submitted.body.parameter_count as number };
  }

  /** The customer writes to the business: opens (or resets) the 24 h window. */
  async inbound(c: CustomerActor, b: BusinessActor, text = 'hi', referral?: { source_type: string; source_id?: string }) {
    const r = await this.api.call('POST', `/v1/customers/${c.waId}/messages`, {
      token: c.token,
      body: { to: b.phone, type: 'text', text: seal(text, b.keys.publicKey, c.keys), ...(referral && { referral }) },
    });
    expectStatus(r, 202);
    return r.body.id as string;
  }

  sendText(b: BusinessActor, c: CustomerActor, text = 'Thanks for writing', headers?: Record<string, string>) {
    return this.api.call('POST', `/v1/${b.id}/messages`, {
      token: b.apiKey,
      headers,
      body: { to: c.waId, type: 'text', text: seal(text, c.keys.publicKey, b.keys) },
    });
  }

  sendTemplate(b: BusinessActor, c: CustomerActor, t: { name: string; parameterCount: number }, parameterCount = t.parameterCount) {
    return this.api.call('POST', `/v1/${b.id}/messages`, {
      token: b.apiKey,
      body: {
        to: c.waId,
        type: 'template',
        template: {
          name: t.name,
          language: 'en_US',
          parameter_count: parameterCount,
          ...(parameterCount > 0 && { parameters: seal(JSON.stringify(Array.from({ length: parameterCount }, (_, i) => `p${i + 1}`)), c.keys.publicKey, b.keys) }),
        },
      },
    });
  }

  message(b: BusinessActor, id: string) {
    return this.api.call('GET', `/v1/${b.id}/messages/${id}`, { token: b.apiKey });
  }

  /** Polls a message until its status is no longer `pending` (or is one of `statuses`). */
  async settled(b: BusinessActor, id: string, statuses: string[] = ['accepted', 'sent', 'delivered', 'read', 'failed']) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await this.message(b, id);
      if (r.status === 200 && statuses.includes(r.body.status)) return r.body;
      if (Date.now() > deadline) throw new Error(`message ${id} still ${JSON.stringify(r.body)} after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends and waits for the decision; returns the message resource. */
  async sentText(b: BusinessActor, c: CustomerActor, text?: string) {
    const r = await this.sendText(b, c, text);
    expectStatus(r, 202);
    return this.settled(b, r.body.messages[0].id);
  }

  async sentTemplate(b: BusinessActor, c: CustomerActor, t: { name: string; parameterCount: number }, parameterCount?: number) {
    const r = await this.sendTemplate(b, c, t, parameterCount);
    expectStatus(r, 202);
    return this.settled(b, r.body.messages[0].id);
  }

  /** The device fetches its inbox (the delivery acknowledgement) and decrypts what it got. */
  async fetchInbox(c: CustomerActor, from?: BusinessActor) {
    const r = await this.api.call('GET', `/v1/customers/${c.waId}/inbox`, { token: c.token });
    expectStatus(r, 200);
    return (r.body.messages as any[]).map((m) => ({
      ...m,
      plaintext: from && m.text ? open(m.text, from.keys.publicKey, c.keys) : undefined,
    }));
  }

  clockAdvance(seconds: number) {
    return this.api.call('POST', '/v1/clock/advance', { token: this.admin, body: { seconds } });
  }

  conversation(b: BusinessActor, c: CustomerActor) {
    return this.api.call('GET', `/v1/${b.id}/conversations/${c.waId}`, { token: b.apiKey });
  }
}

export function expectStatus(answer: Answer, status: number): void {
  if (answer.status !== status) throw new Error(`expected HTTP ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
}
