import type { RecordedEvent } from '@ventana/event-store';
import { fromKafkaRecord, toKafkaRecord, typeOfRecord } from './cloud-events';
import { routeOf } from './routing';

const event = (over: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id: '7d1c5c57-7a39-4b8e-9a52-1c9a3c1d2e01',
  type: 'MessageAccepted',
  data: { businessId: 'b1', waId: '447700900123', messageId: 'm1' },
  schemaVersion: 2,
  streamName: 'message-m1',
  revision: 3,
  position: 4711,
  metadata: { time: '2026-11-22T10:00:00.000Z', correlationId: 'c1', causationId: 'k1' },
  ...over,
});

describe('events on Kafka (CloudEvents binary mode)', () => {
  it('carries the required CloudEvents attributes as ce_ headers', () => {
    const { headers } = toKafkaRecord(event(), 'key');
    expect(headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: '7d1c5c57-7a39-4b8e-9a52-1c9a3c1d2e01',
      ce_type: 'MessageAccepted',
      ce_source: 'ventana',
      ce_time: '2026-11-22T10:00:00.000Z',
      'content-type': 'application/json',
    });
  });

  it('round-trips every envelope field through a record', () => {
    const original = event();
    const record = toKafkaRecord(original, 'key');
    const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]));
    expect(fromKafkaRecord(record.value, headers)).toEqual(original);
    expect(typeOfRecord(headers)).toBe('MessageAccepted');
  });

  it('refuses a record that is not a Ventana event', () => {
    expect(() => fromKafkaRecord(Buffer.from('{}'), { ce_type: 'X' })).toThrow(/ce_id/);
  });
});

describe('routing', () => {
  it('keys a message event by its conversation and partitions it by business', () => {
    expect(routeOf(event())).toEqual({ key: 'conversation-b1-447700900123', partitionKey: 'b1' });
  });

  it('keys a business event by its stream, partitioned with the business', () => {
    expect(routeOf(event({ streamName: 'business-b1', data: { businessId: 'b1' } }))).toEqual({ key: 'business-b1', partitionKey: 'b1' });
  });

  it('keys an event of no business by its stream', () => {
    expect(routeOf(event({ streamName: 'rate-cards', data: { version: 1 } }))).toEqual({ key: 'rate-cards', partitionKey: 'rate-cards' });
  });
});
