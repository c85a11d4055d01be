/**
 * Messaging-limit tiers: unique customers a business may reach outside the customer service
 * window per rolling 24 h. New businesses start at the first tier.
 */
export const MESSAGING_TIERS = [250, 2_000, 10_000, 100_000, 'unlimited'] as const;
export type MessagingTier = (typeof MESSAGING_TIERS)[number];

export const DEFAULT_THROUGHPUT_PER_SECOND = 80;
export const MAX_THROUGHPUT_PER_SECOND = 1_000;

export type BusinessEvent =
  | {
      type: 'BusinessRegistered';
      data: {
        businessId: string;
        name: string;
        phoneNumber: string;
        webhookUrl: string | null;
        publicKey: string;
        apiKeyHash: string;
        webhookSecret: string;
        at: string;
      };
    }
  | {
      type: 'BusinessLimitsSet';
      data: { businessId: string; messagingTier: MessagingTier; throughputPerSecond: number; at: string };
    };

export interface Business {
  id: string;
  name: string;
  phoneNumber: string;
  webhookUrl: string | null;
  publicKey: string;
  apiKeyHash: string;
  webhookSecret: string;
  messagingTier: MessagingTier;
  throughputPerSecond: number;
}

export function evolveBusiness(state: Business | undefined, event: BusinessEvent): Business | undefined {
  switch (event.type) {
    case 'BusinessRegistered': {
      const { businessId, at: _at, ...rest } = event.data;
      return { id: businessId, ...rest, messagingTier: MESSAGING_TIERS[0], throughputPerSecond: DEFAULT_THROUGHPUT_PER_SECOND };
    }
    case 'BusinessLimitsSet':
      return state && { ...state, messagingTier: event.data.messagingTier, throughputPerSecond: event.data.throughputPerSecond };
  }
}

export const foldBusiness = (events: readonly BusinessEvent[]): Business | undefined =>
  events.reduce<Business | undefined>(evolveBusiness, undefined);
