import type { Business } from '@ventana/domain';

/** Bodies in the shape of the WhatsApp Cloud API's `messages` webhook. */
const envelope = (business: Business, value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: business.id,
      changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number: business.phoneNumber }, ...value } }],
    },
  ],
});

export interface StatusUpdate {
  id: string;
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: string;
  recipient_id: string;
  pricing?: unknown;
  errors?: unknown[];
}

export const statusPayload = (business: Business, status: StatusUpdate) => envelope(business, { statuses: [status] });

export interface InboundForWebhook {
  id: string;
  from: string;
  /** The customer's device key, so the business can open the content and seal its reply. */
  sender_public_key: string | null;
  timestamp: string;
  type: 'text';
  text: { ciphertext: string; nonce: string };
  referral?: { source_type: string; source_id: string | null };
}

export const inboundPayload = (business: Business, message: InboundForWebhook) => envelope(business, { messages: [message] });
