import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { SqliteEventStore } from '@ventana/event-store';
import { ALL_PROJECTIONS, projectorName } from '@ventana/projections';
import { TEST_KAFKA_BROKERS, describeWithPostgresAndKafka } from '../support/infra';
import { type TestPlatform, startDistributed } from '../support/platform-process';
import { type BusinessActor, type CustomerActor, Scenario, eventually, expectStatus, phone } from '../support/scenario';

/**
 * `replay --source kafka`, run for real (`node dist/apps/cli/src/main.js`) beside the running
 * distributed topology: every projection rebuilt from the topic its projectors consume, up to
 * their offsets, and swapped in while the gateway keeps answering; the live projectors go on
 * projecting into the swapped-in tables.
 */
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const TABLES = ALL_PROJECTIONS.flatMap((p) => p.tables);
const PROJECTORS = ALL_PROJECTIONS.map((p) => projectorName(p.name));

type Env = Record<string, string>;
interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The command line as a child process, awaited without blocking this one (the test reads the API meanwhile). */
function cli(env: Env, ...args: string[]): Promise<Run> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATA_DIR', 'KAFKA_BROKERS', 'KAFKA_TOPIC', 'EVENT_STORE', 'DATABASE_URL']) delete base[name];
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithPostgresAndKafka()('replay from Kafka on the distributed deployment (npm run cli -- replay --source kafka)', () => {
  let platform: Awaited<ReturnType<typeof startDistributed>>;
  let w: Scenario;
  let env: Env;
  let db: Client;
  let admin: ReturnType<Kafka['admin']>;
  let shop: BusinessActor;
  let alice: CustomerActor;
  const charged: string[] = [];
  /** A charged message of `shop`. */
  let shopMessage: string;
  let live: Record<string, string[]>;
  let liveOffsets: unknown[];
  let restarted: TestPlatform | undefined;

  /** Every projection table, each row as JSON, sorted: the read models' whole state. */
  const snapshot = async () => {
    const tables: Record<string, string[]> = {};
    for (const table of TABLES) tables[table] = (await db.query(`SELECT * FROM ${table}`)).rows.map((row) => JSON.stringify(row)).sort();
    return tables;
  };
  const projectorOffsets = async () =>
    (
      await db.query(
        `SELECT name, partition_id, next_offset, last_position FROM subscription_offsets WHERE topic = $1 AND name = ANY($2) ORDER BY name, partition_id`,
        [platform.topology.topic, PROJECTORS],
      )
    ).rows;
  const topicEnds = async () => new Map((await admin.fetchTopicOffsets(platform.topology.topic)).map((p) => [p.partition, p.high]));
  /**
   * Once the topic stops growing and every projector has read every partition to its end, the read
   * models stay as they are. After a rebuild to the head, a partition no record has reached `since`
   * keeps offset 0 (a projector is sent back there by a batch only).
   */
  const quiet = (since?: Map<number, string>) =>
    eventually(
      'projectors at the end of the topic',
      async () => {
        const before = JSON.stringify([...(await topicEnds())]);
        await sleep(500);
        const ends = await topicEnds();
        if (JSON.stringify([...ends]) !== before) return undefined;
        const offsets = (await projectorOffsets()) as { name: string; partition_id: number; next_offset: string }[];
        const at = (name: string, partition: number) => offsets.find((o) => o.name === name && o.partition_id === partition)?.next_offset;
        const done = PROJECTORS.every((name) =>
          [...ends].every(
            ([partition, end]) =>
              end === '0' || at(name, partition) === end || (since?.get(partition) === end && at(name, partition) === '0'),
          ),
        );
        return done || undefined;
      },
      30_000,
    );

  beforeAll(async () => {
    platform = await startDistributed();
    env = {
      KAFKA_BROKERS: TEST_KAFKA_BROKERS,
      KAFKA_TOPIC: platform.topology.topic,
      DATABASE_URL: platform.topology.databaseUrl,
      EVENT_STORE: 'postgres',
    };
    db = new Client({ connectionString: platform.topology.databaseUrl });
    await db.connect();
    admin = new Kafka({ clientId: 'e2e-replay', brokers: TEST_KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();

    // Traffic over several businesses (so over several partitions): templates, consent, deliveries, charges.
    w = new Scenario(platform);
    await w.rateCard();
    for (const countryCode of ['44', '91', '55']) {
      const business = await w.business();
      const customer = await w.customer(phone(countryCode));
      await w.inbound(customer, business, 'hello');
      for (const category of ['MARKETING', 'AUTHENTICATION', 'UTILITY'] as const) {
        const m = await w.decidedTemplate(business, customer, await w.template(business, category));
        expect(m.status).not.toBe('failed');
        await w.deliver(business, customer, m.id);
        if (m.pricing.billable) charged.push((await w.charged(business, m.id)).id);
      }
      [shop, alice, shopMessage] = [business, customer, charged.at(-1)!];
    }
    expectStatus(await w.block(alice, shop), 204);
    await w.pricingBarrier();
    await quiet();
    live = await snapshot();
    liveOffsets = await projectorOffsets();
  }, 180_000);

  afterAll(async () => {
    await admin?.disconnect();
    await db?.end();
    await restarted?.stop();
    await platform?.stop();
  });

  it('repairs tampered rows with exactly the live state, rebuilt from the topic while the gateway keeps answering', async () => {
    for (const table of ['charges', 'messages', 'conversations', 'templates', 'invoice_lines'])
      expect(live[table].length).toBeGreaterThan(0);
    expect([...(await topicEnds()).values()].filter((high) => high !== '0').length).toBeGreaterThan(1);
    await db.query('UPDATE charges SET amount_micros = amount_micros + 1 WHERE message_id = $1', [charged[0]]);
    await db.query('DELETE FROM conversations WHERE business_id = $1 AND wa_id = $2', [shop.id, alice.waId]);
    expect(await snapshot()).not.toEqual(live);

    const replay = cli(env, 'replay', '--all', '--source', 'kafka', '--json');
    let replaying = true;
    void replay.finally(() => (replaying = false));
    const answers: { status: number; body: unknown }[] = [];
    while (replaying) {
      answers.push(await w.charges(shop), await w.message(shop, shopMessage));
      await sleep(20);
    }
    const run = await replay;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ source: 'kafka', swapped: ALL_PROJECTIONS.map((p) => p.name) });
    expect(summary.eventsRead).toBeGreaterThan(0);
    console.log(`replay --source kafka: ${summary.eventsRead} events in ${summary.seconds} s, ${summary.events_per_s} events/s`);
    // The platform answered throughout.
    expect(answers.length).toBeGreaterThan(4);
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.body)).toEqual([]);

    expect(await snapshot()).toEqual(live);
    expect(await projectorOffsets()).toEqual(liveOffsets);
    const { rows: shadows } = await db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE '%shadow%'`,
    );
    expect(shadows).toEqual([]);
    // Its consumer group left, and committed nothing anywhere.
    expect((await admin.listGroups()).groups.filter((g) => g.groupId.includes('cli-replay'))).toEqual([]);
  });

  it('reads no event from the store: beside an empty one it rebuilds the same rows', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ventana-empty-store-'));
    try {
      await db.query('UPDATE charges SET amount_micros = 0 WHERE message_id = $1', [charged[1]]);
      const run = await cli({ ...env, EVENT_STORE: 'sqlite', DATA_DIR: empty }, 'replay', '--all', '--source', 'kafka');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^replayed \\d+ events from Kafka topic ${platform.topology.topic.replace(/\./g, '\\.')} in `));
      expect(await snapshot()).toEqual(live);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('leaves the live projectors projecting into the swapped-in tables', async () => {
    const bob = await w.customer(phone('44'));
    await w.inbound(bob, shop, 'after the replay');
    const m = await w.decidedTemplate(shop, bob, await w.template(shop, 'MARKETING'));
    await w.deliver(shop, bob, m.id);
    expect((await w.charged(shop, m.id)).charge).toEqual(expect.objectContaining({ amount_micros: expect.any(Number) }));
    const projected = async (sql: string, params: string[]) => ((await db.query(sql, params)).rowCount ? true : undefined);
    await eventually('the new charge row', () => projected('SELECT 1 FROM charges WHERE message_id = $1', [m.id]));
    await eventually('the new message row', () => projected(`SELECT 1 FROM messages WHERE id = $1 AND status = 'delivered'`, [m.id]));
    await eventually('the new conversation row', () =>
      projected('SELECT 1 FROM conversations WHERE business_id = $1 AND wa_id = $2', [shop.id, bob.waId]),
    );
  });

  it('refuses --source kafka on the embedded deployment, which has no topic (exit 2)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ventana-embedded-'));
    try {
      await (await SqliteEventStore.open({ file: join(dataDir, 'events.db') })).close();
      const run = await cli({ DATA_DIR: dataDir }, 'replay', '--all', '--source', 'kafka');
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/--source kafka needs the distributed deployment \(KAFKA_BROKERS\): the embedded one has no topic/);
      const unknown = await cli({ DATA_DIR: dataDir }, 'replay', '--all', '--source', 'elsewhere');
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toMatch(/Allowed choices are store, kafka/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rebuilds to the head of the topic with the platform stopped; started again, its projectors apply nothing twice', async () => {
    await quiet();
    const state = await snapshot();
    await platform.topology.stop();
    await db.query('UPDATE charges SET amount_micros = 0 WHERE message_id = $1', [charged[2]]);

    const run = await cli(env, 'replay', '--all', '--source', 'kafka', '--to-head', '--json');
    const rebuilt = await topicEnds();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(await snapshot()).toEqual(state);
    // Through the relay's checkpoint (all of the log: the relay stopped cleanly); the projectors are to read the topic again from offset 0.
    const { rows } = await db.query<{ position: string }>(`SELECT position FROM event_store_checkpoints WHERE name = 'relay'`);
    const published = rows[0].position;
    expect(new Set(Object.values(JSON.parse(run.stdout).through))).toEqual(new Set([Number(published)]));
    const offsets = (await projectorOffsets()) as { next_offset: string; last_position: string }[];
    expect(offsets.length).toBeGreaterThan(0);
    expect(offsets.every((o) => o.next_offset === '0' && o.last_position === published)).toBe(true);

    // Those checkpoints name positions past their offsets: a replay up to them reads on past the offsets.
    await db.query('DELETE FROM charges WHERE message_id = $1', [charged[2]]);
    expect((await cli(env, 'replay', '--all', '--source', 'kafka')).status).toBe(0);
    expect(await snapshot()).toEqual(state);

    // Started again, with new traffic, the projectors read the topic from offset 0: everything up to the rebuild's position is dropped.
    restarted = await platform.restart();
    const after = new Scenario(restarted);
    const newcomer = await after.business();
    const customer = await after.customer(phone('44'));
    await after.inbound(customer, newcomer, 'after the rebuild');
    const m = await after.decidedTemplate(newcomer, customer, await after.template(newcomer, 'MARKETING'));
    await after.deliver(newcomer, customer, m.id);
    await after.charged(newcomer, m.id);
    await quiet(rebuilt);
    const others = Object.fromEntries(
      Object.entries(await snapshot()).map(([table, r]) => [table, r.filter((row) => !row.includes(newcomer.id))]),
    );
    expect(others).toEqual(state);
  }, 120_000);
});
