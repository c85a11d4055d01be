import type { RecordedEvent } from '@ventana/event-store';
import { toKafkaRecord } from '@ventana/subscriptions';

/** Fields of event data that hold secrets or their hashes: an export is for analysts, not for signing in. */
const SECRET_FIELDS = new Set(['webhookSecret', 'apiKeyHash', 'deviceTokenHash']);

const redacted = (data: unknown): unknown => {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const entries = Object.entries(data as Record<string, unknown>);
  if (!entries.some(([key]) => SECRET_FIELDS.has(key))) return data;
  return Object.fromEntries(entries.map(([key, value]) => [key, SECRET_FIELDS.has(key) ? '[redacted]' : value]));
};

/** The event as the store records it: one JSON object per line. */
export const asNdjson = (event: RecordedEvent): string => JSON.stringify({ ...event, data: redacted(event.data) });

/**
 * A CloudEvents 1.0 event in its structured JSON form, one per line, with the same attributes the
 * relay puts on Kafka (binary mode's `ce_*` headers, cloud-events.ts), so both read alike.
 */
export function asCloudEvent(event: RecordedEvent): string {
  const { headers } = toKafkaRecord(event, event.streamName);
  const attributes = Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (name.startsWith('ce_') ? [[name.slice(3), value]] : [])));
  return JSON.stringify({ ...attributes, datacontenttype: 'application/json', data: redacted(event.data) });
}

export const FORMATS = { ndjson: asNdjson, cloudevents: asCloudEvent } as const;
export type Format = keyof typeof FORMATS;
