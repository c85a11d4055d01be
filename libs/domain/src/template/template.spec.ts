import { foldTemplate, parameterCountOf, type TemplateEvent } from './template';

describe('template bodies: parameters are {{1}} to {{n}} with none missing', () => {
  it.each([
    ['Your order has shipped.', 0],
    ['Your order {{1}} has shipped.', 1],
    ['Hi {{1}}, your appointment is on {{2}} at {{3}}.', 3],
    ['{{2}} before {{1}}', 2],
    ['{{1}} and again {{1}}', 1],
    ['Spaces are tolerated: {{ 1 }}', 1],
  ])('%j has %i parameters', (body, n) => {
    expect(parameterCountOf(body)).toBe(n);
  });

  it.each([
    ['skips a number', 'Hi {{1}}, see you on {{3}}'],
    ['starts at 2', 'Your code is {{2}}'],
    ['uses {{0}}', 'Your code is {{0}}'],
    ['uses {{0}} beside {{1}}', '{{0}} {{1}}'],
  ])('a body that %s is refused', (_why, body) => {
    expect(parameterCountOf(body)).toBeUndefined();
  });
});

describe('template lifecycle', () => {
  const submitted: TemplateEvent = {
    type: 'TemplateSubmitted',
    data: {
      templateId: 'tpl-1',
      businessId: 'biz-1',
      name: 'appointment_reminder',
      language: 'en_US',
      category: 'UTILITY',
      body: 'See you on {{1}}',
      parameterCount: 1,
      at: '2026-03-02T09:00:00.000Z',
    },
  };
  const reviewed = (decision: 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED', category: 'UTILITY' | 'MARKETING' = 'UTILITY'): TemplateEvent => ({
    type: 'TemplateReviewed',
    data: { templateId: 'tpl-1', businessId: 'biz-1', decision, category, at: '2026-03-02T10:00:00.000Z' },
  });

  it('starts PENDING', () => {
    expect(foldTemplate([submitted])).toMatchObject({ id: 'tpl-1', status: 'PENDING', parameterCount: 1, category: 'UTILITY' });
  });

  it.each(['APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'] as const)('the operator review sets %s', (decision) => {
    expect(foldTemplate([submitted, reviewed(decision)])).toMatchObject({ status: decision, updatedAt: '2026-03-02T10:00:00.000Z' });
  });

  it('the review may re-categorise a utility template as MARKETING', () => {
    expect(foldTemplate([submitted, reviewed('APPROVED', 'MARKETING')])).toMatchObject({ status: 'APPROVED', category: 'MARKETING' });
  });

  it('a review of an unknown template yields nothing', () => {
    expect(foldTemplate([reviewed('APPROVED')])).toBeUndefined();
  });
});
