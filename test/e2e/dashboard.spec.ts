import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/browser';
import { expectProblem } from '../support/problem';
import { type BusinessActor, type CustomerActor, Scenario, expectStatus, phone } from '../support/scenario';

/**
 * The finance and operations dashboard in a real headless Chromium, against the built platform:
 * locked without the operator token; with it, revenue per day and per market, top businesses,
 * message outcomes and projection lag, each equal to what the API itself says.
 */
const DAY_S = 24 * 3600;
const DATA = ['revenue', 'businesses', 'outcomes', 'lag'];
/** Kept after each run, one per deployment (the two Jest projects may run at once). */
const SCREENSHOT = `test/artifacts/${process.env.E2E_DEPLOYMENT === 'distributed' ? 'dashboard-distributed' : 'dashboard'}.png`;
/** The page's status labels, in its order. */
const STATUS_LABELS: [string, string][] = [
  ['delivered', 'Delivered (not read yet)'],
  ['read', 'Read'],
  ['failed', 'Failed'],
  ['sent', 'Sent (not delivered yet)'],
  ['accepted', 'Accepted (not sent yet)'],
  ['pending', 'Pending (not decided yet)'],
];
/** The page's colours for markets (by rank) and statuses: a bar drawn leaves pixels of exactly its colour. */
const MARKET_COLOURS = ['#0072b2', '#e69f00', '#009e73'];
const STATUS_COLOURS: Record<string, string> = { delivered: '#009e73', read: '#0072b2', failed: '#d55e00', sent: '#56b4e9' };

/** "$1,234.5678" as the page shows it, read back as integer micro-dollars (exact: no floating point). */
function micros(shown: string): number {
  const match = /^\$([\d,]+)\.(\d{2,6})$/.exec(shown);
  if (!match) throw new Error(`not an amount: ${shown}`);
  return Number(match[1].replaceAll(',', '')) * 1_000_000 + Number(match[2].padEnd(6, '0'));
}

const sum = (values: number[]) => values.reduce((total, n) => total + n, 0);

/** Messages and micros per key, as finance would add charges up. */
function totalsBy(charges: any[], key: (charge: any) => string): Map<string, { messages: number; micros: number }> {
  const totals = new Map<string, { messages: number; micros: number }>();
  for (const charge of charges) {
    const total = totals.get(key(charge)) ?? { messages: 0, micros: 0 };
    total.messages++;
    total.micros += charge.amount_micros;
    totals.set(key(charge), total);
  }
  return totals;
}

/** The text of every cell of a table's body, row by row. */
const rows = (page: Page, table: string): Promise<string[][]> =>
  page
    .locator(`#${table} tbody tr`)
    .evaluateAll((trs: any[]) => trs.map((tr) => [...tr.cells].map((cell: any) => cell.textContent.trim())));

/** The Chart.js chart drawn on a canvas, its data, and how many pixels of its plot area are exactly each given colour. */
const chartOn = (page: Page, canvas: string, colours: string[]) =>
  page.locator(`#${canvas}`).evaluate((element: any, hexes: string[]) => {
    const chart = element.ownerDocument.defaultView.Chart.getChart(element);
    // The plot area only: a legend's boxes have the colours too.
    const { left, top, right, bottom } = chart.chartArea;
    const ratio = chart.currentDevicePixelRatio;
    const { data } = element.getContext('2d').getImageData(left * ratio, top * ratio, (right - left) * ratio, (bottom - top) * ratio);
    const painted: Record<string, number> = Object.fromEntries(hexes.map((hex) => [hex, 0]));
    for (let i = 0; i < data.length; i += 4) {
      const hex = `#${[data[i], data[i + 1], data[i + 2]].map((c: number) => c.toString(16).padStart(2, '0')).join('')}`;
      if (data[i + 3] === 255 && hex in painted) painted[hex]++;
    }
    return (
      chart && {
        type: chart.config.type,
        labels: chart.data.labels,
        datasets: chart.data.datasets.map((d: any) => ({ label: d.label, data: [...d.data] })),
        painted,
      }
    );
  }, colours);

