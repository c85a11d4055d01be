/**
 * A tiny given/when/then DSL for the domain's deciders, in the style of Emmett's decider specs:
 *
 *   given(inbound(t(0))).when(sendText(), { now: t(24 * HOUR) }).then(ErrorCode.ReEngagement);
 *   givenMessage(priced(t(0)), sent(t(1))).when((m) => deliver(m, REF, at)).then([{ type: 'MessageDelivered' }]);
 *
 * The conversation is folded from the given events of the request's pair; the business usage
 * (messaging and throughput limits, quality) from every accepted message and block of the business in them.
 */
import { foldConversation } from '../conversation/conversation';
import type { ConversationEvent, EventOf, OptInSource, ReferralSource } from '../conversation/events';
import { decideMessage, type PolicyContext, type PolicyDecision } from '../conversation/message-policy';
import { type BusinessEvent, DEFAULT_THROUGHPUT_PER_SECOND, MESSAGING_TIERS, type MessagingTier, foldBusiness } from '../business/business';
import { type BusinessUsage, emptyUsage, limitSignals, recordAcceptance, recordBlock } from '../limits/business-usage';
import { decideTierUpgrade } from '../limits/messaging-tier';
import { foldMessage, type MessageEvent, type OutboundMessage } from '../message/message';
import type { ErrorCode } from '../shared/error-codes';
import { iso, ms } from '../shared/time';
import type { Template } from '../template/template';

export const BUSINESS = 'biz-1';
export const CUSTOMER = '919812345678';
export const T0 = Date.parse('2026-03-02T09:00:00.000Z');
/** The platform instant `offset` ms after T0: t(24 * HOUR). */
export const t = (offset: number): number => T0 + offset;
/** Another customer of the same business, for the business-wide limits. */
export const customer = (i: number): string => String(447700000000 + i);

type Accepted = EventOf<'MessageAccepted'>['data'];
type Request = EventOf<'MessageRequested'>['data'];
let seq = 0;
const pair = (at: number, waId = CUSTOMER) => ({ businessId: BUSINESS, waId, at: iso(at) });
const sealed = { ciphertext: 'c2VhbGVk', nonce: 'bm9uY2Vub25jZQ==' };

// ---- past events of a conversation
export const inbound = (at: number, referral: ReferralSource | null = null, waId?: string): ConversationEvent => ({
  type: 'InboundMessageReceived',
  data: { ...pair(at, waId), messageId: `in-${++seq}`, content: sealed, referral: referral && { sourceType: referral, sourceId: 'src-1' } },
});
export const optIn = (at: number, source: OptInSource = 'website'): ConversationEvent => ({ type: 'OptInRecorded', data: { ...pair(at), source } });
export const optOut = (at: number): ConversationEvent => ({ type: 'OptOutRecorded', data: pair(at) });
export const blocked = (at: number, waId?: string): ConversationEvent => ({ type: 'BusinessBlocked', data: pair(at, waId) });
export const unblocked = (at: number): ConversationEvent => ({ type: 'BusinessUnblocked', data: pair(at) });
export const marketingStopped = (at: number): ConversationEvent => ({ type: 'MarketingStopped', data: pair(at) });
export const marketingResumed = (at: number): ConversationEvent => ({ type: 'MarketingResumed', data: pair(at) });
export const accepted = (at: number, data: Partial<Accepted> = {}): ConversationEvent => ({
  type: 'MessageAccepted',
  data: {
    ...pair(at, data.waId),
    messageId: `out-${++seq}`,
    kind: 'template',
    category: 'utility',
    pricingType: 'regular',
    billable: true,
    outsideCustomerServiceWindow: false,
    opensFreeEntryPoint: false,
    ...data,
  },
});
export const rejected = (at: number, code: ErrorCode): ConversationEvent => ({
  type: 'MessageRejected',
  data: { ...pair(at), messageId: `out-${++seq}`, error: { code, title: '', detail: '' } },
});

// ---- templates and requests
export const template = (overrides: Partial<Template> = {}): Template => ({
  id: 'tpl-1',
  businessId: BUSINESS,
  name: 'shipping_confirmation',
  language: 'en_US',
  category: 'UTILITY',
  body: 'Your order {{1}} has shipped.',
  parameterCount: 1,
  status: 'APPROVED',
  createdAt: iso(T0),
  updatedAt: iso(T0),
  ...overrides,
});

export interface Send {
  request: Request;
  /** What the business's template store answers for the request's name and language. */
  template: Template | undefined;
}
const request = (kind: 'text' | 'template', ref: Request['template'], waId = CUSTOMER): Request => ({
  ...pair(T0, waId),
  messageId: `out-${++seq}`,
  kind,
  template: ref,
  content: kind === 'text' ? sealed : null,
});
export const sendText = (waId?: string): Send => ({ request: request('text', null, waId), template: undefined });
/** A template send; `parameterCount` defaults to the template's own n, `undefined` template = none stored. */
export const sendTemplate = (tpl: Template | undefined, parameterCount = tpl?.parameterCount ?? 0, waId?: string): Send => ({
  request: request('template', { name: tpl?.name ?? 'unknown', language: tpl?.language ?? 'en_US', parameterCount }, waId),
  template: tpl,
});

