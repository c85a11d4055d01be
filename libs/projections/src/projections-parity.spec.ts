import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BusinessEvent,
  type ConversationEvent,
  DAY,
  ErrorCode,
  HOUR,
  MINUTE,
  type MessageEvent,
  type PricingCategory,
  type PricingType,
  type TemplateCategory,
  type TemplateEvent,
  iso,
  messageError,
  type InvoiceEvent,
  type InvoiceLine,
  monthOf,
  nextMonth,
} from '@ventana/domain';
import { type EventStore, SqliteEventStore } from '@ventana/event-store';
import { copyDataDir } from '../../../test/support/data-dir';
import { type TestSchema, createTestSchema, describeWithPostgres } from '../../../test/support/infra';
import { type TestPlatform, startPlatform } from '../../../test/support/platform-process';
import { Scenario } from '../../../test/support/scenario';
import { STANDARD_CARD, expectStatus, phone } from '../../../test/support/world';
import { ALL_PROJECTIONS, PostgresDatabase, ProjectionRunner, type SqlDatabase, SqliteDatabase } from './index';
import { StoreSubscriptions } from '@ventana/subscriptions';

/**
 * The same projection code gives the same rows on PostgreSQL as on SQLite: one log, replayed
 * through every projection into each engine, compared table by table, row by row (values and
 * their JS types: a BIGINT is a number on both).
 */

type DomainEvent = BusinessEvent | ConversationEvent | MessageEvent | TemplateEvent | InvoiceEvent;

/** Every table the projections own, and the runner's checkpoints. */
const PROJECTED_TABLES = [...ALL_PROJECTIONS.flatMap((p) => p.tables), 'subscription_checkpoints'];

const sortRows = (rows: Record<string, unknown>[]) =>
  rows
    .map((row) => [JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1))), row] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);

/** Every row of every projected table, plus which migrations are recorded (not when). */
async function snapshot(db: SqlDatabase): Promise<Record<string, Record<string, unknown>[]>> {
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const table of PROJECTED_TABLES) tables[table] = sortRows(await db.all<Record<string, unknown>>(`SELECT * FROM ${table}`));
  tables.schema_migrations = sortRows(await db.all<Record<string, unknown>>(`SELECT name, version FROM schema_migrations`));
  return tables;
}

/** The tables that exist, however the engine lists them: proves no projected table escapes the comparison. */
async function tableNames(db: SqlDatabase): Promise<string[]> {
  const rows =
    db.dialect === 'sqlite'
      ? await db.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`)
      : await db.all<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`);
  return rows.map((r) => r.name).sort();
}

/** Runs every projection over the whole log into `db`, then stops. */
async function project(store: EventStore, db: SqlDatabase): Promise<void> {
  const failures: string[] = [];
  const runner = new ProjectionRunner(db, store, new StoreSubscriptions(store), ALL_PROJECTIONS, (name, error) => failures.push(`${name}: ${String(error)}`));
  try {
    await runner.start();
    for (let attempt = 0; !(await runner.upToDate()); attempt++) {
      if (attempt > 30) throw new Error(`projections did not catch up: ${failures.join('; ')}`);
    }
  } finally {
    await runner.stop();
  }
  expect(failures).toEqual([]);
}

async function expectSameRows(store: EventStore, schema: TestSchema, dir: string): Promise<Record<string, Record<string, unknown>[]>> {
  const sqlite = new SqliteDatabase(join(dir, `replayed-${randomUUID()}.db`));
  const postgres = new PostgresDatabase(schema.url);
  try {
    await project(store, sqlite);
    await project(store, postgres);
    const expected = await snapshot(sqlite);
    const actual = await snapshot(postgres);
    for (const table of Object.keys(expected)) expect({ table, rows: actual[table] }).toEqual({ table, rows: expected[table] });
    // Same tables on both, and each of them compared above.
    const compared = [...PROJECTED_TABLES, 'schema_migrations'].sort();
    expect(await tableNames(postgres)).toEqual(compared);
    expect(await tableNames(sqlite)).toEqual(compared);
    return expected;
  } finally {
    await sqlite.close();
    await postgres.close();
  }
}

// ---- a generated log: every projected event type, typed by the domain, from a seeded generator

