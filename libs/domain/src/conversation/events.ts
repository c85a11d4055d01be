import type { MessageError } from '../shared/error-codes';
import type { PricingCategory, PricingType } from '../pricing/pricing-type';

/** Ciphertext and nonce of NaCl `box`, base64: the only form content ever takes on the platform. */
export interface SealedContent {
  ciphertext: string;
  nonce: string;
}

export const OPT_IN_SOURCES = ['website', 'app', 'click_to_chat', 'other'] as const;
export type OptInSource = (typeof OPT_IN_SOURCES)[number];

export const REFERRAL_SOURCES = ['ad', 'page_cta', 'link'] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

export interface TemplateRef {
  name: string;
  language: string;
  parameterCount: number;
}

/** Every event of one (business, customer) conversation carries the pair. */
interface Pair {
  businessId: string;
  waId: string;
  at: string;
}

export type ConversationEvent =
  | {
      type: 'InboundMessageReceived';
      data: Pair & {
        messageId: string;
        content: SealedContent;
        referral: { sourceType: ReferralSource; sourceId: string | null } | null;
      };
    }
  | { type: 'OptInRecorded'; data: Pair & { source: OptInSource } }
  | { type: 'OptOutRecorded'; data: Pair }
  | { type: 'BusinessBlocked'; data: Pair }
  | { type: 'BusinessUnblocked'; data: Pair }
  | { type: 'MarketingStopped'; data: Pair }
  | { type: 'MarketingResumed'; data: Pair }
  | {
      type: 'MessageRequested';
      data: Pair & {
        messageId: string;
        kind: 'text' | 'template';
        template: TemplateRef | null;
        content: SealedContent | null;
      };
    }
  | {
      type: 'MessageAccepted';
      data: Pair & {
        messageId: string;
        kind: 'text' | 'template';
        category: PricingCategory;
        pricingType: PricingType;
        billable: boolean;
        /** Business-initiated: sent while the customer service window was closed (counts toward the messaging limit). */
        outsideCustomerServiceWindow: boolean;
        opensFreeEntryPoint: boolean;
      };
    }
  | { type: 'MessageRejected'; data: Pair & { messageId: string; error: MessageError } };

export type ConversationEventType = ConversationEvent['type'];
export type EventOf<T extends ConversationEventType> = Extract<ConversationEvent, { type: T }>;
