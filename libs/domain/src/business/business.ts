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
    }
  | {
      /** Earned by sending (limits/messaging-tier.ts), recorded by window-policy. */
      type: 'MessagingTierUpgraded';
      data: { businessId: string; messagingTier: MessagingTier; previousTier: MessagingTier; reachedInSevenDays: number; at: string };
    }
  | {
      /** The new secret signs every webhook from now; the previous one also signs until `validUntil` (business/webhook-secret.ts). */
      type: 'WebhookSecretRotated';
      data: { businessId: string; webhookSecret: string; previousWebhookSecret: PreviousWebhookSecret | null; at: string };
    };

export interface PreviousWebhookSecret {
  secret: string;
  validUntil: string;
}

export interface Business {
  id: string;
  name: string;
  phoneNumber: string;
  webhookUrl: string | null;
  publicKey: string;
  apiKeyHash: string;
  webhookSecret: string;
  messagingTier: MessagingTier;
  /** When the tier last changed (registration, the operator, an upgrade): upgrades need a day at a tier. */
  messagingTierSince: string;
  throughputPerSecond: number;
  previousWebhookSecret: PreviousWebhookSecret | null;
}

export function evolveBusiness(state: Business | undefined, event: BusinessEvent): Business | undefined {
  switch (event.type) {
    case 'BusinessRegistered': {
      const { businessId, at, ...rest } = event.data;
      return {
        id: businessId,
        ...rest,
        messagingTier: MESSAGING_TIERS[0],
        messagingTierSince: at,
        throughputPerSecond: DEFAULT_THROUGHPUT_PER_SECOND,
        previousWebhookSecret: null,
      };
    }
    case 'BusinessLimitsSet':
      return (
        state && {
          ...state,
          messagingTier: event.data.messagingTier,
          // Setting the same tier again (to change the throughput) does not restart the day at it.
          messagingTierSince: event.data.messagingTier === state.messagingTier ? state.messagingTierSince : event.data.at,
          throughputPerSecond: event.data.throughputPerSecond,
        }
      );
    case 'MessagingTierUpgraded':
      return state && { ...state, messagingTier: event.data.messagingTier, messagingTierSince: event.data.at };
    case 'WebhookSecretRotated':
      return state && { ...state, webhookSecret: event.data.webhookSecret, previousWebhookSecret: event.data.previousWebhookSecret };
  }
}

export const foldBusiness = (events: readonly BusinessEvent[]): Business | undefined =>
  events.reduce<Business | undefined>(evolveBusiness, undefined);
