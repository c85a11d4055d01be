import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isPhoneNumber } from '@ventana/domain';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 that decodes to `min`..`max` bytes. */
export function base64Bytes(value: unknown, min: number, max = min): boolean {
  if (typeof value !== 'string' || value.length === 0 || !BASE64.test(value)) return false;
  const bytes = Buffer.from(value, 'base64').length;
  return bytes >= min && bytes <= max;
}

const decorator =
  (name: string, message: string, test: (value: unknown) => boolean) =>
  (options?: ValidationOptions): PropertyDecorator =>
  (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property ${message}`, ...options },
      validator: { validate: test },
    });

/** Digits only, full international form: country code (not 0), 8–15 digits, no '+'. */
export const IsWaPhone = decorator('isWaPhone', 'must be 8–15 digits in full international form, without "+" or a leading 0', isPhoneNumber);

/** A NaCl box public key: 32 bytes, base64. */
export const IsBoxPublicKey = decorator('isBoxPublicKey', 'must be a base64 NaCl box public key (32 bytes)', (v) => base64Bytes(v, 32));

/** NaCl box ciphertext: base64, at least the 16-byte authenticator; bodies are capped at 256 KiB anyway. */
export const IsCiphertext = decorator('isCiphertext', 'must be base64 NaCl box ciphertext', (v) => base64Bytes(v, 16, 256 * 1024));

/** NaCl box nonce: 24 bytes, base64. */
export const IsNonce = decorator('isNonce', 'must be a base64 24-byte nonce', (v) => base64Bytes(v, 24));

/** Template names: lowercase letters, digits and underscores, as the Cloud API requires. */
export const IsTemplateName = decorator('isTemplateName', 'must be lowercase letters, digits and underscores (1–512)', (v) => typeof v === 'string' && /^[a-z0-9_]{1,512}$/.test(v));

/** Template languages: a language code with an optional region, e.g. `en` or `en_US`. */
export const IsTemplateLanguage = decorator('isTemplateLanguage', 'must be a language code such as en or en_US', (v) => typeof v === 'string' && /^[a-z]{2,3}(_[A-Z]{2})?$/.test(v));
