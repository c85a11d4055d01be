import { parse } from 'csv-parse/sync';
import { type BusinessActor, type CustomerActor, Scenario, eventually, expectStatus, phone } from '../support/scenario';

/**
 * Finance's invoices (draft → finalized after the grace period, immutable, printable) and the
 * streamed exports of charges and invoices, over HTTP against the built embedded platform.
 */
const GRACE_S = 3600;
const iso = (ms: number) => new Date(ms).toISOString();
const monthOf = (ms: number) => iso(ms).slice(0, 7);
const nextMonthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};
/** A market name that needs quoting in CSV and escaping in HTML. */
const AWKWARD = `Côte <d'Ivoire>, "CI" & co`;

describe('invoices and exports', () => {
  let w: Scenario;

  beforeAll(async () => {
    w = await Scenario.start({ INVOICE_GRACE_SECONDS: String(GRACE_S), INBOX_TTL_SECONDS: String(400 * 24 * 3600) });
  });
  afterAll(() => w.stop());

  /** A card in force from a little before now; later tests publish their own after moving the clock. */
  async function freshCard() {
    const now = await w.advance(60);
    const card = {
      effective_from: iso(now - 10_000),
      currency: 'USD',
      markets: [
        { market: 'GB', calling_codes: ['44'], prices: { marketing: '0.0529', utility: '0.022', authentication: '0.0358' } },
        { market: AWKWARD, calling_codes: ['225'], prices: { marketing: '0.0145', utility: '0.0145', authentication: '0.0145' } },
        { market: 'ROW', calling_codes: ['*'], prices: { marketing: '0.0604', utility: '0.0077', authentication: '0.0075' } },
      ],
    };
    expectStatus(await w.publishCard(card), 201);
  }

  async function consented(b: BusinessActor, countryCode: string): Promise<CustomerActor> {
    const c = await w.customer(phone(countryCode));
    expectStatus(await w.optIn(b, c, 'website'), 201);
    return c;
  }

  async function charge(b: BusinessActor, c: CustomerActor, category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION' = 'MARKETING') {
    const m = await w.decidedTemplate(b, c, await w.template(b, category));
    expect(m.status).not.toBe('failed');
    await w.deliver(b, c, m.id);
    return w.charged(b, m.id);
  }

  /** Moves platform time to `seconds` after `at` (never back). */
  async function advanceTo(at: number, seconds = 0) {
    const now = await w.now();
    const target = at + seconds * 1000;
    if (target > now) await w.advance(Math.ceil((target - now) / 1000));
  }

  const finalized = (b: BusinessActor, month: string) =>
    eventually(`invoice ${month} finalized`, async () => {
      const r = await w.invoice(b, month);
      return r.status === 200 && r.body.status === 'finalized' ? r.body : undefined;
    });

  describe('lifecycle', () => {
    it('a draft during the month and its grace period; finalized once the grace period has passed, then never changed', async () => {
      await freshCard();
      const shop = await w.business();
      const bob = await consented(shop, '44');
      const first = await charge(shop, bob);
      const second = await charge(shop, bob, 'AUTHENTICATION');
      const month = (await w.charges(shop)).body.data[0].charged_at.slice(0, 7);
      const graceEnd = nextMonthStart(Date.parse(`${month}-01T00:00:00Z`)) + GRACE_S * 1000;

      const draft = await w.invoice(shop, month);
      expectStatus(draft, 200);
      expect(draft.body).toEqual({
        month,
        lines: expect.any(Array),
        total_micros: first.charge.amount_micros + second.charge.amount_micros,
        total_cents: Math.floor((first.charge.amount_micros + second.charge.amount_micros + 5000) / 10000),
        currency: 'USD',
        status: 'draft',
        finalized_at: null,
        grace_ends_at: iso(graceEnd),
        adjustments: [],
      });

      // Past the month's end but inside the grace period: still a draft.
      await advanceTo(nextMonthStart(Date.parse(`${month}-01T00:00:00Z`)), 60);
      await w.pricingBarrier();
      expect((await w.invoice(shop, month)).body.status).toBe('draft');

      await advanceTo(graceEnd, 1);
      const closed = await finalized(shop, month);
      expect(Date.parse(closed.finalized_at)).toBeGreaterThanOrEqual(graceEnd);
      expect(closed).toEqual({ ...draft.body, status: 'finalized', finalized_at: closed.finalized_at });

      // A charge delivered now is the next invoice's; the finalized one stays as it was.
      const third = await charge(shop, bob);
      const laterMonth = (await w.charges(shop)).body.data[2].charged_at.slice(0, 7);
      expect(laterMonth > month).toBe(true);
      expect((await w.invoice(shop, month)).body).toEqual(closed);
      const later = await w.invoice(shop, laterMonth);
      expect(later.body).toMatchObject({ status: 'draft', total_micros: third.charge.amount_micros, adjustments: [] });
    });

    it('a delivery in the last seconds of a month lands in that month, finalized with it after the grace period', async () => {
      await freshCard();
      const shop = await w.business();
      const ann = await consented(shop, '44');
      const monthEnd = nextMonthStart(await w.now());
      await advanceTo(monthEnd, -90);
      const late = await charge(shop, ann);
      const [c] = (await w.charges(shop)).body.data;
      const month = c.charged_at.slice(0, 7);
      expect(month).toBe(monthOf(monthEnd - 1));

      await advanceTo(monthEnd, GRACE_S + 1);
      const closed = await finalized(shop, month);
      expect(closed.lines).toEqual([{ market: 'GB', category: 'marketing', pricing_type: 'regular', messages: 1, amount_micros: late.charge.amount_micros }]);
      expect(closed.total_micros).toBe(late.charge.amount_micros);
    });

    it('a month without any charge has no invoice to finalize: the empty api.md shape', async () => {
      const shop = await w.business();
      const r = await w.invoice(shop, '2019-02');
      expectStatus(r, 200);
      expect(r.body).toEqual({ month: '2019-02', lines: [], total_micros: 0, total_cents: 0, currency: 'USD' });
    });
  });

  describe('printable invoice', () => {
    it('GET /invoices/{yyyy-mm}.html renders the lines with allocated cents adding up to the payable total, escaped', async () => {
      await freshCard();
      const shop = await w.business();
      const ivory = await consented(shop, '225');
      for (const category of ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const) await charge(shop, ivory, category);
      const month = (await w.charges(shop)).body.data[0].charged_at.slice(0, 7);
      const json = await w.invoice(shop, month);
      // Three lines of 1.45 cents: 4.35 cents exactly, 4 payable; per line 2 + 1 + 1 by largest remainder.
      expect(json.body.total_micros).toBe(43_500);
      expect(json.body.total_cents).toBe(4);

      const html = await w.api.call('GET', `/v1/${shop.id}/invoices/${month}.html`, { token: shop.apiKey });
      expectStatus(html, 200);
      expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const page: string = html.body;
      expect(page).toContain(`<h1>Invoice ${month}</h1>`);
      expect(page).toContain('Côte &lt;d&#39;Ivoire&gt;, &quot;CI&quot; &amp; co');
      expect(page).not.toContain(AWKWARD);
      expect(page).toContain('Draft');
      const lineCents = [...page.matchAll(/<td class="n">\$0\.0145<\/td><td class="n">\$(\d+\.\d\d)<\/td>/g)].map((m) => m[1]);
      expect(lineCents).toEqual(['0.02', '0.01', '0.01']);
      expect(page).toContain('<td>Payable</td><td class="n"></td><td class="n">$0.04</td>');
    });

    it('a malformed month is a 400 problem; another business is refused', async () => {
      const shop = await w.business();
      const bad = await w.api.call('GET', `/v1/${shop.id}/invoices/2019-13.html`, { token: shop.apiKey });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      const other = await w.business();
      const foreign = await w.api.call('GET', `/v1/${shop.id}/invoices/2019-02.html`, { token: other.apiKey });
      expect(foreign.status).toBe(403);
    });
  });

  describe('exports', () => {
    let shop: BusinessActor;
    let charges: any[];

    beforeAll(async () => {
      await freshCard();
      shop = await w.business();
      const gb = await consented(shop, '44');
      const ivory = await consented(shop, '225');
      await charge(shop, gb);
      await charge(shop, ivory, 'UTILITY');
      await w.advance(3600);
      await charge(shop, gb, 'AUTHENTICATION');
      await charge(shop, ivory);
      charges = (await w.charges(shop)).body.data;
      expect(charges).toHaveLength(4);
      // Another business's charges must never show.
      const rival = await w.business();
      await charge(rival, await consented(rival, '44'));
    });

    /** The export as text (an NDJSON body of one line would otherwise be parsed as JSON). */
    const exported = async (path: string, token = shop.apiKey) => {
      const r = await fetch(`${w.api.baseUrl}/v1/${shop.id}/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: r.status, headers: r.headers, body: await r.text() };
    };
    const ndjson = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    const usd = (micros: number) => {
      const fraction = String(micros % 1_000_000).padStart(6, '0').replace(/0+$/, '');
      return fraction ? `${Math.trunc(micros / 1_000_000)}.${fraction}` : String(Math.trunc(micros / 1_000_000));
    };
    const asExported = (c: any) => ({ ...c, business_id: shop.id, amount_usd: usd(c.amount_micros), invoice_month: c.charged_at.slice(0, 7) });

    it('charges as NDJSON: the records of GET /charges, in its order, with the exact USD amount and the invoice month', async () => {
      const r = await exported('charges/export?format=ndjson');
      expectStatus(r, 200);
      expect(r.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(r.headers.get('content-disposition')).toBe(`attachment; filename="charges-${shop.id}.ndjson"`);
      expect(ndjson(r.body)).toEqual(charges.map(asExported));
    });

    it('charges as CSV: a header row, quoting where needed, the same records (CSV is the default)', async () => {
      const r = await exported('charges/export');
      expectStatus(r, 200);
      expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const text: string = r.body;
      expect(text.split('\n')[0]).toBe(
        'message_id,business_id,wa_id,market,category,pricing_type,amount_micros,amount_usd,currency,rate_card_version,charged_at,invoice_month',
      );
      expect(text).toContain(`"Côte <d'Ivoire>, ""CI"" & co"`);
      const rows = parse(text, { columns: true }) as Record<string, string>[];
      const asText = (c: any) => Object.fromEntries(Object.entries(asExported(c)).map(([k, v]) => [k, v === null ? '' : String(v)]));
      expect(rows).toEqual(charges.map(asText));
    });

    it('filters by delivery time: from inclusive, to exclusive, as GET /charges', async () => {
      const [, second, third] = charges;
      const query = `from=${encodeURIComponent(second.charged_at)}&to=${encodeURIComponent(third.charged_at)}`;
      const window = (await w.charges(shop, { from: second.charged_at, to: third.charged_at })).body.data;
      expect(window.length).toBeGreaterThan(0);
      const r = await exported(`charges/export?format=ndjson&${query}`);
      expect(ndjson(r.body)).toEqual(window.map(asExported));
      expect(ndjson((await exported(`charges/export?format=ndjson&from=${encodeURIComponent(third.charged_at)}&to=${encodeURIComponent(third.charged_at)}`)).body)).toEqual([]);
    });

    it('invoices: one record per line, matching GET invoice, cents allocated to add up to the payable total', async () => {
      const months = [...new Set(charges.map((c) => c.charged_at.slice(0, 7)))];
      const records = ndjson((await exported('invoices/export?format=ndjson')).body);
      for (const month of months) {
        const invoice = (await w.invoice(shop, month)).body;
        const lines = records.filter((r) => r.month === month);
        expect(lines.map((l) => ({ market: l.market, category: l.category, pricing_type: l.pricing_type, messages: l.messages, amount_micros: l.amount_micros }))).toEqual(
          invoice.lines,
        );
        for (const l of lines) {
          expect(l).toMatchObject({ business_id: shop.id, status: invoice.status, line: 'charges', for_month: month, amount_usd: usd(l.amount_micros) });
          expect(l).toMatchObject({ invoice_total_micros: invoice.total_micros, invoice_total_cents: invoice.total_cents, currency: 'USD' });
        }
        expect(lines.reduce((s, l) => s + l.amount_cents, 0)).toBe(invoice.total_cents);
      }
      const csv = parse((await exported('invoices/export?format=csv')).body, { columns: true }) as Record<string, string>[];
      expect(csv.map((r) => [r.month, r.market, r.amount_micros, r.amount_cents])).toEqual(records.map((r) => [r.month, r.market, String(r.amount_micros), String(r.amount_cents)]));
      expect(ndjson((await exported(`invoices/export?format=ndjson&from=2019-01&to=2019-03`)).body)).toEqual([]);
    });

    it("another business's key, the operator token or no token get 401/403, and nothing of the business", async () => {
      const rival = await w.business();
      for (const path of ['charges/export', 'invoices/export?format=ndjson']) {
        const foreign = await exported(path, rival.apiKey);
        expect(foreign.status).toBe(403);
        expect(JSON.stringify(foreign.body)).not.toContain(charges[0].message_id);
        expect((await exported(path, w.admin)).status).toBe(401);
        expect((await exported(path, '')).status).toBe(401);
      }
      // The rival's own export holds none of the shop's charges.
      const own = await fetch(`${w.api.baseUrl}/v1/${rival.id}/charges/export?format=ndjson`, { headers: { authorization: `Bearer ${rival.apiKey}` } });
      expect(own.status).toBe(200);
      expect(await own.text()).toBe('');
    });

    it.each([
      ['an unknown format', 'charges/export?format=xml'],
      ['a malformed from', 'charges/export?from=yesterday'],
      ['from after to', `charges/export?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`],
      ['an unknown parameter', 'charges/export?business=all'],
      ['a malformed month', 'invoices/export?from=2026-13'],
      ['months the wrong way round', 'invoices/export?from=2026-05&to=2026-04'],
    ])('%s is a 400 problem+json', async (_, path) => {
      const r = await exported(path);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    });
  });
});
