import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageEvent } from '@ventana/domain';
import { type Causation, type EventStore, SqliteEventStore } from '@ventana/event-store';
import { PostgresDatabase, type SqlDatabase, SqliteDatabase } from '@ventana/projections';
import { Streams, businessIdFor } from '@ventana/platform';
import { createTestSchema, describeWithPostgres } from '../../../../test/support/infra';
import { DELIVERY_MIGRATIONS, migrateDeliveryState } from '../delivery-schema';
import { DeviceInbox, INBOX_CLAIM_MS } from './device-inbox';

/**
 * Two delivery processes share one inbox table: every message reaches the device through exactly
 * one fetch, and a message handed over is never also given up by the expiry pass.
 */

interface Instances {
  /** Two handles on one database, as two delivery processes hold them. */
  a: SqlDatabase;
  b: SqlDatabase;
  close(): Promise<void>;
}

const PHONES = ['+4470000001', '+4470000002'];
const causation = (): Causation => {
  const id = randomUUID();
  return { correlationId: id, causationId: id, time: new Date().toISOString() };
};

/** Messages priced and sent in the store, waiting in the inbox table (what the reactor leaves there). */
async function seed(store: EventStore, db: SqlDatabase, waId: string, count: number, sentAt: (i: number) => string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const messageId = `m-${randomUUID()}`;
    const phone = PHONES[i % PHONES.length];
    const ref = { messageId, businessId: businessIdFor(phone), waId };
    const at = sentAt(i);
    const events: MessageEvent[] = [
      {
        type: 'MessagePriced',
        data: {
          ...ref,
          at,
          market: 'GB',
          amountMicros: 20_000,
          rateCardVersion: 1,
          category: 'utility',
          pricingType: 'regular',
          billable: true,
          currency: 'USD',
        },
      },
      { type: 'MessageSent', data: { ...ref, at } },
    ];
    await store.append(
      Streams.message(messageId),
      events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata: causation() })),
      'no_stream',
    );
    const item = { id: messageId, from: phone, sender_public_key: 'key', type: 'text', text: { ciphertext: 'c', nonce: 'n' }, sent_at: at };
    await db.transaction((tx) =>
      tx.run(`INSERT INTO delivery_inbox (message_id, wa_id, item, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`, [
        messageId,
        waId,
        JSON.stringify(item),
        at,
      ]),
    );
    ids.push(messageId);
  }
  return ids;
}

/** The delivery facts the store holds for a message. */
async function facts(store: EventStore, messageId: string): Promise<string[]> {
  const { events } = await store.readStream(Streams.message(messageId));
  return events.map((e) => e.type).filter((type) => type === 'MessageDelivered' || type === 'MessageDeliveryFailed');
}

const idsOf = (items: unknown[]) => items.map((item) => (item as { id: string }).id);
const counts = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

