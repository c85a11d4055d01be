import type { RecordedEvent } from '@ventana/event-store';

/**
 * Events on Kafka in CloudEvents' binary content mode: the value is the event's data as JSON, the
 * envelope travels in `ce_*` headers. Ventana's own envelope fields are CloudEvents extension
 * attributes (lower-case letters only, as the spec requires).
 */
export interface KafkaRecord {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export const CE_SOURCE = 'ventana';

export function toKafkaRecord(event: RecordedEvent, key: string): KafkaRecord {
  return {
    key,
    value: Buffer.from(JSON.stringify(event.data ?? null)),
    headers: {
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_type: event.type,
      ce_source: CE_SOURCE,
      ce_time: event.metadata.time,
      ce_subject: event.streamName,
      ce_dataschemaversion: String(event.schemaVersion),
      ce_correlationid: event.metadata.correlationId,
      ce_causationid: event.metadata.causationId,
      ce_streamrevision: String(event.revision),
      ce_position: String(event.position),
      'content-type': 'application/json',
    },
  };
}

type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export function fromKafkaRecord(value: Buffer | null, rawHeaders: RawHeaders | undefined): RecordedEvent {
  const header = (name: string): string => {
    const raw = rawHeaders?.[name];
    const one = Array.isArray(raw) ? raw[0] : raw;
    if (one === undefined) throw new Error(`Kafka record without the ${name} header: not a Ventana event`);
    return one.toString();
  };
  return {
    id: header('ce_id'),
    type: header('ce_type'),
    data: value ? JSON.parse(value.toString()) : null,
    schemaVersion: Number(header('ce_dataschemaversion')),
    streamName: header('ce_subject'),
    revision: Number(header('ce_streamrevision')),
    position: Number(header('ce_position')),
    metadata: { time: header('ce_time'), correlationId: header('ce_correlationid'), causationId: header('ce_causationid') },
  };
}

/** The type of a record, read without parsing its value (consumers skip types they do not handle). */
export function typeOfRecord(rawHeaders: RawHeaders | undefined): string | undefined {
  const raw = rawHeaders?.ce_type;
  return (Array.isArray(raw) ? raw[0] : raw)?.toString();
}

/** The events of the wanted types among `records`, in their order; the values of the others are never parsed. */
export function decodeRecords(records: readonly { value: Buffer | null; headers?: RawHeaders }[], types: readonly string[]): RecordedEvent[] {
  const wanted = new Set(types);
  return records.filter((r) => wanted.has(typeOfRecord(r.headers) ?? '')).map((r) => fromKafkaRecord(r.value, r.headers));
}