// ---- given / when / then for the message policy
export interface When {
  now: number;
  business?: Partial<PolicyContext['business']>;
}

/** The business usage the events make: every accepted message and every block of the business, in order. */
export function usageOf(events: readonly ConversationEvent[], businessId = BUSINESS): BusinessUsage {
  const usage = emptyUsage();
  for (const e of events) {
    if (e.data.businessId !== businessId) continue;
    if (e.type === 'MessageAccepted') {
      recordAcceptance(usage, { waId: e.data.waId, at: ms(e.data.at), outsideWindow: e.data.outsideCustomerServiceWindow });
    }
    if (e.type === 'BusinessBlocked') recordBlock(usage, { waId: e.data.waId, at: ms(e.data.at) });
  }
  return usage;
}

export const given = (...events: ConversationEvent[]) => ({
  when: (send: Send, { now, business }: When) => {
    const usage = usageOf(events, send.request.businessId);
    const decision = decideMessage(
      send.request,
      {
        conversation: foldConversation(events.filter((e) => e.data.waId === send.request.waId)),
        template: send.template,
        business: { messagingTier: MESSAGING_TIERS[0], throughputPerSecond: DEFAULT_THROUGHPUT_PER_SECOND, ...business },
        usage,
      },
      now,
    );
    return {
      /** An error code: rejected with it. 'accepted' or a partial MessageAccepted: accepted like that. */
      then(expected: ErrorCode | 'accepted' | Partial<Accepted>): PolicyDecision {
        if (typeof expected === 'number') {
          expect(decision).toMatchObject({ type: 'MessageRejected', data: { error: { code: expected } } });
        } else {
          expect(decision).toMatchObject({ type: 'MessageAccepted', data: expected === 'accepted' ? {} : expected });
        }
        return decision;
      },
    };
  },
});

// ---- the business's own stream, and given / when / then for tier upgrades
export const registered = (at: number): BusinessEvent => ({
  type: 'BusinessRegistered',
  data: { businessId: BUSINESS, name: 'Acme', phoneNumber: '14155551234', webhookUrl: null, publicKey: 'cHVibGlj', apiKeyHash: 'h', webhookSecret: 'whsec_0', at: iso(at) },
});
export const limitsSet = (at: number, messagingTier: MessagingTier, throughputPerSecond = DEFAULT_THROUGHPUT_PER_SECOND): BusinessEvent => ({
  type: 'BusinessLimitsSet',
  data: { businessId: BUSINESS, messagingTier, throughputPerSecond, at: iso(at) },
});

/**
 *   givenBusiness(registered(t(0))).sending(...reached(125)).whenDecidedAt(t(DAY)).then(2_000);
 *
 * The business is folded from its own events; what it sent and who blocked it, from the others.
 */
export const givenBusiness = (...history: BusinessEvent[]) => ({
  sending: (...activity: ConversationEvent[]) => ({
    whenDecidedAt: (now: number) => {
      const business = foldBusiness(history)!;
      const upgrade = decideTierUpgrade(business, limitSignals(usageOf(activity), now), now);
      return {
        /** The tier it moves up to, or 'no upgrade'. */
        then(expected: MessagingTier | 'no upgrade'): BusinessEvent[] {
          if (expected === 'no upgrade') expect(upgrade).toEqual([]);
          else expect(upgrade).toEqual([{ type: 'MessagingTierUpgraded', data: expect.objectContaining({ messagingTier: expected, at: iso(now) }) }]);
          return upgrade;
        },
      };
    },
  }),
});

// ---- past events of one outbound message
export const REF = { messageId: 'out-1', businessId: BUSINESS, waId: CUSTOMER };
type Priced = Extract<MessageEvent, { type: 'MessagePriced' }>['data'];
export const priced = (at: number, data: Partial<Priced> = {}): MessageEvent => ({
  type: 'MessagePriced',
  data: { ...REF, at: iso(at), market: 'IN', amountMicros: 10_700, rateCardVersion: 1, category: 'marketing', pricingType: 'regular', billable: true, currency: 'USD', ...data },
});
export const sent = (at: number): MessageEvent => ({ type: 'MessageSent', data: { ...REF, at: iso(at) } });
export const delivered = (at: number): MessageEvent => ({ type: 'MessageDelivered', data: { ...REF, at: iso(at) } });
export const read = (at: number): MessageEvent => ({ type: 'MessageRead', data: { ...REF, at: iso(at) } });
export const deliveryFailed = (at: number): MessageEvent => ({
  type: 'MessageDeliveryFailed',
  data: { ...REF, at: iso(at), error: { code: 131026, title: 'Message undeliverable', detail: 'gave up' } },
});

// ---- given / when / then for the message stream's deciders
export const givenMessage = (...events: MessageEvent[]) => ({
  when: (decide: (state: OutboundMessage) => MessageEvent[]) => {
    const decided = decide(foldMessage(events));
    return {
      then: (expected: { type: MessageEvent['type']; data?: object }[]): MessageEvent[] => {
        expect(decided).toMatchObject(expected);
        return decided;
      },
    };
  },
});