function inboxConcurrency(engine: string, open: () => Promise<Instances>): void {
  describe(`DeviceInbox, two instances on one ${engine} database`, () => {
    let dir: string;
    let store: SqliteEventStore;
    let dbs: Instances;
    let inboxes: [DeviceInbox, DeviceInbox];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ventana-inbox-'));
      store = await SqliteEventStore.open({ file: join(dir, 'events.db') });
      dbs = await open();
      // Both processes start at once: each migration is applied once.
      const applied = await Promise.all([migrateDeliveryState(dbs.a), migrateDeliveryState(dbs.b)]);
      expect(applied.flat().sort()).toEqual(DELIVERY_MIGRATIONS.map((m) => m.version));
      inboxes = [new DeviceInbox(store, dbs.a), new DeviceInbox(store, dbs.b)];
    });
    afterAll(async () => {
      await dbs?.close();
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('hands every message to exactly one of many concurrent fetches, while new ones arrive', async () => {
      const customers = ['447700900001', '447700900002', '447700900003'];
      const expected: string[] = [];
      const handed: string[] = [];
      let seeding = true;
      const fetcher = async (waId: string, inbox: DeviceInbox) => {
        for (;;) {
          // Yield to timers: on SQLite a fetch of an empty inbox completes in microtasks alone.
          await new Promise((r) => setImmediate(r));
          const done = !seeding;
          handed.push(...idsOf(await inbox.fetch(waId, causation())));
          if (done) {
            const left = await dbs.a.one<{ n: number }>(`SELECT count(*) AS n FROM delivery_inbox WHERE wa_id = ?`, [waId]);
            if (left?.n === 0) return;
          }
        }
      };
      const fetchers = customers.flatMap((waId) => Array.from({ length: 6 }, (_, i) => fetcher(waId, inboxes[i % 2])));
      for (let wave = 0; wave < 4; wave++) {
        for (const waId of customers)
          expected.push(...(await seed(store, wave % 2 ? dbs.a : dbs.b, waId, 10, () => new Date().toISOString())));
        await new Promise((r) => setTimeout(r, 20));
      }
      seeding = false;
      await Promise.all(fetchers);

      const times = counts(handed);
      expect([...times.values()].filter((n) => n > 1)).toEqual([]);
      expect([...times.keys()].sort()).toEqual([...expected].sort());
      for (const id of expected) expect(await facts(store, id)).toEqual(['MessageDelivered']);
      expect(await dbs.b.one(`SELECT count(*) AS n FROM delivery_inbox`)).toEqual({ n: 0 });
    });

    it('never lets a fetch and the expiry pass both take a message', async () => {
      const waId = '447700900010';
      const old = Date.parse('2026-01-01T00:00:00.000Z');
      const ids = await seed(store, dbs.a, waId, 60, (i) => new Date(old + i * 1000).toISOString());
      const cutoff = old + 3_600_000;
      const [fetched, expired] = await Promise.all([
        Promise.all(Array.from({ length: 4 }, (_, i) => inboxes[i % 2].fetch(waId, causation()))).then((all) => all.flatMap(idsOf)),
        Promise.all(Array.from({ length: 4 }, (_, i) => inboxes[(i + 1) % 2].expire(cutoff, causation()))).then((all) =>
          all.reduce((x, y) => x + y, 0),
        ),
      ]);
      expect(new Set(fetched).size).toBe(fetched.length);
      expect(fetched.length + expired).toBe(60);
      for (const id of ids) expect(await facts(store, id)).toEqual(fetched.includes(id) ? ['MessageDelivered'] : ['MessageDeliveryFailed']);
      expect(await dbs.a.one(`SELECT count(*) AS n FROM delivery_inbox WHERE wa_id = ?`, [waId])).toEqual({ n: 0 });
    });

    it("takes over a dead holder's rows once its lease ended, and leaves a live holder's alone", async () => {
      const waId = '447700900020';
      const [dead, live] = await seed(store, dbs.a, waId, 2, () => new Date().toISOString());
      const now = Date.now();
      await dbs.a.transaction(async (tx) => {
        await tx.run(`UPDATE delivery_inbox SET claimed_by = ?, claimed_until = ? WHERE message_id = ?`, ['crashed', now - 1, dead]);
        await tx.run(`UPDATE delivery_inbox SET claimed_by = ?, claimed_until = ? WHERE message_id = ?`, [
          'busy',
          now + INBOX_CLAIM_MS,
          live,
        ]);
      });
      expect(idsOf(await inboxes[1].fetch(waId, causation()))).toEqual([dead]);
      expect(await dbs.a.all(`SELECT message_id, claimed_by FROM delivery_inbox WHERE wa_id = ?`, [waId])).toEqual([
        { message_id: live, claimed_by: 'busy' },
      ]);
      await dbs.a.transaction((tx) => tx.run(`DELETE FROM delivery_inbox WHERE message_id = ?`, [live]));
    });

    it('releases what a failed fetch claimed, for the next fetch', async () => {
      const waId = '447700900030';
      const ids = await seed(store, dbs.a, waId, 3, (i) => new Date(Date.UTC(2026, 5, 1, 0, 0, i)).toISOString());
      let failing = true;
      const flaky = new Proxy(store, {
        get: (target, key) =>
          key === 'readStream' && failing ? () => Promise.reject(new Error('store unavailable')) : Reflect.get(target, key, target),
      }) as EventStore;
      await expect(new DeviceInbox(flaky, dbs.b).fetch(waId, causation())).rejects.toThrow('store unavailable');
      expect(await dbs.a.all(`SELECT claimed_by, claimed_until FROM delivery_inbox WHERE wa_id = ?`, [waId])).toEqual(
        ids.map(() => ({ claimed_by: null, claimed_until: null })),
      );
      failing = false;
      expect(idsOf(await inboxes[0].fetch(waId, causation()))).toEqual(ids);
    });
  });
}

describeWithPostgres()('on PostgreSQL', () => {
  inboxConcurrency('PostgreSQL', async () => {
    const schema = await createTestSchema('inbox');
    const a = new PostgresDatabase({ connectionString: schema.url, max: 4 });
    const b = new PostgresDatabase({ connectionString: schema.url, max: 4 });
    return {
      a,
      b,
      close: async () => {
        await a.close();
        await b.close();
        await schema.drop();
      },
    };
  });
});

describe('on SQLite', () => {
  // One handle shared by both instances: two better-sqlite3 handles in one process would wait for
  // each other's locks synchronously (see SqlContractTarget.open); separate processes do not.
  inboxConcurrency('SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventana-inbox-sqlite-'));
    const db = new SqliteDatabase(join(dir, 'delivery.db'));
    return {
      a: db,
      b: db,
      close: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});
