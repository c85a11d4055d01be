import { foldBusiness, type BusinessEvent } from './business';

const registered: BusinessEvent = {
  type: 'BusinessRegistered',
  data: {
    businessId: 'biz-1',
    name: 'Acme',
    phoneNumber: '14155551234',
    webhookUrl: null,
    publicKey: 'cHVibGlj',
    apiKeyHash: 'hash',
    webhookSecret: 'secret',
    at: '2026-03-02T09:00:00.000Z',
  },
};

describe('rule 8: business limits', () => {
  it('a new business starts at the 250 tier and 80 messages per second', () => {
    expect(foldBusiness([registered])).toMatchObject({ id: 'biz-1', messagingTier: 250, throughputPerSecond: 80 });
  });

  it('the operator can set the tier and the throughput', () => {
    const set: BusinessEvent = { type: 'BusinessLimitsSet', data: { businessId: 'biz-1', messagingTier: 10_000, throughputPerSecond: 1_000, at: '2026-03-03T09:00:00.000Z' } };
    expect(foldBusiness([registered, set])).toMatchObject({ messagingTier: 10_000, throughputPerSecond: 1_000 });
  });

  it('limits of an unknown business yield nothing', () => {
    expect(foldBusiness([{ type: 'BusinessLimitsSet', data: { businessId: 'x', messagingTier: 'unlimited', throughputPerSecond: 80, at: '2026-03-03T09:00:00.000Z' } }])).toBeUndefined();
  });
});
