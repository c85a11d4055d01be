import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../contract/event-store.contract';
import type { NewEvent } from '../event';
import { SqliteEventStore } from './sqlite-event-store';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-event-store-'));
  dirs.push(dir);
  return join(dir, 'events.db');
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const event = (type = 'Tested'): NewEvent => ({
  id: randomUUID(),
  type,
  data: { at: Date.now() },
  metadata: { time: new Date().toISOString(), correlationId: 'c', causationId: 'c' },
});

eventStoreContract('SqliteEventStore', () => SqliteEventStore.open({ file: tempFile() }));
eventStoreContract('SqliteEventStore (synchronous NORMAL)', () =>
  SqliteEventStore.open({ file: tempFile(), synchronous: 'NORMAL' }),
);

describe('SqliteEventStore on disk', () => {
  it('keeps everything across close and reopen, and positions continue', async () => {
    const file = tempFile();
    const first = await SqliteEventStore.open({ file });
    await first.append('order-1', [event(), event()], 'no_stream');
    await first.append('order-2', [event()], 'no_stream');
    await first.checkpoints.save('mailer', 2);
    const before = await first.readAll({ after: 0, limit: 100 });
    await first.close();

    const reopened = await SqliteEventStore.open({ file });
    try {
      expect(await reopened.readAll({ after: 0, limit: 100 })).toEqual(before);
      expect(await reopened.headPosition()).toBe(3);
      expect(await reopened.checkpoints.load('mailer')).toBe(2);
      expect((await reopened.readStream('order-1')).revision).toBe(1);
      await expect(reopened.append('order-1', [event()], 'no_stream')).rejects.toMatchObject({ actual: 1 });
      expect(await reopened.append('order-1', [event()], 1)).toEqual({ nextExpectedRevision: 2, position: 4 });
    } finally {
      await reopened.close();
    }
  });

  it('sees appends made through another connection to the same file', async () => {
    const file = tempFile();
    const writer = await SqliteEventStore.open({ file });
    const reader = await SqliteEventStore.open({ file });
    try {
      await writer.append('s', [event()], 'no_stream');
      expect(await reader.headPosition()).toBe(1);
      await expect(reader.append('s', [event()], 'no_stream')).rejects.toMatchObject({ actual: 0 });

      // No in-process notification crosses connections: the wait times out and the next poll sees the append.
      const waiting = reader.waitForAppend(1, 300);
      await writer.append('s', [event()], 0);
      await waiting;
      expect(await reader.readAll({ after: 1, limit: 10 })).toHaveLength(1);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('releases pending waits on close', async () => {
    const store = await SqliteEventStore.open({ file: tempFile() });
    const started = Date.now();
    const waiting = store.waitForAppend(0, 60_000);
    await store.close();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
