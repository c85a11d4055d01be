/** Every status a message can have, in lifecycle order (domain.md, "Message lifecycle"). */
export const STATUSES = ['pending', 'accepted', 'sent', 'delivered', 'read', 'failed'] as const;

export interface StatusCount {
  status: string;
  messages: number;
}

/** Failed messages grouped by their errors column (JSON text, the same for every message failing alike). */
export interface ErrorsCount {
  errors: string | null;
  messages: number;
}

/**
 * Outcomes of the messages requested in a period: how many are at each status now, and the
 * failures by error code. Codes are read from the JSON in JS, since portable SQL has no JSON functions.
 */
export function outcomesReport(period: { from: string; to: string }, statuses: readonly StatusCount[], failed: readonly ErrorsCount[]) {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<string, number>;
  for (const row of statuses) byStatus[row.status] = (byStatus[row.status] ?? 0) + row.messages;
  const failures = new Map<number | null, { code: number | null; title: string | null; messages: number }>();
  for (const row of failed) {
    const error = (JSON.parse(row.errors ?? '[]') as { code?: number; title?: string }[])[0];
    const code = error?.code ?? null;
    const entry = failures.get(code) ?? { code, title: error?.title ?? null, messages: 0 };
    entry.messages += row.messages;
    failures.set(code, entry);
  }
  return {
    from: period.from,
    to: period.to,
    messages: Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    statuses: byStatus,
    failures: [...failures.values()].sort((a, b) => b.messages - a.messages || (a.code ?? 0) - (b.code ?? 0)),
  };
}