describeWithChromium()('the finance and operations dashboard, in headless Chromium', () => {
  let w: Scenario;
  let browser: Browser;
  /** Every message the scenario requested, whatever became of it. */
  const requested: { b: BusinessActor; id: string }[] = [];
  /** The API's charges of each business. */
  let chargesOf: Map<BusinessActor, any[]>;
  /** The businesses, highest revenue first by those charges. */
  let ranked: BusinessActor[];
  let charges: any[];

  async function consented(b: BusinessActor, countryCode: string): Promise<CustomerActor> {
    const c = await w.customer(phone(countryCode));
    expectStatus(await w.optIn(b, c), 201);
    return c;
  }

  /** A template to a consented customer, delivered, hence charged at the customer's market price. */
  async function charged(b: BusinessActor, t: { name: string; parameterCount: number }, countryCode: string) {
    const c = await consented(b, countryCode);
    const m = await w.decidedTemplate(b, c, t);
    requested.push({ b, id: m.id });
    await w.deliver(b, c, m.id);
    await w.charged(b, m.id);
    return { c, id: m.id };
  }

  async function failed(b: BusinessActor, send: () => Promise<any>, code: number) {
    const m = await send();
    requested.push({ b, id: m.id });
    expect(Scenario.code(m)).toBe(code);
  }

  beforeAll(async () => {
    w = await Scenario.start();
    await w.rateCard(); // IN, GB and the rest of the world
    const [acme, bistro, corner] = [await w.business(), await w.business(), await w.business()];
    const acmeMarketing = await w.template(acme, 'MARKETING');
    const bistroMarketing = await w.template(bistro, 'MARKETING');

    // Two days of charges in three markets; acme > bistro > corner in revenue.
    const read = await charged(acme, acmeMarketing, '44');
    await charged(acme, acmeMarketing, '44');
    await charged(acme, await w.template(acme, 'AUTHENTICATION'), '91');
    await charged(bistro, bistroMarketing, '33');
    await charged(corner, await w.template(corner, 'MARKETING'), '91');
    await w.advance(DAY_S);
    await charged(acme, acmeMarketing, '44');
    await charged(bistro, bistroMarketing, '33');
    await charged(corner, await w.template(corner, 'UTILITY'), '44'); // outside any window: the utility price

    // Outcomes that bring no revenue: read, a free reply, one never fetched, three failures.
    expectStatus(await w.receipt(read.c, read.id), 204);
    await w.settled(acme, read.id, ['read']);
    const asking = await w.customer(phone('44'));
    await w.inbound(asking, corner);
    const reply = await w.decidedText(corner, asking);
    requested.push({ b: corner, id: reply.id });
    await w.deliver(corner, asking, reply.id);
    const away = await consented(bistro, '33');
    const unfetched = await w.decidedTemplate(bistro, away, bistroMarketing);
    requested.push({ b: bistro, id: unfetched.id });
    await w.settled(bistro, unfetched.id, ['sent']);
    await failed(acme, async () => w.decidedText(acme, await consented(acme, '44')), 131047);
    await failed(corner, async () => w.decidedText(corner, await consented(corner, '91')), 131047);
    await failed(bistro, async () => w.decidedTemplate(bistro, await w.customer(phone('91')), bistroMarketing), 1001);

    // What the API itself says was charged, business by business.
    chargesOf = new Map();
    for (const b of [acme, bistro, corner]) {
      const r = await w.charges(b);
      expectStatus(r, 200);
      expect(r.body.total_micros).toBe(sum(r.body.data.map((c: any) => c.amount_micros)));
      chargesOf.set(b, r.body.data);
    }
    const revenueOf = (b: BusinessActor) => sum(chargesOf.get(b)!.map((c) => c.amount_micros));
    ranked = [acme, bistro, corner].sort((x, y) => revenueOf(y) - revenueOf(x));
    expect(ranked).toEqual([acme, bistro, corner]);
    charges = [...chargesOf.values()].flat();

    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await w?.stop();
  });

  /** A fresh tab (its own session storage) that records what it loaded and every script error. */
  async function openDashboard() {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const loaded: { path: string; status: number }[] = [];
    const errors: string[] = [];
    page.on('response', (r) => loaded.push({ path: new URL(r.url()).pathname, status: r.status() }));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('requestfailed', (r) => errors.push(`${r.url()}: ${r.failure()?.errorText}`));
    // Refused loads are reported on the console too (a CSP violation only there); the browser's own favicon probe is no error of the page.
    page.on(
      'console',
      (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(`${m.location().url}: ${m.text()}`),
    );
    const shell = await page.goto(`${w.platform.url}/dashboard`);
    expect(shell?.status()).toBe(200);
    return { page, loaded, errors };
  }

  async function signIn(page: Page, token: string): Promise<string | null> {
    await page.fill('#token', token);
    await page.click('#sign-in-form button[type="submit"]');
    await page.locator('#dashboard[data-state="ready"], #dashboard[data-state="error"]').waitFor();
    return page.locator('#dashboard').getAttribute('data-state');
  }

  const sessionStorageSize = (page: Page) => page.evaluate(() => (globalThis as any).sessionStorage.length as number);

  it('refuses the data without the operator token (401 problem+json), while the page shell itself holds none', async () => {
    const shell = await fetch(`${w.platform.url}/dashboard`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toMatch(/^text\/html/);
    expect(shell.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await shell.text()).not.toContain(ranked[0].phone);
    for (const path of DATA) {
      for (const token of [undefined, 'not-the-operator-token', ranked[0].apiKey]) {
        const r = await w.api.call('GET', `/v1/dashboard/${path}`, { token });
        expectProblem(r, 401);
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
  });

  it('stays locked without the token, asks for it, and says so when the platform refuses one', async () => {
    const { page, loaded, errors } = await openDashboard();
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('#token').isVisible()).toBe(true);
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    expect(loaded.filter((l) => l.path.startsWith('/v1/'))).toEqual([]);

    await page.fill('#token', 'not-the-operator-token');
    await page.click('#sign-in-form button[type="submit"]');
    await page.locator('#sign-in-error').waitFor();
    expect(await page.locator('#sign-in-error').textContent()).toMatch(/refused this token/);
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    expect(await page.locator('#revenue-total').textContent()).toBe('–');
    expect(await page.locator('#top-businesses-table tbody tr').count()).toBe(0);
    expect(await sessionStorageSize(page)).toBe(0);
    const answers = loaded.filter((l) => l.path.startsWith('/v1/dashboard/'));
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(errors.every((e) => /401/.test(e))).toBe(true);
    await page.context().close();
  });

  it('with the token, draws revenue, top businesses, outcomes and lag, each equal to what the API says', async () => {
    const { page, loaded, errors } = await openDashboard();
    expect(await signIn(page, w.admin)).toBe('ready');
    expect(await page.locator('#sign-in').isHidden()).toBe(true);

    // Revenue: the total, to the micro-dollar, equals the charges and the invoices of the API.
    const total = sum(charges.map((c) => c.amount_micros));
    let invoiced = 0;
    for (const b of ranked) {
      for (const month of new Set(charges.map((c) => c.charged_at.slice(0, 7)))) {
        const invoice = await w.invoice(b, month);
        expectStatus(invoice, 200);
        invoiced += invoice.body.total_micros;
      }
    }
    expect(invoiced).toBe(total);
    expect(micros((await page.locator('#revenue-total').textContent())!)).toBe(total);
    expect(await page.locator('#revenue-messages').textContent()).toBe(String(charges.length));

    // Per market: the table and the chart, highest first, every bar drawn.
    const markets = [...totalsBy(charges, (c) => c.market)].sort(([, x], [, y]) => y.micros - x.micros);
    expect(markets.map(([market]) => market)).toEqual(['GB', 'ROW', 'IN']);
    expect(
      (await rows(page, 'revenue-by-market-table')).map(([market, messages, amount]) => [market, Number(messages), micros(amount)]),
    ).toEqual(markets.map(([market, t]) => [market, t.messages, t.micros]));
    const byMarket = await chartOn(page, 'revenue-by-market-chart', MARKET_COLOURS);
    expect(byMarket).toEqual(
      expect.objectContaining({
        type: 'bar',
        labels: markets.map(([market]) => market),
        datasets: [{ label: 'Revenue', data: markets.map(([, t]) => t.micros) }],
      }),
    );
    for (const colour of MARKET_COLOURS) expect(byMarket.painted[colour]).toBeGreaterThan(0);

    // Per day: every day of the default 30-day period, the charged ones equal to the API's charges by day.
    const days = [...totalsBy(charges, (c) => c.charged_at.slice(0, 10))].sort(([x], [y]) => (x < y ? -1 : 1));
    expect(days.length).toBeGreaterThanOrEqual(2);
    const dayRows = await rows(page, 'revenue-by-day-table');
    expect(dayRows).toHaveLength(30);
    expect(
      dayRows.filter(([, messages]) => messages !== '0').map(([day, messages, amount]) => [day, Number(messages), micros(amount)]),
    ).toEqual(days.map(([day, t]) => [day, t.messages, t.micros]));
    const byDay = await chartOn(page, 'revenue-by-day-chart', MARKET_COLOURS);
    expect(byDay.labels).toEqual(dayRows.map(([day]) => day.slice(5)));
    expect(byDay.datasets.map((d: any) => d.label)).toEqual(markets.map(([market]) => market));
    byDay.datasets.forEach((d: any, i: number) => expect(sum(d.data)).toBe(markets[i][1].micros));
    for (const [day, t] of days) expect(sum(byDay.datasets.map((d: any) => d.data[byDay.labels.indexOf(day.slice(5))]))).toBe(t.micros);
    for (const colour of MARKET_COLOURS) expect(byDay.painted[colour]).toBeGreaterThan(0);

    // Top businesses: the scenario's three, in revenue order, with their charges.
    expect(
      (await rows(page, 'top-businesses-table')).map(([rank, name, number, messages, amount]) => [
        rank,
        name,
        number,
        Number(messages),
        micros(amount),
      ]),
    ).toEqual(
      ranked.map((b, i) => [
        String(i + 1),
        `Business ${b.phone}`,
        b.phone,
        chargesOf.get(b)!.length,
        sum(chargesOf.get(b)!.map((c) => c.amount_micros)),
      ]),
    );

    // Outcomes: each requested message at its status as the API reads it, failures by code.
    const messages = await Promise.all(requested.map(async ({ b, id }) => (await w.message(b, id)).body));
    const statuses = new Map(STATUS_LABELS.map(([status]) => [status, messages.filter((m) => m.status === status).length]));
    for (const status of Object.keys(STATUS_COLOURS)) expect(statuses.get(status)).toBeGreaterThan(0);
    expect(await rows(page, 'outcomes-table')).toEqual(STATUS_LABELS.map(([status, label]) => [label, String(statuses.get(status))]));
    const outcomes = await chartOn(page, 'outcomes-chart', Object.values(STATUS_COLOURS));
    expect(outcomes).toEqual(
      expect.objectContaining({
        labels: STATUS_LABELS.map(([, label]) => label),
        datasets: [{ label: 'Messages', data: STATUS_LABELS.map(([status]) => statuses.get(status)) }],
      }),
    );
    for (const colour of Object.values(STATUS_COLOURS)) expect(outcomes.painted[colour]).toBeGreaterThan(0);
    const failures = [
      ...totalsBy(
        messages.filter((m) => m.status === 'failed'),
        (m) => `${m.errors[0].code}\t${m.errors[0].title}`,
      ),
    ]
      .map(([error, t]) => [...error.split('\t'), String(t.messages)])
      .sort((x, y) => Number(y[2]) - Number(x[2]) || Number(x[0]) - Number(y[0]));
    expect(failures.map(([code, , n]) => [code, n])).toEqual([
      ['131047', '2'],
      ['1001', '1'],
    ]);
    expect(await rows(page, 'failures-table')).toEqual(failures);

    // Projection lag: every projection, as the lag query reads it now (nothing is being written).
    const lag = await w.api.call('GET', '/v1/dashboard/lag', { token: w.admin });
    expectStatus(lag, 200);
    expect(lag.body.projections.map((p: any) => p.projection)).toEqual(expect.arrayContaining(['messages', 'charges', 'businesses']));
    expect(await rows(page, 'lag-table')).toEqual(
      lag.body.projections.map((p: any) => [p.projection, p.behind_events === null ? 'unknown' : String(p.behind_events)]),
    );
    expect(await page.locator('#lag-summary').textContent()).toMatch(/behind the log/);

    expect(loaded.filter((l) => l.status >= 400 && l.path !== '/favicon.ico')).toEqual([]);
    expect(errors).toEqual([]);
    rmSync(SCREENSHOT, { force: true });
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    await page.context().close();
  });

  it('redraws for the period asked for: one day, its charges only', async () => {
    const { page, errors } = await openDashboard();
    expect(await signIn(page, w.admin)).toBe('ready');
    const day = charges
      .map((c) => c.charged_at.slice(0, 10))
      .sort()
      .at(-1);
    const ofDay = charges.filter((c) => c.charged_at.startsWith(day));
    await page.fill('#from', day);
    await page.fill('#to', day);
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/v1/dashboard/revenue?')),
      page.click('#period-form button[type="submit"]'),
    ]);
    await page.locator('#dashboard[data-state="ready"]').waitFor();

    expect(micros((await page.locator('#revenue-total').textContent())!)).toBe(sum(ofDay.map((c) => c.amount_micros)));
    expect((await rows(page, 'revenue-by-day-table')).map(([shown]) => shown)).toEqual([day]);
    const markets = [...totalsBy(ofDay, (c) => c.market)].sort(([, x], [, y]) => y.micros - x.micros);
    const byMarket = await chartOn(page, 'revenue-by-market-chart', []);
    expect(byMarket.labels).toEqual(markets.map(([market]) => market));
    expect(byMarket.datasets[0].data).toEqual(markets.map(([, t]) => t.micros));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps the token for the tab only, until the operator signs out', async () => {
    const { page } = await openDashboard();
    expect(await signIn(page, w.admin)).toBe('ready');
    await page.reload();
    await page.locator('#dashboard[data-state="ready"]').waitFor();

    await page.click('#sign-out');
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    expect(await sessionStorageSize(page)).toBe(0);
    await page.reload();
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    await page.context().close();
  });
});
