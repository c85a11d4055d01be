import { createHash } from 'node:crypto';

/** Stream names: one stream per aggregate, the conversation stream per (business, customer) pair. */
export const Streams = {
  business: (businessId: string) => `business-${businessId}`,
  customer: (waId: string) => `customer-${waId}`,
  template: (templateId: string) => `template-${templateId}`,
  conversation: (businessId: string, waId: string) => `conversation-${businessId}-${waId}`,
  message: (messageId: string) => `message-${messageId}`,
  rateCards: 'rate-cards',
  /** A business's invoice for one month ("yyyy-mm"): its lifecycle. */
  invoice: (businessId: string, month: string) => `invoice-${businessId}-${month}`,
  idempotency: (businessId: string, key: string) => `idempotency-${businessId}-${sha256(key)}`,
};

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A UUID-shaped id derived from its parts: the same parts always give the same id. */
function derivedId(...parts: string[]): string {
  const h = sha256(parts.join('\u0000'));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A business's id follows from its phone number, so registering a number twice collides on one
 * stream (no separate uniqueness index to keep in step) and a phone resolves to its business
 * without a lookup table.
 */
export const businessIdFor = (phoneNumber: string) => derivedId('business', phoneNumber);

/** Likewise a template is unique per (business, name, language). */
export const templateIdFor = (businessId: string, name: string, language: string) =>
  derivedId('template', businessId, name, language);
