import { DAY, HOUR, ms } from '../shared/time';
import type { ConversationEvent, OptInSource } from './events';
import { PairBucket, spend } from '../limits/pair-bucket';

export const CUSTOMER_SERVICE_WINDOW_MS = DAY;
export const FREE_ENTRY_POINT_WINDOW_MS = 72 * HOUR;
/** A referral opens a free entry point only if the business replies within this time. */
export const FREE_ENTRY_POINT_REPLY_MS = DAY;

export type ConsentSource = 'inbound_message' | OptInSource;

/** Everything the platform knows about one (business, customer) pair, folded from its events. */
export interface Conversation {
  customerServiceWindowExpiresAt: number | null;
  freeEntryPointExpiresAt: number | null;
  /** An ad or page call-to-action referral not yet answered: the first accepted reply within 24 h opens a FEP. */
  pendingReferralAt: number | null;
  consent: { granted: boolean; source: ConsentSource | null };
  marketingOptOut: boolean;
  blocked: boolean;
  pairBucket: PairBucket | null;
}

export const initialConversation = (): Conversation => ({
  customerServiceWindowExpiresAt: null,
  freeEntryPointExpiresAt: null,
  pendingReferralAt: null,
  consent: { granted: false, source: null },
  marketingOptOut: false,
  blocked: false,
  pairBucket: null,
});

export function evolveConversation(state: Conversation, event: ConversationEvent): Conversation {
  const at = ms(event.data.at);
  switch (event.type) {
    case 'InboundMessageReceived': {
      const opensFep = event.data.referral !== null && event.data.referral.sourceType !== 'link';
      return {
        ...state,
        customerServiceWindowExpiresAt: at + CUSTOMER_SERVICE_WINDOW_MS,
        consent: { granted: true, source: 'inbound_message' },
        pendingReferralAt: opensFep ? at : state.pendingReferralAt,
      };
    }
    case 'OptInRecorded':
      return { ...state, consent: { granted: true, source: event.data.source } };
    case 'OptOutRecorded':
      return { ...state, consent: { granted: false, source: null } };
    case 'BusinessBlocked':
      return { ...state, blocked: true };
    case 'BusinessUnblocked':
      return { ...state, blocked: false };
    case 'MarketingStopped':
      return { ...state, marketingOptOut: true };
    case 'MarketingResumed':
      return { ...state, marketingOptOut: false };
    case 'MessageRequested':
      return state;
    case 'MessageAccepted': {
      const { opensFreeEntryPoint } = event.data;
      return {
        ...state,
        pairBucket: spend(state.pairBucket, at),
        ...(opensFreeEntryPoint && { freeEntryPointExpiresAt: at + FREE_ENTRY_POINT_WINDOW_MS, pendingReferralAt: null }),
      };
    }
    case 'MessageRejected':
      return state;
  }
}

/** Just the block status, for callers that need nothing else from a (long) conversation. */
export const evolveBlock = (blocked: boolean, event: ConversationEvent): boolean =>
  event.type === 'BusinessBlocked' ? true : event.type === 'BusinessUnblocked' ? false : blocked;

export const foldConversation = (events: readonly ConversationEvent[]): Conversation =>
  events.reduce(evolveConversation, initialConversation());

export const isCustomerServiceWindowOpen = (c: Conversation, now: number): boolean =>
  c.customerServiceWindowExpiresAt !== null && now < c.customerServiceWindowExpiresAt;

export const isFreeEntryPointOpen = (c: Conversation, now: number): boolean =>
  c.freeEntryPointExpiresAt !== null && now < c.freeEntryPointExpiresAt;

/** A reply accepted now would open a free entry point. */
export const replyOpensFreeEntryPoint = (c: Conversation, now: number): boolean =>
  !isFreeEntryPointOpen(c, now) && c.pendingReferralAt !== null && now < c.pendingReferralAt + FREE_ENTRY_POINT_REPLY_MS;
