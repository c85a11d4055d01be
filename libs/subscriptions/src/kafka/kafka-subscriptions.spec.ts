import { type NewEvent, type RecordedEvent, SqliteEventStore } from '@ventana/event-store';
import { PostgresDatabase, type SqlExecutor } from '@ventana/projections';
import { Client } from 'pg';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_KAFKA_BROKERS, type TestSchema, createTestSchema, describeWithPostgresAndKafka } from '../../../../test/support/infra';
import { Relay, relayLeaseName } from '../relay/relay';
import type { ProjectorSpec, Subscription } from '../subscriptions';
import { toKafkaRecord } from './cloud-events';
import { type KafkaSettings, ensureTopic, kafkaClient } from './kafka-client';
import { KafkaSubscriptions } from './kafka-subscriptions';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

const message = (businessId: string, waId: string, n: number): NewEvent => ({
  id: randomUUID(),
  type: 'MessageRequested',
  data: { businessId, waId, n },
  metadata: { time: new Date().toISOString(), correlationId: randomUUID(), causationId: randomUUID() },
});

describeWithPostgresAndKafka()('relay and Kafka subscriptions (real broker, real PostgreSQL)', () => {
  let schema: TestSchema;
  let store: SqliteEventStore;
  let settings: KafkaSettings;
  const closers: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    schema = await createTestSchema('subs');
    store = await SqliteEventStore.open({ file: join(mkdtempSync(join(tmpdir(), 'subs-')), 'events.db') });
    settings = {
      brokers: TEST_KAFKA_BROKERS.split(','),
      clientId: 'subscriptions-spec',
      topic: `spec.${randomUUID().slice(0, 8)}`,
      partitions: 3,
    };
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await store.close();
    await schema.drop();
  });

  const relay = () => {
    const r = new Relay({ store, kafka: kafkaClient(settings, log), settings, leaseDatabaseUrl: schema.url, log });
    r.start();
    closers.push(() => r.stop());
    return r;
  };
  const subscriptions = () => {
    const s = new KafkaSubscriptions(kafkaClient(settings, log), settings, store, log);
    closers.push(() => s.close());
    return s;
  };
  const stopLater = (s: Subscription) => {
    closers.push(() => s.stop());
    return s;
  };
  /** A projection's table that records every event applied to it, and what it then holds. */
  const appliedTable = async () => {
    const db = new PostgresDatabase(schema.url);
    closers.push(() => db.close());
    await db.run(`CREATE TABLE applied (event_id TEXT NOT NULL, position BIGINT NOT NULL)`);
    const apply = async (tx: SqlExecutor, batch: readonly RecordedEvent[]) => {
      for (const e of batch) await tx.run(`INSERT INTO applied (event_id, position) VALUES (?, ?)`, [e.id, e.position]);
    };
    const recorder = (name: string): ProjectorSpec => ({
      name,
      types: ['MessageRequested'],
      db,
      handle: (batch, commit) => commit((tx) => apply(tx, batch)),
    });
    const count = async () => Number((await db.one<{ n: number }>(`SELECT count(*) AS n FROM applied`))!.n);
    const timesApplied = () => db.all<{ event_id: string; n: number }>(`SELECT event_id, count(*) AS n FROM applied GROUP BY event_id`);
    return { db, apply, recorder, count, timesApplied };
  };
  /** 3 businesses × 4 customers × 5 messages, each conversation on its own stream. */
  const appendConversations = async (round = 0) => {
    for (let m = 0; m < 5; m++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 4; c++)
          await store.append(`conversation-b${b}-${c}`, [message(`b${b}`, `4477009000${c}`, round * 5 + m)], 'any');
    return 60;
  };

  it('delivers every event to a reactor group, in order within each conversation', async () => {
    const total = await appendConversations();
    relay();
    const seen: RecordedEvent[] = [];
    stopLater(subscriptions().react({ name: 'order', types: ['MessageRequested'], handle: async (e) => void seen.push(e) }));
    await until('all events reacted to', () => seen.length >= total);

    expect(new Set(seen.map((e) => e.id)).size).toBe(total);
    const byConversation = new Map<string, number[]>();
    for (const e of seen) {
      const numbers = byConversation.get(e.streamName) ?? [];
      numbers.push((e.data as { n: number }).n);
      byConversation.set(e.streamName, numbers);
    }
    for (const numbers of byConversation.values()) expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  /**
   * Event 0 reaches a reactor whose first handling of it stalls as `stall` does; then event 1 is
   * appended. Returns what the reactor handled, a moment after event 1 (a redelivery would be in).
   */
  const handledAroundAStall = async (name: string, stall: () => unknown): Promise<number[]> => {
    const stream = `conversation-${name}`;
    await store.append(stream, [message('b0', '447700900000', 0)], 'any');
    relay();
    const handled: number[] = [];
    let stalled = false;
    stopLater(
      subscriptions().react({
        name,
        types: ['MessageRequested'],
        handle: async (e) => {
          const n = (e.data as { n: number }).n;
          if (n === 0 && !stalled) {
            stalled = true;
            await stall();
          }
          handled.push(n);
        },
      }),
    );
    await until('the stalled batch handled', () => handled.length >= 1, 60_000);
    await store.append(stream, [message('b0', '447700900000', 1)], 'any');
    await until('the next event handled', () => handled.includes(1), 60_000);
    await sleep(1000);
    return handled;
  };

  it('keeps its member through a batch that takes longer than the session timeout (10 s): handled once, then the next', async () => {
    // A session without heartbeats would expire meanwhile.
    expect(await handledAroundAStall('slow', () => sleep(12_000))).toEqual([0, 1]);
  }, 120_000);

  it('replaces a consumer that lost its member (event loop blocked past the session), which goes on with the next event', async () => {
    const blockEventLoop = () => {
      // Nothing else runs meanwhile, heartbeats included: the coordinator drops the member.
      const until = Date.now() + 11_000;
      while (Date.now() < until);
    };
    // The lost member could not commit, so the new consumer fetches that batch again; the positions seen are skipped.
    expect(await handledAroundAStall('stuck', blockEventLoop)).toEqual([0, 1]);
  }, 120_000);

  it('has one active relay; the standby takes over when the active one dies', async () => {
    const first = relay();
    await until('one relay active', () => first.currentRole === 'active');
    const second = relay();
    await sleep(1500);
    expect(second.currentRole).toBe('standby');

    // Kill the active relay's database session, as a crash of its process would.
    const admin = new Client({ connectionString: schema.url });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state IS NOT NULL`, [
      `ventana-lease:${relayLeaseName(settings.topic)}`,
    ]);
    await admin.end();
    await until('the standby took over', () => second.currentRole === 'active' || first.currentRole === 'active');

    const total = await appendConversations();
    const seen = new Set<string>();
    stopLater(subscriptions().react({ name: 'takeover', types: ['MessageRequested'], handle: async (e) => void seen.add(e.id) }));
    await until('events relayed after the takeover', () => seen.size >= total);
  });

  it('applies each event exactly once to a projection across a crash between writing rows and committing', async () => {
    const { db, apply, recorder, count, timesApplied } = await appliedTable();
    const total = await appendConversations();
    relay();

    // First life: the process dies (its database session ends) after writing a batch's rows, before the commit.
    let crashed = false;
    const first = subscriptions().project({
      name: 'exactly-once',
      types: ['MessageRequested'],
      db,
      handle: (batch, commit) =>
        commit(async (tx) => {
          await apply(tx, batch);
          if (!crashed) {
            crashed = true;
            await tx.run(`SELECT pg_terminate_backend(pg_backend_pid())`);
          }
        }),
      onError: () => undefined,
    });
    await until('the crash happened', () => crashed);
    await first.stop();

    // Second life: same subscriber name, fresh consumer; and Kafka forgets the committed offsets too.
    const second = stopLater(subscriptions().project(recorder('exactly-once')));
    await until('every event applied', async () => (await count()) >= total);
    await second.stop();
    const admin = kafkaClient(settings, log).admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: `${settings.topic}.exactly-once`, topic: settings.topic, earliest: true });
    await admin.disconnect();
    stopLater(subscriptions().project(recorder('exactly-once')));
    await sleep(3000);

    const rows = await timesApplied();
    expect(rows).toHaveLength(total);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
  });

  it('applies once what a relay published twice, even when both copies arrive in one batch', async () => {
    const { recorder, count, timesApplied } = await appliedTable();
    const total = await appendConversations();
    // A relay that crashed before its checkpoint publishes the same stretch again: the log, then the log once more.
    const events = await store.readAll({ after: 0, limit: 1000 });
    const kafka = kafkaClient(settings, log);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopic(admin, settings);
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const records = events.map((e) => ({ ...toKafkaRecord(e, e.streamName), partition: 0 }));
    await producer.send({ topic: settings.topic, acks: -1, messages: [...records, ...records] });
    await producer.disconnect();

    stopLater(subscriptions().project(recorder('republished')));
    await until('every event applied', async () => (await count()) >= total);
    await sleep(1500); // the second copies have been fetched by now; none may land
    const rows = await timesApplied();
    expect(rows).toHaveLength(total);
    expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
  });
});
