import type { Acknowledged } from './steady-load';

/** One stored event, as the invariants read it straight from the store (the source of truth). */
export interface StoredEvent {
  type: string;
  stream: string;
  data: Record<string, unknown>;
}

/** What finance may be charged for one acknowledged message of the load (micro-USD), or null for free. */
export type ExpectedCharge = (message: Acknowledged) => number | null;

const TERMINAL = new Set(['MessageDelivered', 'MessageDeliveryFailed', 'MessageRejected']);

/**
 * The promises of the platform under faults, checked over the whole log:
 * - no acknowledged request is lost: every 202 has its MessageRequested;
 * - every acknowledged message reaches exactly one terminal outcome (delivered, delivery failed, rejected);
 * - every delivered billable message has exactly one charge, of the right amount; nothing else is charged.
 * Returns one line per violation (none when all hold).
 */
export function violations(events: readonly StoredEvent[], acknowledged: ReadonlyMap<string, Acknowledged>, expectedCharge: ExpectedCharge): string[] {
  const requested = new Set<string>();
  const terminal = new Map<string, string[]>();
  const charges = new Map<string, number[]>();
  for (const { type, data } of events) {
    const id = data.messageId as string | undefined;
    if (id === undefined) continue;
    if (type === 'MessageRequested') requested.add(id);
    if (TERMINAL.has(type)) terminal.set(id, [...(terminal.get(id) ?? []), type]);
    if (type === 'MessageCharged') charges.set(id, [...(charges.get(id) ?? []), data.amountMicros as number]);
  }
  const found: string[] = [];
  for (const message of acknowledged.values()) {
    const { id } = message;
    if (!requested.has(id)) found.push(`${id}: acknowledged (202) but never requested in the store`);
    const outcomes = terminal.get(id) ?? [];
    if (outcomes.length !== 1) found.push(`${id}: ${outcomes.length} terminal outcomes (${outcomes.join(', ') || 'none'})`);
    const charged = charges.get(id) ?? [];
    const expected = outcomes[0] === 'MessageDelivered' ? expectedCharge(message) : null;
    if (expected === null && charged.length > 0) found.push(`${id}: charged ${charged.join(', ')} but ${outcomes[0] ?? 'not delivered'} and not billable`);
    if (expected !== null && (charged.length !== 1 || charged[0] !== expected)) {
      found.push(`${id}: expected one charge of ${expected} micros, found [${charged.join(', ')}]`);
    }
  }
  // Charges for messages outside the load (a request whose 202 was lost in a crash) must still be single.
  for (const [id, charged] of charges) if (charged.length > 1) found.push(`${id}: charged ${charged.length} times`);
  return [...new Set(found)];
}

/** Rows of two copies of the same tables, compared as sets of rows (order-free, engine-agnostic). */
export function tableDifferences(table: string, live: readonly unknown[], rebuilt: readonly unknown[]): string[] {
  const key = (row: unknown) => JSON.stringify(row);
  const liveRows = new Set(live.map(key));
  const rebuiltRows = new Set(rebuilt.map(key));
  const onlyLive = [...liveRows].filter((row) => !rebuiltRows.has(row));
  const onlyRebuilt = [...rebuiltRows].filter((row) => !liveRows.has(row));
  return [
    ...onlyLive.slice(0, 5).map((row) => `${table}: live row not rebuilt: ${row}`),
    ...onlyRebuilt.slice(0, 5).map((row) => `${table}: rebuilt row not live: ${row}`),
    ...(live.length !== rebuilt.length ? [`${table}: ${live.length} live rows, ${rebuilt.length} rebuilt`] : []),
  ];
}
