import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS, projectorName } from '@ventana/projections';
import { countEvents, tableRows } from '../support/data-dir';
import { startPlatform, type TestPlatform } from '../support/platform-process';
import { type BusinessActor, type CustomerActor, Scenario, expectStatus, phone } from '../support/scenario';

/**
 * The analyst and finance command line, run for real (`node dist/apps/cli/src/main.js`) against the
 * data directory of a running embedded platform driven over HTTP.
 */
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

function cli(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  for (const name of ['KAFKA_BROKERS', 'EVENT_STORE', 'DATABASE_URL']) delete env[name];
  const run = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, json: () => JSON.parse(run.stdout) };
}

const lines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
const readModels = (platform: TestPlatform) => join(platform.dataDir, 'read-models.db');
const minutes = (n: number) => n * 60_000;
const at = (epochMs: number) => new Date(epochMs).toISOString();

describe('the command line (npm run cli)', () => {
  let platform: TestPlatform;
  let world: Scenario;
  let shop: BusinessActor;
  let alice: CustomerActor;
  let ravi: CustomerActor;
  let bob: CustomerActor;
  const timeline: Record<string, number> = {};
  let cswExpiresAt: string;
  const charged: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'ventana-cli-'));

  beforeAll(async () => {
    platform = await startPlatform();
    world = new Scenario(platform);
    await world.rateCard(); // v1: STANDARD_CARD (GB marketing 0.0529, authentication 0.0358; IN marketing 0.0107)
    shop = await world.business();
    alice = await world.customer(phone('44'));
    ravi = await world.customer(phone('91'));
    bob = await world.customer(phone('44'));
    const promo = await world.template(shop, 'MARKETING');
    const otp = await world.template(shop, 'AUTHENTICATION');
    const notice = await world.template(shop, 'UTILITY');

    // Billing: inside the window, two GB marketing, one GB authentication, one free utility; one IN marketing.
    await world.inbound(alice, shop, 'hello');
    await world.inbound(ravi, shop, 'hello');
    const sent = [
      { c: alice, m: await world.decidedTemplate(shop, alice, promo) },
      { c: alice, m: await world.decidedTemplate(shop, alice, promo) },
      { c: alice, m: await world.decidedTemplate(shop, alice, otp) },
      { c: alice, m: await world.decidedTemplate(shop, alice, notice) },
      { c: ravi, m: await world.decidedTemplate(shop, ravi, promo) },
    ];
    for (const { c, m } of sent) {
      expect(m.status).not.toBe('failed');
      await world.deliver(shop, c, m.id);
    }
    for (const { m } of sent.filter((s) => s.m.pricing.billable)) charged.push((await world.charged(shop, m.id)).id);
    // A published card not in force yet (a draft, for repricing): GB marketing 0.07, authentication 0.05, IN marketing 0.03.
    await world.rateCard('2099-01-01T00:00:00Z', {
      currency: 'USD',
      markets: [
        { market: 'IN', calling_codes: ['91'], prices: { marketing: '0.03', utility: '0.005', authentication: '0.01' } },
        { market: 'GB', calling_codes: ['44'], prices: { marketing: '0.07', utility: '0.02', authentication: '0.05' } },
        { market: 'ROW', calling_codes: ['*'], prices: { marketing: '0.06', utility: '0.008', authentication: '0.008' } },
      ],
    });

    // A conversation's history, an hour apart: inbound, block, unblock, marketing stopped, then (a day later) opt-out.
    timeline.beforeInbound = await world.now();
    await world.inbound(bob, shop, 'hi');
    cswExpiresAt = (await world.conversation(shop, bob)).body.customer_service_window.expires_at;
    timeline.block = await world.advance(3600);
    expectStatus(await world.block(bob, shop), 204);
    timeline.unblock = await world.advance(3600);
    expectStatus(await world.unblock(bob, shop), 204);
    timeline.stop = await world.advance(3600);
    expectStatus(await world.marketing(bob, shop, 'stop'), 204);
    timeline.optOut = await world.advance(25 * 3600);
    expectStatus(await world.optOut(shop, bob), 204);

    await world.pricingBarrier();
  }, 120_000);

  afterAll(async () => {
    await platform.stop();
    rmSync(work, { recursive: true, force: true });
  });

  describe('reconcile', () => {
    it('passes on the platform\'s own data: events, projection and invoices agree, and every charge traces to its delivery and card', () => {
      const run = cli(platform.dataDir, 'reconcile', '--json');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const report = run.json();
      expect(report.differences).toEqual([]);
      expect(report.log.charges).toBe(charged.length + 1); // and the barrier's
      expect(report.projection).toEqual(report.log);
      expect(report.invoice_lines.total_micros).toBe(report.log.total_micros);
      expect(cli(platform.dataDir, 'reconcile').stdout).toContain('reconciled: no difference');
    });

    it('fails, exit 1, printing the difference, once a read-model row is tampered with; a replay repairs it', () => {
      const db = new Database(readModels(platform));
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE charges SET amount_micros = amount_micros + 1 WHERE message_id = ?').run(charged[0]);
      db.close();

      const run = cli(platform.dataDir, 'reconcile');
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`DIFFERENCE charge_differs ${charged[0]}: amount_micros is 52900 in the log, 52901 in the charges projection`));
      expect(run.stdout).toContain('DIFFERENCE invoice_line_differs');
      const report = cli(platform.dataDir, 'reconcile', '--json').json();
      expect(report.differences.map((d: { kind: string; subject: string }) => d.kind).sort()).toEqual(['charge_differs', 'invoice_line_differs']);

      expect(cli(platform.dataDir, 'replay', 'charges').status).toBe(0);
      expect(cli(platform.dataDir, 'reconcile').status).toBe(0);
    });
  });

  describe('reprice', () => {
    const shopLines = (report: { lines: { business_id: string }[] }) => report.lines.filter((l) => l.business_id === shop.id);

    it('prices the period again with a card from a file and prints the difference per business, market and category', () => {
      const file = join(work, 'card.json');
      writeFileSync(
        file,
        JSON.stringify({
          currency: 'USD',
          markets: [
            { market: 'IN', calling_codes: ['91'], prices: { marketing: '0.02', utility: '0.005', authentication: '0.005' } },
            { market: 'GB', calling_codes: ['44'], prices: { marketing: '0.06', utility: '0.02', authentication: '0.04' } },
            { market: 'ROW', calling_codes: ['*'], prices: { marketing: '0.05', utility: '0.008', authentication: '0.008' } },
          ],
        }),
      );
      const eventsBefore = countEvents(platform.dataDir);
      const chargesBefore = tableRows(readModels(platform), 'charges', 'message_id');
      const run = cli(platform.dataDir, 'reprice', '--card', file, '--json');
      expect(run.status).toBe(0);
      expect(shopLines(run.json())).toEqual([
        { business_id: shop.id, market: 'GB', category: 'authentication', messages: 1, current_micros: 35_800, repriced_micros: 40_000, difference_micros: 4_200 },
        { business_id: shop.id, market: 'GB', category: 'marketing', messages: 2, current_micros: 105_800, repriced_micros: 120_000, difference_micros: 14_200 },
        { business_id: shop.id, market: 'IN', category: 'marketing', messages: 1, current_micros: 10_700, repriced_micros: 20_000, difference_micros: 9_300 },
      ]);
      // What-if only: nothing was written.
      expect(countEvents(platform.dataDir)).toBe(eventsBefore);
      expect(tableRows(readModels(platform), 'charges', 'message_id')).toEqual(chargesBefore);
      expect(cli(platform.dataDir, 'reprice', '--card', file).stdout).toMatch(/GB\s+marketing\s+2\s+105800\s+120000\s+\+14200/);
    });

    it('prices with a published card version not in force yet', () => {
      const run = cli(platform.dataDir, 'reprice', '--card-version', '2', '--json');
      expect(run.status).toBe(0);
      expect(shopLines(run.json()).map((l: any) => [l.market, l.category, l.repriced_micros, l.difference_micros])).toEqual([
        ['GB', 'authentication', 50_000, 14_200],
        ['GB', 'marketing', 140_000, 34_200],
        ['IN', 'marketing', 30_000, 19_300],
      ]);
    });

    it('refuses a card with a price outside 0.005–0.09 USD', () => {
      const file = join(work, 'bad-card.json');
      writeFileSync(file, JSON.stringify({ currency: 'USD', markets: [{ market: 'ROW', calling_codes: ['*'], prices: { marketing: '0.2', utility: '0.01', authentication: '0.01' } }] }));
      const run = cli(platform.dataDir, 'reprice', '--card', file);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/prices\.marketing must lie between 0\.005 and 0\.09/);
    });
  });

  describe('state-at', () => {
    it("gives the conversation's window, consent and block state at chosen past moments", () => {
      const moments = [
        timeline.beforeInbound - minutes(1),
        timeline.beforeInbound + minutes(30),
        timeline.block + minutes(30),
        timeline.unblock + minutes(30),
        timeline.stop + minutes(30),
        timeline.optOut + minutes(30),
      ].map(at);
      const run = cli(platform.dataDir, 'state-at', shop.phone, bob.waId, ...moments.flatMap((m) => ['--at', m]), '--json');
      expect(run.status).toBe(0);
      const states = run.json().states.map(({ events: _events, ...state }: { events: number }) => state);
      const open = { open: true, expires_at: cswExpiresAt };
      const closed = { open: false, expires_at: null };
      const base = { free_entry_point_window: closed, marketing_opt_out: false, blocked: false };
      const inbound = { granted: true, source: 'inbound_message' };
      expect(states).toEqual([
        { ...base, at: moments[0], customer_service_window: closed, consent: { granted: false, source: null } },
        { ...base, at: moments[1], customer_service_window: open, consent: inbound },
        { ...base, at: moments[2], customer_service_window: open, consent: inbound, blocked: true },
        { ...base, at: moments[3], customer_service_window: open, consent: inbound },
        { ...base, at: moments[4], customer_service_window: open, consent: inbound, marketing_opt_out: true },
        { ...base, at: moments[5], customer_service_window: closed, consent: { granted: false, source: null }, marketing_opt_out: true },
      ]);
    });
  });

  describe('export-events', () => {
    it('filters by type, one NDJSON event per line in log order', () => {
      const charges = lines(cli(platform.dataDir, 'export-events', '--type', 'MessageCharged').stdout);
      expect(charges.map((e) => e.type)).toEqual(charges.map(() => 'MessageCharged'));
      expect(charges.map((e) => e.data.messageId)).toEqual(expect.arrayContaining(charged));
      expect(charges.map((e) => e.position)).toEqual([...charges.map((e) => e.position)].sort((a, b) => a - b));
    });

    it('filters by stream: one message\'s lifecycle', () => {
      const events = lines(cli(platform.dataDir, 'export-events', '--stream', `message-${charged[0]}`).stdout);
      expect(events.map((e) => e.type)).toEqual(['MessagePriced', 'MessageSent', 'MessageDelivered', 'MessageCharged']);
    });

    it('filters by category and time, as CloudEvents', () => {
      const from = at(timeline.block - minutes(1));
      const to = at(timeline.stop - minutes(1));
      const events = lines(cli(platform.dataDir, 'export-events', '--category', 'conversation', '--from', from, '--to', to, '--format', 'cloudevents').stdout);
      expect(events.map((e) => [e.type, e.subject])).toEqual([
        ['BusinessBlocked', `conversation-${shop.id}-${bob.waId}`],
        ['BusinessUnblocked', `conversation-${shop.id}-${bob.waId}`],
      ]);
      for (const e of events) {
        expect(e).toMatchObject({ specversion: '1.0', source: 'ventana', datacontenttype: 'application/json' });
        expect(e.time >= from && e.time < to).toBe(true);
      }
    });

    it('never exports secrets', () => {
      const run = cli(platform.dataDir, 'export-events', '--category', 'business');
      expect(run.stdout).toContain('"webhookSecret":"[redacted]"');
      expect(run.stdout).not.toContain(shop.webhookSecret);
    });
  });

  describe('stats', () => {
    it('counts events per type per day and shows each projection caught up', () => {
      const report = cli(platform.dataDir, 'stats', '--json').json();
      const chargedPerDay = report.days.reduce((n: number, d: { types: Record<string, number> }) => n + (d.types.MessageCharged ?? 0), 0);
      expect(chargedPerDay).toBe(charged.length + 1);
      expect(report.events).toBe(countEvents(platform.dataDir));
      expect(report.projections.map((p: { projection: string }) => p.projection)).toEqual(ALL_PROJECTIONS.map((p) => p.name));
      expect(report.projections.every((p: { behind: number }) => p.behind === 0)).toBe(true);
    });
  });

  describe('replay', () => {
    const tables = ALL_PROJECTIONS.flatMap((p) => p.tables);
    const snapshot = () => Object.fromEntries(tables.map((t) => [t, tableRows(readModels(platform), t, 'rowid')]));
    const checkpoints = () =>
      tableRows(readModels(platform), 'subscription_checkpoints', 'name').filter((r) => ALL_PROJECTIONS.some((p) => projectorName(p.name) === (r as { name: string }).name));

    it('rebuilds every projection into shadow tables while the platform runs and swaps in exactly the live rows', () => {
      const live = snapshot();
      const liveCheckpoints = checkpoints();
      const run = cli(platform.dataDir, 'replay', '--all', '--json');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.json().swapped).toEqual(ALL_PROJECTIONS.map((p) => p.name));
      const sorted = (rows: Record<string, unknown[]>) => Object.fromEntries(Object.entries(rows).map(([t, r]) => [t, r.map((x) => JSON.stringify(x)).sort()]));
      expect(sorted(snapshot())).toEqual(sorted(live));
      expect(checkpoints()).toEqual(liveCheckpoints);
      const db = new Database(readModels(platform), { readonly: true });
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '%shadow%'`).all()).toEqual([]);
      db.close();
    });

    it('leaves the running platform projecting into the swapped-in tables', async () => {
      const promo = await world.template(shop, 'MARKETING');
      await world.inbound(alice, shop, 'again');
      const m = await world.decidedTemplate(shop, alice, promo);
      await world.deliver(shop, alice, m.id);
      expect((await world.charged(shop, m.id)).charge).toEqual(expect.objectContaining({ amount_micros: 52_900 }));
      const report = cli(platform.dataDir, 'reconcile', '--json').json();
      expect(report.differences).toEqual([]);
      expect(report.log.charges).toBe(charged.length + 2);
    });

    it('refuses an unknown projection, exit 2', () => {
      const run = cli(platform.dataDir, 'replay', 'no-such-projection');
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/no projection named no-such-projection/);
    });
  });
});
