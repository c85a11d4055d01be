import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@ventana/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, SqliteDatabase, projectorName } from '@ventana/projections';
import { copyDataDir, tableRows } from '../support/data-dir';
import { startPlatform, type TestPlatform } from '../support/platform-process';
import { Scenario } from '../support/scenario';
import { STANDARD_CARD, expectStatus, phone } from '../support/world';
import { StoreSubscriptions } from '@ventana/subscriptions';

/**
 * Rebuilding any projection from the beginning of the log gives exactly the live result: the rows
 * the running platform built, event by event, are the rows a replay builds.
 */
/** Every projection table; `filled` ones must hold rows after the scenario below, so their comparison means something. */
const TABLES: { table: string; orderBy: string; filled: boolean }[] = [
  { table: 'businesses', orderBy: 'id', filled: true },
  { table: 'conversations', orderBy: 'business_id, wa_id', filled: true },
  { table: 'messages', orderBy: 'id', filled: true },
  { table: 'charges', orderBy: 'message_id', filled: true },
  { table: 'invoice_lines', orderBy: 'business_id, month, market, category, pricing_type', filled: true },
  { table: 'invoice_adjustments', orderBy: 'business_id, month, for_month, market, category, pricing_type', filled: false },
  { table: 'invoices', orderBy: 'business_id, month', filled: true },
  { table: 'templates', orderBy: 'id', filled: true },
  { table: 'limit_reach', orderBy: 'business_id, wa_id', filled: true },
  { table: 'limit_blocks', orderBy: 'business_id, wa_id', filled: false },
  { table: 'limit_recent_acceptances', orderBy: 'message_id', filled: true },
];

/** Waits until every projection has handled the whole log (`upToDate` answers false after a short wait). */
async function untilUpToDate(runner: ProjectionRunner): Promise<void> {
  for (let attempt = 0; !(await runner.upToDate()); attempt++) {
    if (attempt > 30) throw new Error('projections did not catch up with the log');
  }
}

const projectionCheckpoints = (file: string) =>
  tableRows(file, 'subscription_checkpoints', 'name').filter((row) =>
    ALL_PROJECTIONS.some((p) => projectorName(p.name) === (row as { name: string }).name),
  );

