import { parse } from 'csv-parse/sync';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { microsToCentsHalfUp, nextMonth } from '@ventana/domain';
import { TEST_KAFKA_BROKERS, describeWithPostgresAndKafka } from '../support/infra';
import { type TestPlatform, startDistributed } from '../support/platform-process';
import { type BusinessActor, type CustomerActor, Scenario, eventually, expectStatus, phone } from '../support/scenario';

/**
 * `export-charges` and `export-invoices` from the command line write what the API's exports write
 * for the same business and months (the same code, libs/projections billing), on the embedded
 * DATA_DIR and on the distributed deployment's PostgreSQL read models; and what they write adds
 * up to the invoice, to the cent.
 */
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const GRACE_S = 3600;
/** A market name that needs quoting in CSV. */
const AWKWARD = `Côte d'Ivoire, "CI"`;

type Env = Record<string, string>;
const embeddedEnv = (platform: TestPlatform): Env => ({ DATA_DIR: platform.dataDir });

function cli(env: Env, ...args: string[]) {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATA_DIR', 'KAFKA_BROKERS', 'KAFKA_TOPIC', 'EVENT_STORE', 'DATABASE_URL']) delete base[name];
  const run = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const iso = (ms: number) => new Date(ms).toISOString();
const monthStart = (month: string) => `${month}-01T00:00:00.000Z`;

/** A scenario's billing: a card with an awkward market, consented customers, delivered and charged templates. */
class Billing {
  constructor(readonly w: Scenario) {}

  async card() {
    const now = await this.w.advance(60);
    const card = {
      effective_from: iso(now - 10_000),
      currency: 'USD',
      markets: [
        { market: 'GB', calling_codes: ['44'], prices: { marketing: '0.0529', utility: '0.022', authentication: '0.0358' } },
        { market: 'IN', calling_codes: ['91'], prices: { marketing: '0.0107', utility: '0.005', authentication: '0.006517' } },
        { market: AWKWARD, calling_codes: ['225'], prices: { marketing: '0.0145', utility: '0.0145', authentication: '0.0145' } },
        { market: 'ROW', calling_codes: ['*'], prices: { marketing: '0.0604', utility: '0.0077', authentication: '0.0075' } },
      ],
    };
    expectStatus(await this.w.publishCard(card), 201);
  }

  async consented(b: BusinessActor, countryCode: string): Promise<CustomerActor> {
    const c = await this.w.customer(phone(countryCode));
    expectStatus(await this.w.optIn(b, c, 'website'), 201);
    return c;
  }

  async charge(b: BusinessActor, c: CustomerActor, category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION' = 'MARKETING') {
    const m = await this.w.decidedTemplate(b, c, await this.w.template(b, category));
    expect(m.status).not.toBe('failed');
    await this.w.deliver(b, c, m.id);
    return this.w.charged(b, m.id);
  }

  /** The API's export as text (fetch: an NDJSON body of one line would otherwise be parsed as JSON). */
  async api(b: BusinessActor, path: string): Promise<string> {
    const r = await fetch(`${this.w.api.baseUrl}/v1/${b.id}/${path}`, { headers: { authorization: `Bearer ${b.apiKey}` } });
    expect(r.status).toBe(200);
    return r.text();
  }
}

/** The same filters, said the CLI's way (whole months, `--to` included) and the API's (`to` exclusive). */
const chargeFilters = (first: string, last: string) => [
  { args: ['--month', first], query: `from=${monthStart(first)}&to=${monthStart(nextMonth(first))}` },
  { args: ['--from', first, '--to', last], query: `from=${monthStart(first)}&to=${monthStart(nextMonth(last))}` },
  { args: ['--month', last], query: `from=${monthStart(last)}&to=${monthStart(nextMonth(last))}` },
  { args: [], query: '' },
];
const invoiceFilters = (first: string, last: string) => [
  { args: ['--month', first], query: `from=${first}&to=${nextMonth(first)}` },
  { args: ['--from', first, '--to', last], query: `from=${first}&to=${nextMonth(last)}` },
  { args: ['--from', last], query: `from=${last}` },
  { args: [], query: '' },
];

describe('billing exports from the command line (embedded DATA_DIR)', () => {
  let w: Scenario;
  let billing: Billing;
  let env: Env;
  let shop: BusinessActor;
  let rival: BusinessActor;
  let first: string;
  let last: string;
  const work = mkdtempSync(join(tmpdir(), 'ventana-cli-exports-'));

  beforeAll(async () => {
    w = await Scenario.start({ INVOICE_GRACE_SECONDS: String(GRACE_S), INBOX_TTL_SECONDS: String(400 * 24 * 3600) });
    billing = new Billing(w);
    env = embeddedEnv(w.platform);
    await billing.card();
    shop = await w.business();
    rival = await w.business();
    const [gb, india, ivory] = [
      await billing.consented(shop, '44'),
      await billing.consented(shop, '91'),
      await billing.consented(shop, '225'),
    ];
    await billing.charge(shop, gb);
    await billing.charge(shop, gb);
    await billing.charge(shop, gb, 'AUTHENTICATION');
    await billing.charge(shop, india, 'AUTHENTICATION');
    await billing.charge(shop, india, 'AUTHENTICATION');
    for (const category of ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const) await billing.charge(shop, ivory, category);
    await billing.charge(rival, await billing.consented(rival, '44'));
    first = (await w.charges(shop)).body.data[0].charged_at.slice(0, 7);

    // The first month closes (finalized after its grace period); the next one bills what follows.
    const now = await w.now();
    const graceEnd = Date.parse(monthStart(nextMonth(first))) + GRACE_S * 1000;
    await w.advance(Math.ceil((graceEnd - now) / 1000) + 1);
    await eventually(`invoice ${first} finalized`, async () =>
      (await w.invoice(shop, first)).body.status === 'finalized' ? true : undefined,
    );
    await billing.card();
    await billing.charge(shop, gb);
    await billing.charge(shop, ivory, 'UTILITY');
    last = (await w.charges(shop)).body.data.at(-1).charged_at.slice(0, 7);
    expect(last > first).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await w.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it.each(['csv', 'ndjson'])('export-charges writes the bytes of the API export for the same business and months (%s)', async (format) => {
    for (const { args, query } of chargeFilters(first, last)) {
      const api = await billing.api(shop, `charges/export?format=${format}&${query}`);
      expect(api.length).toBeGreaterThan(200);
      const run = cli(env, 'export-charges', '--business', shop.id, '--format', format, ...args);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(api);
    }
  });

  it.each(['csv', 'ndjson'])('export-invoices writes the bytes of the API export for the same business and months (%s)', async (format) => {
    for (const { args, query } of invoiceFilters(first, last)) {
      const api = await billing.api(shop, `invoices/export?format=${format}&${query}`);
      expect(api.length).toBeGreaterThan(200);
      const run = cli(env, 'export-invoices', '--business', shop.id, '--format', format, ...args);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(api);
    }
  });

  it("without --business, every business's export, one business after the other", async () => {
    const businesses = [shop, rival].sort((a, b) => a.id.localeCompare(b.id));
    for (const path of ['charges/export?format=ndjson', 'invoices/export?format=ndjson']) {
      const own = (await Promise.all(businesses.map((b) => billing.api(b, path)))).join('');
      const run = cli(env, path.startsWith('charges') ? 'export-charges' : 'export-invoices', '--format', 'ndjson');
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(own);
    }
  });

  it('the charges CSV adds up to the finalized invoice: its lines to the micro, its payable total to the cent', async () => {
    const invoice = (await w.invoice(shop, first)).body;
    expect(invoice.status).toBe('finalized');
    const charges = parse(cli(env, 'export-charges', '--business', shop.id, '--month', first).stdout, { columns: true }) as Record<
      string,
      string
    >[];
    expect(charges.length).toBe(8);
    expect(new Set(charges.map((c) => c.invoice_month))).toEqual(new Set([first]));

    const lines = new Map<string, { market: string; category: string; pricing_type: string; messages: number; amount_micros: number }>();
    for (const c of charges) {
      const key = `${c.market}/${c.category}/${c.pricing_type}`;
      const line = lines.get(key) ?? {
        market: c.market,
        category: c.category,
        pricing_type: c.pricing_type,
        messages: 0,
        amount_micros: 0,
      };
      lines.set(key, { ...line, messages: line.messages + 1, amount_micros: line.amount_micros + Number(c.amount_micros) });
    }
    const byKey = (a: { market: string; category: string }, b: { market: string; category: string }) =>
      a.market.localeCompare(b.market) || a.category.localeCompare(b.category);
    expect([...lines.values()].sort(byKey)).toEqual([...invoice.lines].sort(byKey));
    const totalMicros = charges.reduce((sum, c) => sum + Number(c.amount_micros), 0);
    expect(totalMicros).toBe(invoice.total_micros);
    expect(microsToCentsHalfUp(totalMicros)).toBe(invoice.total_cents);
    // The exact USD column says the same amounts: summed in micros, nothing lost.
    expect(charges.reduce((sum, c) => sum + Math.round(Number(c.amount_usd) * 1_000_000), 0)).toBe(totalMicros);

    const invoiceLines = parse(cli(env, 'export-invoices', '--business', shop.id, '--month', first).stdout, { columns: true }) as Record<
      string,
      string
    >[];
    expect(invoiceLines.map((l) => l.status)).toEqual(invoice.lines.map(() => 'finalized'));
    expect(invoiceLines.reduce((sum, l) => sum + Number(l.amount_micros), 0)).toBe(invoice.total_micros);
    expect(invoiceLines.reduce((sum, l) => sum + Number(l.amount_cents), 0)).toBe(invoice.total_cents);
    for (const l of invoiceLines) {
      expect(Number(l.invoice_total_cents)).toBe(invoice.total_cents);
      expect(Math.abs(Number(l.amount_cents) * 10_000 - Number(l.amount_micros))).toBeLessThan(10_000);
    }
  });

  it('--out writes the same bytes to a file and says on stderr how many records', () => {
    for (const [command, unit] of [
      ['export-charges', 'charges'],
      ['export-invoices', 'invoice lines'],
    ]) {
      const file = join(work, `${command}.csv`);
      const run = cli(env, command, '--business', shop.id, '--out', file);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('');
      const text = readFileSync(file, 'utf8');
      expect(text).toBe(cli(env, command, '--business', shop.id).stdout);
      const records = (parse(text, { columns: true }) as unknown[]).length;
      expect(run.stderr).toContain(`${records} ${unit} written to ${file}`);
    }
  });

  it.each([
    ['an unknown format', ['export-charges', '--format', 'xml']],
    ['a malformed month', ['export-invoices', '--month', '2026-13']],
    ['--month with --from', ['export-charges', '--month', '2026-01', '--from', '2026-01']],
    ['a period ending before it starts', ['export-invoices', '--from', '2026-05', '--to', '2026-04']],
  ])('%s is a usage error, exit 2, with nothing on stdout', (_, args) => {
    const run = cli(env, ...args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toBe('');
  });
});

describeWithPostgresAndKafka()('billing exports from the command line (distributed: PostgreSQL read models)', () => {
  let platform: Awaited<ReturnType<typeof startDistributed>>;
  let w: Scenario;
  let billing: Billing;
  let shop: BusinessActor;
  let month: string;

  beforeAll(async () => {
    platform = await startDistributed();
    w = new Scenario(platform);
    billing = new Billing(w);
    await billing.card();
    shop = await w.business();
    const gb = await billing.consented(shop, '44');
    const ivory = await billing.consented(shop, '225');
    await billing.charge(shop, gb);
    await billing.charge(shop, ivory, 'UTILITY');
    await billing.charge(shop, gb, 'AUTHENTICATION');
    month = (await w.charges(shop)).body.data[0].charged_at.slice(0, 7);
  }, 180_000);

  afterAll(() => platform?.stop());

  it.each(['csv', 'ndjson'])('export-charges and export-invoices write the bytes of the API exports (%s)', async (format) => {
    const env: Env = {
      KAFKA_BROKERS: TEST_KAFKA_BROKERS,
      KAFKA_TOPIC: platform.topology.topic,
      DATABASE_URL: platform.topology.databaseUrl,
      EVENT_STORE: 'postgres',
    };
    // The API first: it answers once the projections have caught up, so both read the same rows.
    const apiCharges = await billing.api(
      shop,
      `charges/export?format=${format}&from=${monthStart(month)}&to=${monthStart(nextMonth(month))}`,
    );
    const charges = cli(env, 'export-charges', '--business', shop.id, '--format', format, '--month', month);
    expect(charges.stderr).toBe('');
    expect(charges.status).toBe(0);
    expect(charges.stdout).toBe(apiCharges);
    expect(charges.stdout).toContain(shop.id);
    const apiInvoices = await billing.api(shop, `invoices/export?format=${format}&from=${month}&to=${nextMonth(month)}`);
    const invoices = cli(env, 'export-invoices', '--business', shop.id, '--format', format, '--month', month);
    expect(invoices.status).toBe(0);
    expect(invoices.stdout).toBe(apiInvoices);
    expect(invoices.stdout).toContain('Côte');
  });
});
