import { randomUUID } from 'node:crypto';
import {
  type MessageEvent,
  type RateCard,
  MessageDecisions,
  evolveMessage,
  initialMessage,
  iso,
  ms,
  pricingOf,
  quote,
} from '@ventana/domain';
import type { EventStore, NewEvent } from '@ventana/event-store';
import { Streams, businessIdFor, templateIdFor } from '../libs/platform/src/runtime/streams';

/**
 * A realistic log for replay benchmarks, written through the store's own append API: businesses,
 * devices, approved templates, a rate card, then message lifecycles as the services record them
 * (conversation stream: requested + accepted; message stream: priced, sent, delivered, charged,
 * sometimes read), priced by the domain's own quote, so the log reconciles.
 */
export interface GeneratedLog {
  events: number;
  messages: number;
  seconds: number;
}

const CARD: RateCard = {
  version: 1,
  effectiveFrom: '2026-01-01T00:00:00.000Z',
  currency: 'USD',
  markets: [
    { market: 'IN', callingCodes: ['91'], pricesMicros: { marketing: 10_700, utility: 5_000, authentication: 6_500 } },
    { market: 'GB', callingCodes: ['44'], pricesMicros: { marketing: 52_900, utility: 22_000, authentication: 35_800 } },
    { market: 'ROW', callingCodes: ['*'], pricesMicros: { marketing: 60_400, utility: 7_700, authentication: 7_500 } },
  ],
};
const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
const IN_FLIGHT = 256;

export async function generateLog(store: EventStore, options: { events: number; businesses?: number; customers?: number }): Promise<GeneratedLog> {
  const started = performance.now();
  const businesses = Array.from({ length: options.businesses ?? 40 }, (_, i) => `1555${String(i).padStart(7, '0')}`).map((phone) => ({
    phone,
    id: businessIdFor(phone),
  }));
  const customers = Array.from({ length: options.customers ?? 5000 }, (_, i) => `${['91', '44', '55'][i % 3]}98${String(i).padStart(8, '0')}`);
  const start = ms(CARD.effectiveFrom);
  let written = 0;
  const append = async (stream: string, events: { type: string; data: unknown }[], at: string) => {
    const recorded: NewEvent[] = events.map((e) => ({ id: randomUUID(), ...e, metadata: { time: at, correlationId: randomUUID(), causationId: randomUUID() } }));
    await store.append(stream, recorded, 'any');
    written += recorded.length;
  };

  const at0 = iso(start);
  await append(Streams.rateCards, [{ type: 'RateCardPublished', data: { ...CARD, at: at0 } }], at0);
  for (const b of businesses) {
    await append(Streams.business(b.id), [{ type: 'BusinessRegistered', data: { businessId: b.id, name: `Business ${b.phone}`, phoneNumber: b.phone, webhookUrl: null, publicKey: 'k', apiKeyHash: 'h', webhookSecret: 's', at: at0 } }], at0);
    for (const category of CATEGORIES) {
      const name = category.toLowerCase();
      const templateId = templateIdFor(b.id, name, 'en_US');
      await append(
        Streams.template(templateId),
        [
          { type: 'TemplateSubmitted', data: { templateId, businessId: b.id, name, language: 'en_US', category, body: 'Hello {{1}}', parameterCount: 1, at: at0 } },
          { type: 'TemplateReviewed', data: { templateId, businessId: b.id, decision: 'APPROVED', category, at: at0 } },
        ],
        at0,
      );
    }
  }
  // Many appends in flight: the SQLite store commits each turn's appends as one group, PostgreSQL uses its pool.
  const inFlight = new Set<Promise<void>>();
  const submit = async (task: () => Promise<void>) => {
    const running = task().finally(() => inFlight.delete(running));
    inFlight.add(running);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  };
  for (const waId of customers)
    await submit(() => append(Streams.customer(waId), [{ type: 'CustomerDeviceRegistered', data: { waId, publicKey: 'k', deviceTokenHash: 'h', at: at0 } }], at0));
  await Promise.all(inFlight);
  let messages = 0;
  while (written + 8 * inFlight.size < options.events) {
    const i = messages++;
    await submit(() => oneMessage(i));
  }
  await Promise.all(inFlight);
  return { events: written, messages, seconds: (performance.now() - started) / 1000 };

  /** One message a few seconds after the previous one: a customer writes first now and then, which opens the window. */
  async function oneMessage(i: number): Promise<void> {
    const b = businesses[i % businesses.length];
    const waId = customers[(i * 7) % customers.length];
    const t = start + 60_000 + i * 5_000;
    const at = iso(t);
    const pair = { businessId: b.id, waId };
    const conversation = Streams.conversation(b.id, waId);
    const insideWindow = i % 4 === 0;
    const category = CATEGORIES[i % 3];
    const pricing = pricingOf({ templateCategory: category, insideFreeEntryPoint: false, insideCustomerServiceWindow: insideWindow });
    const messageId = randomUUID();
    const conversationEvents: { type: string; data: unknown }[] = [];
    if (insideWindow) conversationEvents.push({ type: 'InboundMessageReceived', data: { ...pair, at: iso(t - 1000), messageId: randomUUID(), content: { ciphertext: 'c', nonce: 'n' }, referral: null } });
    conversationEvents.push(
      { type: 'MessageRequested', data: { ...pair, at, messageId, kind: 'template', template: { name: category.toLowerCase(), language: 'en_US', parameterCount: 1 }, content: { ciphertext: 'c', nonce: 'n' } } },
      { type: 'MessageAccepted', data: { ...pair, at, messageId, kind: 'template', category: pricing.category, pricingType: pricing.type, billable: pricing.billable, outsideCustomerServiceWindow: !insideWindow, opensFreeEntryPoint: false } },
    );
    await append(conversation, conversationEvents, at);

    // The message stream, decided the way the pricing and delivery services decide it.
    const ref = { messageId, ...pair };
    let state = initialMessage();
    const lifecycle: MessageEvent[] = [];
    const step = (events: MessageEvent[]) => {
      for (const e of events) state = evolveMessage(state, e);
      lifecycle.push(...events);
    };
    step(MessageDecisions.price(state, ref, pricing, quote([CARD], waId, pricing, t), at));
    step(MessageDecisions.send(state, ref, iso(t + 200)));
    step(MessageDecisions.deliver(state, ref, iso(t + 2_000)));
    step(MessageDecisions.charge(state, ref, iso(t + 2_050)));
    if (i % 5 === 0) step(MessageDecisions.read(state, ref, iso(t + 60_000)));
    await append(Streams.message(messageId), lifecycle, iso(t + 2_050));
  }
}
