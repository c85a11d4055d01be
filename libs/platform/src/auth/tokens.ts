import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A new secret such as an API key: `prefix` + 32 random bytes in base64url (`vk_…`).
 * The prefix makes leaked keys recognisable by secret scanners and humans.
 */
export function newSecretToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * What is stored instead of the token. A plain sha256 suffices: the token carries 256 random
 * bits, so there is nothing for a slow hash to protect against guessing.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `token` hashes to `hash`, compared in constant time. */
export function tokenMatches(token: string, hash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'utf8');
  const expected = Buffer.from(hash, 'utf8');
  // timingSafeEqual throws on unequal lengths; a hash's length is public anyway.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
