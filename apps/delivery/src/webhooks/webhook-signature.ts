import { createHmac } from 'node:crypto';

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the UTF-8 bytes of the secret>`. */
export const webhookSignature = (rawBody: string, secret: string): string =>
  `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(rawBody, 'utf8').digest('hex')}`;

/** During a secret's overlap, the signature with the previous secret travels in this header beside the usual one. */
export const PREVIOUS_SIGNATURE_HEADER = 'x-hub-signature-256-previous';

/** `X-Hub-Signature-256` with the current secret, and during an overlap the previous secret's signature too. */
export function signatureHeaders(rawBody: string, secrets: { current: string; previous: string | null }): Record<string, string> {
  return {
    'x-hub-signature-256': webhookSignature(rawBody, secrets.current),
    ...(secrets.previous !== null && { [PREVIOUS_SIGNATURE_HEADER]: webhookSignature(rawBody, secrets.previous) }),
  };
}
