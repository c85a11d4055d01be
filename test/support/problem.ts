import type { Answer } from './api-client';

/**
 * Asserts an RFC 9457 problem answer: the status (one of `statuses`), the problem+json media type,
 * and the standard members; `errors` (field-level details) when `validation` is asked for.
 */
export function expectProblem(answer: Answer, statuses: number | number[], options: { validation?: boolean } = {}): void {
  const allowed = Array.isArray(statuses) ? statuses : [statuses];
  const context = `HTTP ${answer.status}: ${JSON.stringify(answer.body)}`;
  if (!allowed.includes(answer.status)) throw new Error(`expected HTTP ${allowed.join(' or ')}, got ${context}`);
  expect(answer.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  expect(answer.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status: answer.status,
      detail: expect.any(String),
    }),
  );
  if (options.validation) {
    expect(Array.isArray(answer.body.errors)).toBe(true);
    expect(answer.body.errors.length).toBeGreaterThan(0);
    for (const error of answer.body.errors) expect(error).toEqual(expect.objectContaining({ field: expect.any(String), detail: expect.any(String) }));
  }
}
