import { isPhoneNumber } from './phone';

describe('phone numbers and wa_id: digits only, full international form, 8 to 15 digits', () => {
  it.each(['919812345678', '14155551234', '12345678', '123456789012345', '447700900123'])('accepts %s', (n) => {
    expect(isPhoneNumber(n)).toBe(true);
  });

  it.each([
    ['7 digits', '1234567'],
    ['16 digits', '1234567890123456'],
    ['a leading +', '+919812345678'],
    ['a leading 0', '0919812345678'],
    ['spaces', '91 98123 45678'],
    ['dashes', '1-415-555-1234'],
    ['letters', '91981234567a'],
    ['nothing', ''],
  ])('refuses %s', (_why, n) => {
    expect(isPhoneNumber(n)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isPhoneNumber(919812345678)).toBe(false);
    expect(isPhoneNumber(null)).toBe(false);
  });
});
