import { DAY, iso, ms } from '../shared/time';
import type { Business, BusinessEvent, PreviousWebhookSecret } from './business';

/**
 * Rotating a business's webhook secret without dropping a webhook: the new secret signs from the
 * moment of the rotation, and the previous one keeps signing alongside it for an overlap period
 * (24 h by default), long enough to deploy the new secret to every receiver.
 *
 * Rotating again during an overlap keeps the previous secret, with its end unchanged, and drops
 * the one in between: the previous one is what the receivers still run with, while the one in
 * between may never have been seen (a lost response is the usual reason to rotate twice). An
 * overlap of 0 ends every older secret at once, for a secret that leaked.
 */
export const DEFAULT_WEBHOOK_SECRET_OVERLAP_MS = DAY;

/** The secrets that sign a webhook posted at `now`: the current one, and the previous one during its overlap. */
export function webhookSecretsAt(business: Pick<Business, 'webhookSecret' | 'previousWebhookSecret'>, now: number) {
  const previous = business.previousWebhookSecret;
  return { current: business.webhookSecret, previous: previous && now < ms(previous.validUntil) ? previous.secret : null };
}

export function rotateWebhookSecret(business: Business, newSecret: string, overlapMs: number, now: number): BusinessEvent {
  const inOverlap = webhookSecretsAt(business, now).previous !== null;
  let previous: PreviousWebhookSecret | null = null;
  if (overlapMs > 0)
    previous = inOverlap ? business.previousWebhookSecret : { secret: business.webhookSecret, validUntil: iso(now + overlapMs) };
  return {
    type: 'WebhookSecretRotated',
    data: { businessId: business.id, webhookSecret: newSecret, previousWebhookSecret: previous, at: iso(now) },
  };
}