describe('projections rebuilt from the log', () => {
  let platform: TestPlatform;
  let live: string;
  const copies: string[] = [];
  const copyOf = (dir: string) => {
    const copy = copyDataDir(dir);
    copies.push(copy);
    return copy;
  };

  beforeAll(async () => {
    platform = await startPlatform();
    const world = new Scenario(platform);
    await world.rateCard();

    const shop = await world.business();
    const bakery = await world.business();
    const alice = await world.customer(phone('44'));
    const ravi = await world.customer(phone('91'));
    const bob = await world.customer(phone('44'));
    const zed = await world.customer(phone('55')); // rest of world
    const delivered: { b: typeof shop; c: typeof alice; ids: string[] }[] = [];
    const decide = async (b: typeof shop, c: typeof alice, r: Promise<{ id: string; status: string }>) => {
      const m = await r;
      if (m.status !== 'failed') delivered.push({ b, c, ids: [m.id] });
      return m;
    };

    // Templates in every review state, one re-categorised by the operator.
    const promo = await world.template(shop, 'MARKETING');
    const notice = await world.template(shop, 'UTILITY', 'APPROVED', { body: 'Order {{1}} ships {{2}}' });
    const otp = await world.template(shop, 'AUTHENTICATION');
    const disguised = await world.template(shop, 'UTILITY', 'PENDING', { body: 'Big sale {{1}}' });
    expectStatus(await world.review(disguised.id, 'APPROVED', 'MARKETING'), 200);
    await world.template(shop, 'MARKETING', 'PAUSED');
    await world.template(shop, 'UTILITY', 'REJECTED');
    await world.template(shop, 'MARKETING', 'DISABLED');
    const bakeryPromo = await world.template(bakery, 'MARKETING');

    // Inside the window: free service text, free utility, paid marketing and authentication.
    await world.inbound(alice, shop, 'hello');
    await decide(shop, alice, world.sentText(shop, alice, 'hi alice'));
    await decide(shop, alice, world.decidedTemplate(shop, alice, notice));
    await decide(shop, alice, world.decidedTemplate(shop, alice, promo));
    await decide(shop, alice, world.decidedTemplate(shop, alice, otp));
    await decide(shop, alice, world.decidedTemplate(shop, alice, disguised));
    // A free entry point from an ad.
    await world.inbound(ravi, shop, 'saw your ad', { source_type: 'ad', source_id: 'campaign-1' });
    await decide(shop, ravi, world.sentText(shop, ravi, 'welcome'));
    await decide(shop, ravi, world.decidedTemplate(shop, ravi, promo));
    // Consent by opt-in, then opted out; a block; a marketing stop and resume.
    expectStatus(await world.optIn(shop, bob, 'website'), 201);
    await decide(shop, bob, world.decidedTemplate(shop, bob, notice));
    expectStatus(await world.optOut(shop, bob), 204);
    expect(Scenario.code(await world.decidedTemplate(shop, bob, notice))).toBe(1001);
    await world.inbound(zed, shop, 'hi');
    expectStatus(await world.block(zed, shop), 204);
    expect(Scenario.code(await world.sentText(shop, zed, 'blocked'))).toBe(131026);
    expectStatus(await world.unblock(zed, shop), 204);
    expectStatus(await world.marketing(zed, shop, 'stop'), 204);
    expect(Scenario.code(await world.decidedTemplate(shop, zed, promo))).toBe(131050);
    expectStatus(await world.marketing(zed, shop, 'resume'), 204);
    await decide(shop, zed, world.decidedTemplate(shop, zed, promo));
    // Another business, the same customer.
    await world.inbound(alice, bakery, 'hello bakery');
    await decide(bakery, alice, world.decidedTemplate(bakery, alice, bakeryPromo));

    // Delivered (and some read), then a day later, outside the window, with a newer rate card.
    for (const { b, c, ids } of delivered) await world.deliver(b, c, ...ids);
    expectStatus(await world.receipt(alice, delivered[0].ids[0]), 204);
    await world.advance(25 * 3600);
    const now = new Date(await world.now()).toISOString();
    await world.rateCard(now, {
      ...STANDARD_CARD,
      markets: STANDARD_CARD.markets.map((m) => ({ ...m, prices: { ...m.prices, marketing: '0.09' } })),
    });
    expect(Scenario.code(await world.sentText(shop, alice, 'window closed'))).toBe(131047);
    const late = await world.decidedTemplate(shop, alice, promo);
    await world.deliver(shop, alice, late.id);
    expect((await world.charged(shop, late.id)).charge).toEqual(expect.objectContaining({ amount_micros: 90000, rate_card_version: 2 }));
    const waiting = await world.decidedTemplate(shop, zed, promo); // handed over, never fetched
    await world.settled(shop, waiting.id, ['sent']);
    await world.pricingBarrier();

    await platform.stop('SIGTERM');
    live = copyOf(platform.dataDir);
  }, 120_000);
  afterAll(async () => {
    await platform.stop();
    for (const copy of copies) rmSync(copy, { recursive: true, force: true });
  });

  it('compares every table a projection owns', () => {
    expect(ALL_PROJECTIONS.flatMap((p) => p.tables).sort()).toEqual(TABLES.map((t) => t.table).sort());
  });

  it('the live read models hold a meaningful workload', () => {
    const readModels = join(live, 'read-models.db');
    for (const { table, orderBy } of TABLES.filter((t) => t.filled))
      expect({ table, rows: tableRows(readModels, table, orderBy).length > 0 }).toEqual({ table, rows: true });
    const statuses = new Set(tableRows(readModels, 'messages', 'id').map((m) => (m as { status: string }).status));
    expect([...statuses].sort()).toEqual(['delivered', 'failed', 'read', 'sent']);
  });

  it('replaying the whole log into an empty database gives the same rows, table by table', async () => {
    const copy = copyOf(live);
    const store = await SqliteEventStore.open({ file: join(copy, 'events.db') });
    const rebuiltFile = join(copy, 'rebuilt.db');
    const rebuilt = new SqliteDatabase(rebuiltFile);
    const failures: string[] = [];
    const runner = new ProjectionRunner(rebuilt, store, new StoreSubscriptions(store), ALL_PROJECTIONS, (name, error) =>
      failures.push(`${name}: ${String(error)}`),
    );
    try {
      await runner.start();
      await untilUpToDate(runner);
    } finally {
      await runner.stop();
      await rebuilt.close();
      await store.close();
    }

    expect(failures).toEqual([]);
    const liveFile = join(live, 'read-models.db');
    for (const { table, orderBy } of TABLES) {
      expect({ table, rows: tableRows(rebuiltFile, table, orderBy) }).toEqual({ table, rows: tableRows(liveFile, table, orderBy) });
    }
    expect(projectionCheckpoints(rebuiltFile)).toEqual(projectionCheckpoints(liveFile));
  });

  it('ProjectionRunner.rebuild(name) on a copy of the live database gives the same rows, projection by projection', async () => {
    const copy = copyOf(live);
    const store = await SqliteEventStore.open({ file: join(copy, 'events.db') });
    const copyFile = join(copy, 'read-models.db');
    const db = new SqliteDatabase(copyFile);
    const failures: string[] = [];
    const runner = new ProjectionRunner(db, store, new StoreSubscriptions(store), ALL_PROJECTIONS, (name, error) =>
      failures.push(`${name}: ${String(error)}`),
    );
    const liveFile = join(live, 'read-models.db');
    try {
      await runner.start();
      await untilUpToDate(runner);
      for (const projection of ALL_PROJECTIONS) {
        await runner.rebuild(projection.name);
        await untilUpToDate(runner);
        for (const table of projection.tables) {
          const { orderBy } = TABLES.find((t) => t.table === table)!;
          expect({ projection: projection.name, table, rows: await db.all(`SELECT * FROM ${table} ORDER BY ${orderBy}`) }).toEqual({
            projection: projection.name,
            table,
            rows: tableRows(liveFile, table, orderBy),
          });
        }
      }
    } finally {
      await runner.stop();
      await db.close();
      await store.close();
    }
    expect(failures).toEqual([]);
    expect(projectionCheckpoints(copyFile)).toEqual(projectionCheckpoints(liveFile));
  });
});
