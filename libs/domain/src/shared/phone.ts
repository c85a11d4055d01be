/** Full international form, digits only: country code first (never 0), 8 to 15 digits, no '+'. */
export const PHONE_NUMBER = /^[1-9][0-9]{7,14}$/;

export const isPhoneNumber = (value: unknown): value is string =>
  typeof value === 'string' && PHONE_NUMBER.test(value);
