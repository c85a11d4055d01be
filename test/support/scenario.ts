import type { Answer } from './api-client';
import { startPlatform } from './platform-process';
import { seal } from './sealed';
import { type BusinessActor, type CustomerActor, STANDARD_CARD, World, expectStatus, phone } from './world';

/**
 * More of the scenario DSL on top of World: consent, device choices, template review, limits,
 * delivery and billing helpers. Everything goes over HTTP; waits poll with bounded deadlines.
 */
export type Category = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type TemplateRef = { name: string; parameterCount: number; language?: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined, or fails after `ms`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms${last ? ` (${String(last)})` : ''}`);
    await sleep(25);
  }
}

export class Scenario extends World {
  static async start(env?: Record<string, string>): Promise<Scenario> {
    return new Scenario(await startPlatform({ env }));
  }

  /** Stops the platform and starts it again on the same data (what a deploy, or a restart after a crash, does). */
  async restart(signal?: NodeJS.Signals): Promise<Scenario> {
    return new Scenario(await this.platform.restart(signal));
  }

  stop(): Promise<void> {
    return this.platform.stop();
  }

  // ---- clock -------------------------------------------------------------------------------

  /** The platform's current time (epoch ms), read with `advance {seconds: 0}`. */
  async now(): Promise<number> {
    const r = await this.clockAdvance(0);
    expectStatus(r, 200);
    return Date.parse(r.body.now);
  }

  async advance(seconds: number): Promise<number> {
    const r = await this.clockAdvance(seconds);
    expectStatus(r, 200);
    return Date.parse(r.body.now);
  }

  // ---- consent and customer choices ---------------------------------------------------------

  optIn(b: BusinessActor, c: CustomerActor | string, source = 'website') {
    return this.api.call('POST', `/v1/${b.id}/opt-ins`, { token: b.apiKey, body: { wa_id: waIdOf(c), source } });
  }

  optOut(b: BusinessActor, c: CustomerActor | string) {
    return this.api.call('DELETE', `/v1/${b.id}/opt-ins/${waIdOf(c)}`, { token: b.apiKey });
  }

  block(c: CustomerActor, b: BusinessActor) {
    return this.api.call('POST', `/v1/customers/${c.waId}/blocks`, { token: c.token, body: { business_phone: b.phone } });
  }

  unblock(c: CustomerActor, b: BusinessActor) {
    return this.api.call('DELETE', `/v1/customers/${c.waId}/blocks/${b.phone}`, { token: c.token });
  }

  marketing(c: CustomerActor, b: BusinessActor, choice: 'stop' | 'resume') {
    return this.api.call('POST', `/v1/customers/${c.waId}/preferences`, {
      token: c.token,
      body: { business_phone: b.phone, marketing: choice },
    });
  }

  receipt(c: CustomerActor, messageId: string) {
    return this.api.call('POST', `/v1/customers/${c.waId}/receipts`, { token: c.token, body: { message_id: messageId, status: 'read' } });
  }

  // ---- templates ----------------------------------------------------------------------------

  submitTemplate(b: BusinessActor, t: { name?: string; language?: string; category: Category; body?: string }) {
    return this.api.call('POST', `/v1/${b.id}/templates`, {
      token: b.apiKey,
      body: {
        name: t.name ?? uniqueName(t.category),
        language: t.language ?? 'en_US',
        category: t.category,
        body: t.body ?? 'Hello {{1}}',
      },
    });
  }

  review(templateId: string, decision: 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED', category?: Category, token = this.admin) {
    return this.api.call('POST', `/v1/templates/${templateId}/review`, { token, body: { decision, ...(category && { category }) } });
  }

  /** A template in the given review state (PENDING: submitted only). */
  async template(
    b: BusinessActor,
    category: Category,
    status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED' = 'APPROVED',
    options: { body?: string; language?: string; name?: string } = {},
  ) {
    const submitted = await this.submitTemplate(b, { category, ...options });
    expectStatus(submitted, 201);
    if (status !== 'PENDING') {
      if (status === 'PAUSED' || status === 'DISABLED') expectStatus(await this.review(submitted.body.id, 'APPROVED'), 200);
      expectStatus(await this.review(submitted.body.id, status), 200);
    }
    return {
      id: submitted.body.id as string,
      name: submitted.body.name as string,
      language: submitted.body.language as string,
      parameterCount: submitted.body.parameter_count as number,
    };
  }

  // ---- sending ------------------------------------------------------------------------------

  sendTemplateAs(
    b: BusinessActor,
    c: CustomerActor | string,
    t: TemplateRef,
    options: { parameterCount?: number; headers?: Record<string, string> } = {},
  ) {
    const count = options.parameterCount ?? t.parameterCount;
    const recipient = typeof c === 'string' ? undefined : c;
    return this.api.call('POST', `/v1/${b.id}/messages`, {
      token: b.apiKey,
      headers: options.headers,
      body: {
        to: waIdOf(c),
        type: 'template',
        template: {
          name: t.name,
          language: t.language ?? 'en_US',
          parameter_count: count,
          ...(count > 0 && {
            parameters: seal(JSON.stringify(Array.from({ length: count }, (_, i) => `p${i + 1}`)), (recipient ?? b).keys.publicKey, b.keys),
          }),
        },
      },
    });
  }

  /** Sends a template and waits for the policy decision. */
  async decidedTemplate(b: BusinessActor, c: CustomerActor | string, t: TemplateRef, parameterCount?: number) {
    const r = await this.sendTemplateAs(b, c, t, { parameterCount });
    expectStatus(r, 202);
    return this.settled(b, r.body.messages[0].id);
  }

  /** Sends free-form text and waits for the policy decision. */
  async decidedText(b: BusinessActor, c: CustomerActor, text?: string) {
    return this.sentText(b, c, text);
  }

  /** The failure code of a decided message (undefined when it was accepted). */
  static code(message: any): number | undefined {
    return message.status === 'failed' ? message.errors?.[0]?.code : undefined;
  }

  /** Waits until every message was handed to the network, lets the device fetch its inbox, and waits for 'delivered'. */
  async deliver(b: BusinessActor, c: CustomerActor, ...ids: string[]) {
    for (const id of ids) {
      const m = await this.settled(b, id, ['sent', 'delivered', 'read', 'failed']);
      if (m.status === 'failed') throw new Error(`message ${id} failed: ${JSON.stringify(m)}`);
    }
    const inbox = await this.fetchInbox(c, b);
    const delivered = [];
    for (const id of ids) delivered.push(await this.settled(b, id, ['delivered', 'read']));
    return { inbox, delivered };
  }

  /** Waits for the message's charge (present once delivered and billable). */
  charged(b: BusinessActor, id: string) {
    return eventually(`charge of ${id}`, async () => {
      const r = await this.message(b, id);
      return r.status === 200 && r.body.charge ? r.body : undefined;
    });
  }

  charges(b: BusinessActor, query: { from?: string; to?: string } = {}) {
    const qs = new URLSearchParams(query as Record<string, string>).toString();
    return this.api.call('GET', `/v1/${b.id}/charges${qs ? `?${qs}` : ''}`, { token: b.apiKey });
  }

  invoice(b: BusinessActor, month: string) {
    return this.api.call('GET', `/v1/${b.id}/invoices/${month}`, { token: b.apiKey });
  }

  /**
   * Pricing handles deliveries in log order: once a billable message delivered after everything
   * of interest has its charge, every earlier delivery has been priced and charged (or not).
   */
  async pricingBarrier(): Promise<void> {
    const b = await this.business();
    const c = await this.customer(phone('44'));
    await this.inbound(c, b);
    const t = await this.template(b, 'MARKETING');
    const m = await this.decidedTemplate(b, c, t);
    if (m.status === 'failed') throw new Error(`barrier message failed: ${JSON.stringify(m)}`);
    await this.deliver(b, c, m.id);
    await this.charged(b, m.id);
  }

  // ---- operator -----------------------------------------------------------------------------

  setLimits(b: BusinessActor, messagingTier: number | 'unlimited', throughputPerSecond: number) {
    return this.api.call('PUT', `/v1/businesses/${b.id}/limits`, {
      token: this.admin,
      body: { messaging_tier: messagingTier, throughput_per_second: throughputPerSecond },
    });
  }

  publishCard(card: object): Promise<Answer> {
    return this.api.call('POST', '/v1/rate-cards', { token: this.admin, body: card });
  }

  currentCard(): Promise<Answer> {
    return this.api.call('GET', '/v1/rate-cards/current', { token: this.admin });
  }
}

export { STANDARD_CARD, expectStatus, phone };
export type { BusinessActor, CustomerActor };

const waIdOf = (c: CustomerActor | string) => (typeof c === 'string' ? c : c.waId);
const uniqueName = (category: string) => `${category.toLowerCase()}_${Math.random().toString(36).slice(2, 10)}`;
