import { DAY, HOUR, iso } from '../shared/time';
import { type Business, type BusinessEvent, foldBusiness } from './business';
import { DEFAULT_WEBHOOK_SECRET_OVERLAP_MS, rotateWebhookSecret, webhookSecretsAt } from './webhook-secret';
import { registered, t } from '../testing/given-when-then';

const rotate = (history: BusinessEvent[], secret: string, at: number, overlap = DEFAULT_WEBHOOK_SECRET_OVERLAP_MS) => [
  ...history,
  rotateWebhookSecret(foldBusiness(history) as Business, secret, overlap, at),
];
const secretsAt = (history: BusinessEvent[], now: number) => webhookSecretsAt(foldBusiness(history)!, now);

describe('webhook secret rotation with an overlap', () => {
  const start = [registered(t(0))];

  it('signs with the registration secret alone before any rotation', () => {
    expect(secretsAt(start, t(HOUR))).toEqual({ current: 'whsec_0', previous: null });
  });

  it('signs with the new secret at once, and with the previous one too for 24 h', () => {
    expect(DEFAULT_WEBHOOK_SECRET_OVERLAP_MS).toBe(DAY);
    const rotated = rotate(start, 'whsec_1', t(HOUR));
    expect(rotated.at(-1)).toEqual({
      type: 'WebhookSecretRotated',
      data: {
        businessId: 'biz-1',
        webhookSecret: 'whsec_1',
        previousWebhookSecret: { secret: 'whsec_0', validUntil: iso(t(HOUR + DAY)) },
        at: iso(t(HOUR)),
      },
    });
    expect(secretsAt(rotated, t(HOUR))).toEqual({ current: 'whsec_1', previous: 'whsec_0' });
    expect(secretsAt(rotated, t(HOUR + DAY - 1))).toEqual({ current: 'whsec_1', previous: 'whsec_0' });
    expect(secretsAt(rotated, t(HOUR + DAY))).toEqual({ current: 'whsec_1', previous: null });
  });

  it('takes the overlap it is given; 0 ends the old secret at once', () => {
    expect(secretsAt(rotate(start, 'whsec_1', t(HOUR), 10 * 60_000), t(HOUR + 10 * 60_000 - 1)).previous).toBe('whsec_0');
    expect(secretsAt(rotate(start, 'whsec_1', t(HOUR), 0), t(HOUR))).toEqual({ current: 'whsec_1', previous: null });
  });

  it('rotating again during the overlap keeps the secret receivers still run with, and its end', () => {
    const twice = rotate(rotate(start, 'whsec_1', t(HOUR)), 'whsec_2', t(2 * HOUR));
    expect(secretsAt(twice, t(2 * HOUR))).toEqual({ current: 'whsec_2', previous: 'whsec_0' });
    expect(secretsAt(twice, t(HOUR + DAY))).toEqual({ current: 'whsec_2', previous: null });
    // After the overlap, the next rotation starts a new one from the current secret.
    const later = rotate(twice, 'whsec_3', t(3 * DAY));
    expect(secretsAt(later, t(3 * DAY))).toEqual({ current: 'whsec_3', previous: 'whsec_2' });
    // An overlap of 0 during an overlap drops both older secrets.
    expect(secretsAt(rotate(twice, 'whsec_3', t(3 * HOUR), 0), t(3 * HOUR))).toEqual({ current: 'whsec_3', previous: null });
  });

  it('changes nothing else about the business', () => {
    const before = foldBusiness(start)!;
    const after = foldBusiness(rotate(start, 'whsec_1', t(HOUR)))!;
    expect({ ...after, webhookSecret: before.webhookSecret, previousWebhookSecret: null }).toEqual(before);
  });
});