/** mulberry32: the same log on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planned {
  stream: string;
  event: DomainEvent;
}

function generatedLog(): Planned[] {
  const random = seeded(20260302);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  let now = Date.parse('2026-02-20T08:00:00.000Z');
  const tick = () => (now += Math.floor(random() * 90 * MINUTE) + 1);
  const out: Planned[] = [];
  const emit = (stream: string, event: DomainEvent) => out.push({ stream, event });
  // Invoices: late charges, finalizations (some cut before their invoice's last charge, some hit by a
  // charge afterwards). Their own random source leaves the rest of the log as it was.
  const invoiceRandom = seeded(20260401);
  const billed = new Map<string, { businessId: string; month: string; lines: Map<string, InvoiceLine>; last: number; finalized: boolean }>();
  const bill = (businessId: string, month: string, line: InvoiceLine) => {
    const invoice = billed.get(`${businessId}|${month}`) ?? { businessId, month, lines: new Map(), last: 0, finalized: false };
    const key = `${line.market}|${line.category}|${line.pricingType}`;
    const sum = invoice.lines.get(key) ?? { ...line, messages: 0, amountMicros: 0 };
    invoice.lines.set(key, { ...sum, messages: sum.messages + 1, amountMicros: sum.amountMicros + line.amountMicros });
    invoice.last = out.length; // positions are 1-based: the event just emitted
    billed.set(`${businessId}|${month}`, invoice);
  };

  const businesses = ['biz-north', 'biz-south', 'biz-east'];
  for (const [n, businessId] of businesses.entries()) {
    const registered: BusinessEvent = {
      type: 'BusinessRegistered',
      data: {
        businessId,
        name: `Business ${businessId}`,
        phoneNumber: `1555000000${n}`,
        webhookUrl: null,
        publicKey: 'cHVibGlj',
        apiKeyHash: 'aGFzaA==',
        webhookSecret: 'c2VjcmV0',
        at: iso(now),
      },
    };
    emit(`business-${businessId}`, registered);
    if (n === 0) emit(`business-${businessId}`, registered); // a redelivered registration changes nothing
  }
  const customers = ['44', '91', '55', '1', '49'].flatMap((cc, i) =>
    Array.from({ length: 6 }, (_, j) => `${cc}7700${String(i * 10 + j).padStart(6, '0')}`),
  );
  const markets: Record<string, string> = { '44': 'GB', '91': 'IN', '55': 'BR', '1': 'US', '49': 'DE' };
  const marketOf = (waId: string) => markets[Object.keys(markets).find((cc) => waId.startsWith(cc))!] ?? 'ROW';
  const price: Record<PricingCategory, number> = { marketing: 90_000, utility: 20_000, authentication: 35_000, service: 0 };

  // Templates: submitted, then reviewed (sometimes re-categorised, sometimes twice).
  for (const businessId of businesses) {
    for (const [n, category] of (['MARKETING', 'UTILITY', 'AUTHENTICATION', 'UTILITY', 'MARKETING'] as const).entries()) {
      const templateId = `${businessId}-tpl-${n}`;
      const at = iso(tick());
      emit(`template-${templateId}`, {
        type: 'TemplateSubmitted',
        data: {
          templateId,
          businessId,
          name: `t_${n}`,
          language: n % 2 ? 'en_US' : 'pt_BR',
          category,
          body: `Hello {{1}} #${n}`,
          parameterCount: 1,
          at,
        },
      });
      if (n === 4) continue; // stays PENDING
      const decision = pick(['APPROVED', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'] as const);
      const recategorised: TemplateCategory = category === 'UTILITY' && chance(0.4) ? 'MARKETING' : category;
      emit(`template-${templateId}`, {
        type: 'TemplateReviewed',
        data: { templateId, businessId, decision, category: recategorised, at: iso(tick()) },
      });
      if (chance(0.3))
        emit(`template-${templateId}`, {
          type: 'TemplateReviewed',
          data: { templateId, businessId, decision: 'APPROVED', category: recategorised, at: iso(tick()) },
        });
    }
  }

  // Conversations and messages, interleaved; message lifecycles advance a step at a time.
  type Open = {
    ref: { messageId: string; businessId: string; waId: string };
    stage: 'accepted' | 'sent' | 'delivered';
    billable: boolean;
    category: PricingCategory;
    pricingType: PricingType;
  };
  const open: Open[] = [];
  let sequence = 0;
  const pair = () => ({ businessId: pick(businesses), waId: pick(customers), at: iso(tick()) });
  const conversation = (p: { businessId: string; waId: string }) => `conversation-${p.businessId}-${p.waId}`;
  for (let step = 0; step < 900; step++) {
    const roll = random();
    if (roll < 0.12) {
      const p = pair();
      const referral = chance(0.3)
        ? { sourceType: pick(['ad', 'page_cta', 'link'] as const), sourceId: chance(0.5) ? `src-${step}` : null }
        : null;
      emit(conversation(p), {
        type: 'InboundMessageReceived',
        data: { ...p, messageId: `in-${step}`, content: { ciphertext: 'Y2lwaGVy', nonce: 'bm9uY2U=' }, referral },
      });
    } else if (roll < 0.2) {
      const p = pair();
      const event: ConversationEvent = pick([
        { type: 'OptInRecorded', data: { ...p, source: pick(['website', 'app', 'click_to_chat', 'other'] as const) } },
        { type: 'OptOutRecorded', data: p },
        { type: 'BusinessBlocked', data: p },
        { type: 'BusinessUnblocked', data: p },
        { type: 'MarketingStopped', data: p },
        { type: 'MarketingResumed', data: p },
      ]);
      emit(conversation(p), event);
    } else if (roll < 0.5) {
      const p = pair();
      const messageId = `out-${++sequence}`;
      const kind = chance(0.6) ? 'template' : 'text';
      const template = kind === 'template' ? { name: `t_${Math.floor(random() * 5)}`, language: 'en_US', parameterCount: 1 } : null;
      const requested: ConversationEvent = {
        type: 'MessageRequested',
        data: { ...p, messageId, kind, template, content: { ciphertext: 'c2VhbGVk', nonce: 'bm9uY2U=' } },
      };
      emit(conversation(p), requested);
      if (chance(0.05)) emit(conversation(p), requested); // a redelivered request changes nothing
      if (chance(0.05)) continue; // not decided yet: stays pending
      if (chance(0.2)) {
        const code = pick([ErrorCode.ReEngagement, ErrorCode.Undeliverable, ErrorCode.NoConsent, ErrorCode.MarketingOptedOut]);
        emit(conversation(p), {
          type: 'MessageRejected',
          data: { ...p, at: iso(tick()), messageId, error: messageError(code, `rejected ${step}`) },
        });
        continue;
      }
      const category: PricingCategory = kind === 'text' ? 'service' : pick(['marketing', 'utility', 'authentication'] as const);
      const pricingType: PricingType = category === 'service' ? 'free_customer_service' : chance(0.15) ? 'free_entry_point' : 'regular';
      const billable = pricingType === 'regular';
      const at = iso(tick());
      emit(conversation(p), {
        type: 'MessageAccepted',
        data: {
          ...p,
          at,
          messageId,
          kind,
          category,
          pricingType,
          billable,
          outsideCustomerServiceWindow: chance(0.5),
          opensFreeEntryPoint: pricingType === 'free_entry_point',
        },
      });
      const ref = { messageId, businessId: p.businessId, waId: p.waId };
      const amountMicros = billable ? price[category] : 0;
      emit(`message-${messageId}`, {
        type: 'MessagePriced',
        data: {
          ...ref,
          at,
          market: marketOf(p.waId),
          amountMicros,
          rateCardVersion: chance(0.9) ? 1 : null,
          category,
          pricingType,
          billable,
          currency: 'USD',
        },
      });
      open.push({ ref, stage: 'accepted', billable, category, pricingType });
    } else if (open.length > 0) {
      const index = Math.floor(random() * open.length);
      const m = open[index];
      const at = iso(tick());
      const stream = `message-${m.ref.messageId}`;
      if (m.stage === 'accepted') {
        if (chance(0.1)) {
          emit(stream, { type: 'MessageDeliveryFailed', data: { ...m.ref, at, error: messageError(ErrorCode.Undeliverable, 'gave up') } });
          open.splice(index, 1);
        } else {
          emit(stream, { type: 'MessageSent', data: { ...m.ref, at } });
          m.stage = 'sent';
        }
      } else if (m.stage === 'sent') {
        emit(stream, { type: 'MessageDelivered', data: { ...m.ref, at } });
        if (chance(0.1)) emit(stream, { type: 'MessageSent', data: { ...m.ref, at: iso(tick()) } }); // late: never moves the status back
        if (m.billable || chance(0.2)) {
          const amountMicros = m.billable ? price[m.category] : 0;
          const late = invoiceRandom() < 0.05; // recorded after its month's grace period
          const invoiceMonth = late ? nextMonth(monthOf(at)) : monthOf(at);
          emit(stream, {
            type: 'MessageCharged',
            data: {
              ...m.ref,
              at: iso(tick()),
              market: marketOf(m.ref.waId),
              amountMicros,
              rateCardVersion: 1,
              category: m.category,
              pricingType: m.pricingType,
              currency: 'USD',
              deliveredAt: at,
              invoiceMonth,
            },
          });
          bill(m.ref.businessId, invoiceMonth, { market: marketOf(m.ref.waId), category: m.category, pricingType: m.pricingType, messages: 1, amountMicros });
        }
        m.stage = 'delivered';
        if (chance(0.4)) open.splice(index, 1);
      } else {
        emit(stream, { type: 'MessageRead', data: { ...m.ref, at } });
        if (chance(0.1)) emit(stream, { type: 'MessageDelivered', data: { ...m.ref, at: iso(tick()) } });
        open.splice(index, 1);
      }
    }
    if (chance(0.02)) now += 2 * DAY; // quiet days: windows close, months turn
    if (chance(0.01)) now += 12 * HOUR;
    const due = [...billed.values()].find((i) => !i.finalized && i.month < monthOf(iso(now)));
    if (due && invoiceRandom() < 0.05) {
      due.finalized = true;
      const lines = [...due.lines.values()];
      const totalMicros = lines.reduce((sum, l) => sum + l.amountMicros, 0);
      const finalized: InvoiceEvent = {
        type: 'InvoiceFinalized',
        data: {
          businessId: due.businessId,
          month: due.month,
          at: iso(now),
          graceEndedAt: iso(now),
          lines,
          adjustments: [],
          totalMicros,
          totalCents: Math.floor((totalMicros + 5000) / 10000),
          currency: 'USD',
          // Now and then the draft was read before its last charge: that one moves on.
          chargedThrough: invoiceRandom() < 0.3 ? due.last - 1 : due.last,
        },
      };
      emit(`invoice-${due.businessId}-${due.month}`, finalized);
    }
  }
  return out;
}

async function recordLog(file: string, planned: readonly Planned[]): Promise<SqliteEventStore> {
  const store = await SqliteEventStore.open({ file });
  for (const { stream, event } of planned) {
    const id = randomUUID();
    await store.append(
      stream,
      [{ id, type: event.type, data: event.data, metadata: { time: event.data.at, correlationId: id, causationId: id } }],
      'any',
    );
  }
  return store;
}

describeWithPostgres()('projections on PostgreSQL and on SQLite', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ventana-parity-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('a generated log of every projected event type', () => {
    let store: SqliteEventStore;
    let schema: TestSchema;
    const planned = generatedLog();
    beforeAll(async () => {
      store = await recordLog(join(dir, 'generated-events.db'), planned);
      schema = await createTestSchema('parity');
    });
    afterAll(async () => {
      await store?.close();
      await schema?.drop();
    });

    it('covers every event type the projections read, with edge cases', () => {
      const types = new Set(planned.map((p) => p.event.type));
      for (const type of ALL_PROJECTIONS.flatMap((p) => p.eventTypes)) expect(types).toContain(type);
      expect(planned.length).toBeGreaterThan(1000);
    });

    it('gives the same rows in every table', async () => {
      const rows = await expectSameRows(store, schema, dir);
      // A meaningful workload: every status, several months, lines summed over many charges.
      expect(new Set(rows.messages.map((m) => m.status))).toEqual(new Set(['pending', 'accepted', 'sent', 'delivered', 'read', 'failed']));
      expect(new Set(rows.invoice_lines.map((l) => l.month)).size).toBeGreaterThan(1);
      expect(Math.max(...rows.invoice_lines.map((l) => l.messages as number))).toBeGreaterThan(3);
      expect(rows.conversations.some((c) => c.blocked === 1 && c.consent_granted === 1)).toBe(true);
      expect(new Set(rows.templates.map((t) => t.status)).size).toBeGreaterThan(3);
      expect(rows.invoices.filter((i) => i.status === 'finalized').length).toBeGreaterThan(2);
      expect(rows.invoice_adjustments.length).toBeGreaterThan(0);
      expect(rows.charges.some((c) => c.invoice_month !== (c.charged_at as string).slice(0, 7))).toBe(true);
      expect(rows.businesses.map((b) => b.id).sort()).toEqual(['biz-east', 'biz-north', 'biz-south']);
    });
  });

  describe('a log recorded by the running platform', () => {
    let platform: TestPlatform;
    let copy: string;
    let schema: TestSchema;

    beforeAll(async () => {
      schema = await createTestSchema('parity_live');
      platform = await startPlatform();
      const world = new Scenario(platform);
      await world.rateCard();
      const shop = await world.business();
      const bakery = await world.business();
      const alice = await world.customer(phone('44'));
      const ravi = await world.customer(phone('91'));
      const zed = await world.customer(phone('55'));
      const promo = await world.template(shop, 'MARKETING');
      const notice = await world.template(shop, 'UTILITY', 'APPROVED', { body: 'Order {{1}} ships {{2}}' });
      const disguised = await world.template(shop, 'UTILITY', 'PENDING', { body: 'Big sale {{1}}' });
      expectStatus(await world.review(disguised.id, 'APPROVED', 'MARKETING'), 200);
      await world.template(shop, 'MARKETING', 'PAUSED');
      const bakeryPromo = await world.template(bakery, 'MARKETING');

      const delivered: { b: typeof shop; c: typeof alice; id: string }[] = [];
      const keep = async (b: typeof shop, c: typeof alice, r: Promise<{ id: string; status: string }>) => {
        const m = await r;
        if (m.status !== 'failed') delivered.push({ b, c, id: m.id });
      };
      await world.inbound(alice, shop, 'hello');
      await keep(shop, alice, world.sentText(shop, alice, 'hi alice'));
      await keep(shop, alice, world.decidedTemplate(shop, alice, notice));
      await keep(shop, alice, world.decidedTemplate(shop, alice, promo));
      await keep(shop, alice, world.decidedTemplate(shop, alice, disguised));
      await world.inbound(ravi, shop, 'saw your ad', { source_type: 'ad', source_id: 'campaign-1' });
      await keep(shop, ravi, world.decidedTemplate(shop, ravi, promo));
      expectStatus(await world.optIn(shop, zed, 'website'), 201);
      await keep(shop, zed, world.decidedTemplate(shop, zed, notice));
      expectStatus(await world.block(zed, shop), 204);
      expect(Scenario.code(await world.sentText(shop, zed, 'blocked'))).toBe(131026);
      expectStatus(await world.unblock(zed, shop), 204);
      expectStatus(await world.marketing(zed, shop, 'stop'), 204);
      await world.inbound(alice, bakery, 'hello bakery');
      await keep(bakery, alice, world.decidedTemplate(bakery, alice, bakeryPromo));
      for (const { b, c, id } of delivered) await world.deliver(b, c, id);
      expectStatus(await world.receipt(alice, delivered[0].id), 204);
      await world.advance(40 * 24 * 3600); // into the next month, with a newer card
      await world.rateCard(new Date(await world.now()).toISOString(), {
        ...STANDARD_CARD,
        markets: STANDARD_CARD.markets.map((m) => ({ ...m, prices: { ...m.prices, marketing: '0.09' } })),
      });
      const late = await world.decidedTemplate(shop, alice, promo);
      await world.deliver(shop, alice, late.id);
      const waiting = await world.decidedTemplate(shop, ravi, notice);
      await world.settled(shop, waiting.id, ['sent', 'failed']);
      await world.pricingBarrier();
      await platform.stop('SIGTERM');
      copy = copyDataDir(platform.dataDir);
    }, 120_000);
    afterAll(async () => {
      await platform?.stop();
      await schema?.drop();
      if (copy) rmSync(copy, { recursive: true, force: true });
    });

    it('gives the same rows on both engines as the platform built live', async () => {
      const store = await SqliteEventStore.open({ file: join(copy, 'events.db') });
      try {
        const replayed = await expectSameRows(store, schema, dir);
        const live = new SqliteDatabase(join(copy, 'read-models.db'));
        try {
          const liveRows = await snapshot(live);
          for (const table of PROJECTED_TABLES) expect({ table, rows: replayed[table] }).toEqual({ table, rows: liveRows[table] });
        } finally {
          await live.close();
        }
        expect(replayed.charges.length).toBeGreaterThan(2);
        expect(new Set(replayed.invoice_lines.map((l) => l.month)).size).toBe(2);
      } finally {
        await store.close();
      }
    });
  });
});
