import { type BusinessActor, type CustomerActor, Scenario, expectStatus, phone } from '../support/scenario';

const DAY_S = 24 * 3600;
const code = Scenario.code;
const iso = (ms: number) => new Date(ms).toISOString();

type Prices = { marketing: string; utility: string; authentication: string };
const market = (name: string, callingCodes: string[], prices: Prices) => ({ market: name, calling_codes: callingCodes, prices });

/** A card with a market per calling-code length, so the longest prefix matters. */
const WORLD_MARKETS = [
  market('US', ['1'], { marketing: '0.025', utility: '0.008', authentication: '0.0135' }),
  market('BS', ['1242'], { marketing: '0.0123', utility: '0.0111', authentication: '0.0099' }),
  market('GB', ['44'], { marketing: '0.0529', utility: '0.022', authentication: '0.0358' }),
  market('IN', ['91'], { marketing: '0.0107', utility: '0.005', authentication: '0.0065' }),
  market('ROW', ['*'], { marketing: '0.0604', utility: '0.0077', authentication: '0.0075' }),
];

/** domain.md rule 7 (pricing), "Money", and the billing queries of api.md. */
describe('pricing and billing', () => {
  let w: Scenario;

  beforeAll(async () => {
    // Some tests move the clock by a month between hand-over and fetch: keep messages in the inbox that long.
    w = await Scenario.start({ INBOX_TTL_SECONDS: String(400 * 24 * 3600) });
  });
  afterAll(() => w.stop());

  /**
   * Every test publishes its own card, effective a little before now, after moving the clock on:
   * it is then the card in force whatever earlier tests published.
   */
  async function freshCard(markets: object[] = WORLD_MARKETS, secondsAgo = 30) {
    const now = await w.advance(120);
    const effectiveFrom = iso(now - secondsAgo * 1000);
    const r = await w.publishCard({ effective_from: effectiveFrom, currency: 'USD', markets });
    expectStatus(r, 201);
    expect(r.body).toEqual({ version: expect.any(Number), effective_from: effectiveFrom });
    return { version: r.body.version as number, effectiveFrom, now };
  }

  /** A customer who consented (opt-in) but has no open window. */
  async function consented(b: BusinessActor, countryCode = '44'): Promise<CustomerActor> {
    const c = await w.customer(phone(countryCode));
    expectStatus(await w.optIn(b, c, 'website'), 201);
    return c;
  }

  async function sendAndCharge(b: BusinessActor, c: CustomerActor, t: { name: string; parameterCount: number }) {
    const m = await w.decidedTemplate(b, c, t);
    expect(m.status).not.toBe('failed');
    await w.deliver(b, c, m.id);
    return w.charged(b, m.id);
  }

  describe('prices', () => {
    it('marketing and authentication templates pay the card price of the customer market; longest prefix wins; rest of world otherwise', async () => {
      const card = await freshCard();
      const shop = await w.business();
      const marketing = await w.template(shop, 'MARKETING');
      const auth = await w.template(shop, 'AUTHENTICATION');
      const cases: [string, typeof marketing, string, number][] = [
        ['44', marketing, 'GB', 52900],
        ['44', auth, 'GB', 35800],
        ['91', marketing, 'IN', 10700],
        ['91', auth, 'IN', 6500],
        ['1', marketing, 'US', 25000],
        ['1242', marketing, 'BS', 12300],
        ['1242', auth, 'BS', 9900],
        ['33', marketing, 'ROW', 60400],
        ['49', auth, 'ROW', 7500],
      ];
      for (const [cc, t, expectedMarket, micros] of cases) {
        const c = await w.customer(phone(cc));
        await w.inbound(c, shop); // inside the CSW: still regular for these categories
        const m = await sendAndCharge(shop, c, t);
        const category = t === marketing ? 'marketing' : 'authentication';
        expect(m.pricing).toEqual({ billable: true, pricing_model: 'PMP', category, type: 'regular' });
        expect(m.charge).toEqual({ amount_micros: micros, currency: 'USD', rate_card_version: card.version, market: expectedMarket });
      }
    });

    it('a UTILITY template is free inside the CSW (free_customer_service) and pays the card price outside it', async () => {
      await freshCard();
      const shop = await w.business();
      const utility = await w.template(shop, 'UTILITY');
      const inside = await w.customer(phone('91'));
      await w.inbound(inside, shop);
      const free = await w.decidedTemplate(shop, inside, utility);
      expect(free.pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'utility', type: 'free_customer_service' });

      const outside = await consented(shop, '91');
      const paid = await w.decidedTemplate(shop, outside, utility);
      expect(paid.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' });

      await w.deliver(shop, inside, free.id);
      await w.deliver(shop, outside, paid.id);
      expect((await w.charged(shop, paid.id)).charge).toEqual(expect.objectContaining({ amount_micros: 5000, market: 'IN' }));
      await w.pricingBarrier();
      expect((await w.message(shop, free.id)).body.charge).toBeUndefined();
      const charges = await w.charges(shop);
      expect(charges.body.data.map((c: any) => c.message_id)).toEqual([paid.id]);
    });

    it('free-form service messages are never charged', async () => {
      await freshCard();
      const shop = await w.business();
      const alice = await w.customer(phone('33'));
      await w.inbound(alice, shop);
      const reply = await w.decidedText(shop, alice);
      expect(reply.pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' });
      await w.deliver(shop, alice, reply.id);
      await w.pricingBarrier();
      expect((await w.message(shop, reply.id)).body.charge).toBeUndefined();
      expect((await w.charges(shop)).body.total_micros).toBe(0);
    });
  });

  describe('charges', () => {
    it('appear only once the device fetched its inbox (delivered), with the charge resource of api.md', async () => {
      const card = await freshCard();
      const shop = await w.business();
      const bob = await consented(shop, '44');
      const marketing = await w.template(shop, 'MARKETING');
      const m = await w.decidedTemplate(shop, bob, marketing);
      const sent = await w.settled(shop, m.id, ['sent']);
      expect(sent.charge).toBeUndefined();
      await w.pricingBarrier();
      expect((await w.message(shop, m.id)).body).toEqual(expect.objectContaining({ status: 'sent' }));
      expect((await w.message(shop, m.id)).body.charge).toBeUndefined();
      expect((await w.charges(shop)).body).toEqual({ data: [], total_micros: 0, currency: 'USD' });

      const inbox = await w.fetchInbox(bob);
      expect(inbox.map((i) => i.id)).toEqual([m.id]);
      const charged = await w.charged(shop, m.id);
      expect(charged.status).toBe('delivered');
      expect(charged.charge).toEqual({ amount_micros: 52900, currency: 'USD', rate_card_version: card.version, market: 'GB' });

      const charges = await w.charges(shop);
      expectStatus(charges, 200);
      expect(charges.body.currency).toBe('USD');
      expect(charges.body.total_micros).toBe(52900);
      expect(charges.body.data).toEqual([
        {
          message_id: m.id,
          wa_id: bob.waId,
          market: 'GB',
          category: 'marketing',
          pricing_type: 'regular',
          amount_micros: 52900,
          currency: 'USD',
          rate_card_version: card.version,
          charged_at: expect.any(String),
        },
      ]);
      expect(new Date(charges.body.data[0].charged_at).toISOString()).toBe(charges.body.data[0].charged_at);

      // Fetching again changes nothing: one charge per message.
      await w.fetchInbox(bob);
      await w.pricingBarrier();
      expect((await w.charges(shop)).body.total_micros).toBe(52900);
    });

    it('are never made for failed messages', async () => {
      await freshCard();
      const shop = await w.business();
      const carol = await w.customer(phone('44'));
      const marketing = await w.template(shop, 'MARKETING');
      const failed = [
        await w.decidedTemplate(shop, carol, marketing), // 1001
        await w.decidedText(shop, carol), // 131047
        await w.decidedTemplate(shop, carol, { name: 'nope', parameterCount: 0 }), // 132001
      ];
      expect(failed.map(code)).toEqual([1001, 131047, 132001]);
      expect(await w.fetchInbox(carol)).toEqual([]);
      await w.pricingBarrier();
      for (const m of failed) {
        const r = await w.message(shop, m.id);
        expect(r.body.status).toBe('failed');
        expect(r.body.charge).toBeUndefined();
        expect(r.body.pricing).toBeUndefined();
      }
      expect((await w.charges(shop)).body).toEqual({ data: [], total_micros: 0, currency: 'USD' });
    });

    it('GET charges?from&to: from inclusive, to exclusive, total_micros the exact sum', async () => {
      await freshCard();
      const shop = await w.business();
      const dave = await consented(shop, '91');
      const marketing = await w.template(shop, 'MARKETING');
      const auth = await w.template(shop, 'AUTHENTICATION');
      const first = await sendAndCharge(shop, dave, marketing); // 10700
      await w.advance(3600);
      const second = await sendAndCharge(shop, dave, auth); // 6500
      await w.advance(3600);
      const third = await sendAndCharge(shop, dave, marketing); // 10700

      const all = await w.charges(shop);
      expect(all.body.data.map((c: any) => c.message_id)).toEqual([first.id, second.id, third.id]);
      expect(all.body.total_micros).toBe(27900);
      const [c1, c2, c3] = all.body.data;
      expect(c1.charged_at < c2.charged_at && c2.charged_at < c3.charged_at).toBe(true);

      const window = async (from?: string, to?: string) => {
        const r = await w.charges(shop, { ...(from && { from }), ...(to && { to }) });
        expectStatus(r, 200);
        const sum = (r.body.data as any[]).reduce((s, c) => s + c.amount_micros, 0);
        expect(r.body.total_micros).toBe(sum);
        return (r.body.data as any[]).map((c) => c.message_id);
      };
      expect(await window(c2.charged_at, c3.charged_at)).toEqual([second.id]);
      expect(await window(c1.charged_at, c3.charged_at)).toEqual([first.id, second.id]);
      expect(await window(c2.charged_at)).toEqual([second.id, third.id]);
      expect(await window(undefined, c2.charged_at)).toEqual([first.id]);
      expect(await window(c1.charged_at, c1.charged_at)).toEqual([]);
      expect(await window(iso(Date.parse(c1.charged_at) + 1), iso(Date.parse(c3.charged_at) + 1))).toEqual([second.id, third.id]);
      expect((await w.charges(shop, { from: c2.charged_at, to: c3.charged_at })).body.total_micros).toBe(6500);

      const bad = await w.charges(shop, { from: 'yesterday' });
      expect(bad.status).toBe(400);
      const other = await w.business();
      const foreign = await w.api.call('GET', `/v1/${shop.id}/charges`, { token: other.apiKey });
      expect([401, 403, 404]).toContain(foreign.status);
      expect((await w.charges(other)).body).toEqual({ data: [], total_micros: 0, currency: 'USD' });
    });
  });

  describe('invoices', () => {
    const expectedInvoice = (charges: any[], month: string) => {
      const lines = new Map<string, any>();
      for (const c of charges.filter((c) => c.charged_at.slice(0, 7) === month)) {
        const key = `${c.market}|${c.category}|${c.pricing_type}`;
        const line = lines.get(key) ?? {
          market: c.market,
          category: c.category,
          pricing_type: c.pricing_type,
          messages: 0,
          amount_micros: 0,
        };
        line.messages++;
        line.amount_micros += c.amount_micros;
        lines.set(key, line);
      }
      return [...lines.values()];
    };

    it('lines per market, category and pricing type; total_micros the exact sum; total_cents rounded half-up once', async () => {
      await freshCard([
        market('GB', ['44'], { marketing: '0.0529', utility: '0.022', authentication: '0.0358' }),
        market('IN', ['91'], { marketing: '0.0107', utility: '0.005', authentication: '0.0142' }),
        market('ROW', ['*'], { marketing: '0.0604', utility: '0.0077', authentication: '0.0075' }),
      ]);
      const shop = await w.business();
      const marketing = await w.template(shop, 'MARKETING');
      const utility = await w.template(shop, 'UTILITY');
      const auth = await w.template(shop, 'AUTHENTICATION');
      const gb1 = await consented(shop, '44');
      const gb2 = await consented(shop, '44');
      const india = await consented(shop, '91');
      await sendAndCharge(shop, gb1, marketing); // GB marketing 52900
      await sendAndCharge(shop, gb2, marketing); // GB marketing 52900
      await sendAndCharge(shop, india, utility); // IN utility 5000
      await sendAndCharge(shop, india, auth); // IN authentication 14200
      // A free message adds nothing.
      const inWindow = await w.customer(phone('44'));
      await w.inbound(inWindow, shop);
      const free = await w.decidedTemplate(shop, inWindow, utility);
      await w.deliver(shop, inWindow, free.id);
      await w.pricingBarrier();

      const charges = (await w.charges(shop)).body.data as any[];
      expect(charges).toHaveLength(4);
      const months = [...new Set(charges.map((c) => c.charged_at.slice(0, 7)))];
      let grandTotal = 0;
      for (const month of months) {
        const invoice = await w.invoice(shop, month);
        expectStatus(invoice, 200);
        const expected = expectedInvoice(charges, month);
        expect(invoice.body.month).toBe(month);
        expect(invoice.body.currency).toBe('USD');
        expect(invoice.body.lines).toHaveLength(expected.length);
        expect(invoice.body.lines).toEqual(expect.arrayContaining(expected));
        const sum = (invoice.body.lines as any[]).reduce((s, l) => s + l.amount_micros, 0);
        expect(invoice.body.total_micros).toBe(sum);
        expect(invoice.body.total_cents).toBe(Math.floor((sum + 5000) / 10000));
        grandTotal += invoice.body.total_micros;
      }
      expect(grandTotal).toBe(125000);
      if (months.length === 1) {
        const invoice = await w.invoice(shop, months[0]);
        expect(invoice.body.lines).toEqual(
          expect.arrayContaining([
            { market: 'GB', category: 'marketing', pricing_type: 'regular', messages: 2, amount_micros: 105800 },
            { market: 'IN', category: 'utility', pricing_type: 'regular', messages: 1, amount_micros: 5000 },
            { market: 'IN', category: 'authentication', pricing_type: 'regular', messages: 1, amount_micros: 14200 },
          ]),
        );
        // 125000 micros = 12.5 cents: half-up gives 13 (half-even would give 12).
        expect(invoice.body.total_micros).toBe(125000);
        expect(invoice.body.total_cents).toBe(13);
      }
    });

    it('rounds once, on the total, not per line', async () => {
      await freshCard([market('ROW', ['*'], { marketing: '0.0145', utility: '0.0145', authentication: '0.0145' })]);
      const shop = await w.business();
      const c = await consented(shop, '33');
      for (const category of ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const) {
        await sendAndCharge(shop, c, await w.template(shop, category));
      }
      const charges = (await w.charges(shop)).body.data as any[];
      const months = [...new Set(charges.map((ch) => ch.charged_at.slice(0, 7)))];
      if (months.length === 1) {
        const invoice = await w.invoice(shop, months[0]);
        expect(invoice.body.lines).toHaveLength(3);
        for (const line of invoice.body.lines) expect(line.amount_micros).toBe(14500);
        // 43500 micros = 4.35 cents → 4; rounding each 1.45-cent line first would give 3.
        expect(invoice.body.total_micros).toBe(43500);
        expect(invoice.body.total_cents).toBe(4);
      }
    });

    it('a charge belongs to the UTC month of its delivery, not of its acceptance', async () => {
      await freshCard();
      const shop = await w.business();
      const erin = await consented(shop, '44');
      const marketing = await w.template(shop, 'MARKETING');
      const m = await w.decidedTemplate(shop, erin, marketing);
      await w.settled(shop, m.id, ['sent']);
      const acceptedMonth = iso(await w.now()).slice(0, 7);
      await w.advance(32 * DAY_S); // next month at least
      await w.fetchInbox(erin);
      const charged = await w.charged(shop, m.id);
      const charge = (await w.charges(shop)).body.data[0];
      expect(charge.message_id).toBe(charged.id);
      const deliveryMonth = charge.charged_at.slice(0, 7);
      expect(deliveryMonth > acceptedMonth).toBe(true);

      const delivered = await w.invoice(shop, deliveryMonth);
      expect(delivered.body.total_micros).toBe(charged.charge.amount_micros);
      const accepted = await w.invoice(shop, acceptedMonth);
      expectStatus(accepted, 200);
      expect(accepted.body).toEqual({ month: acceptedMonth, lines: [], total_micros: 0, total_cents: 0, currency: 'USD' });
    });

    it('a month without charges is an empty invoice; a malformed month is a 400; another business is refused', async () => {
      const shop = await w.business();
      const empty = await w.invoice(shop, '2019-02');
      expectStatus(empty, 200);
      expect(empty.body).toEqual({ month: '2019-02', lines: [], total_micros: 0, total_cents: 0, currency: 'USD' });
      for (const month of ['2019-13', '2019-2', 'february', '2019-02-01']) {
        const r = await w.invoice(shop, month);
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
      }
      const other = await w.business();
      const foreign = await w.api.call('GET', `/v1/${shop.id}/invoices/2019-02`, { token: other.apiKey });
      expect([401, 403, 404]).toContain(foreign.status);
    });
  });

  describe('rate cards', () => {
    const validCard = (prices: Partial<Prices> = {}, effectiveFrom = '2021-01-01T00:00:00Z') => ({
      effective_from: effectiveFrom,
      currency: 'USD',
      markets: [
        market('GB', ['44'], { marketing: '0.0529', utility: '0.022', authentication: '0.0358', ...prices }),
        market('ROW', ['*'], { marketing: '0.0604', utility: '0.0077', authentication: '0.0075' }),
      ],
    });

    it.each([
      ['below half a cent', { marketing: '0.0049' }],
      ['above nine cents', { utility: '0.0901' }],
      ['seven decimals', { authentication: '0.0100001' }],
      ['seven decimals, trailing zero', { marketing: '0.0500000' }],
      ['zero', { marketing: '0' }],
      ['negative', { marketing: '-0.01' }],
      ['a JSON number', { marketing: 0.05 as unknown as string }],
      ['not a number', { marketing: 'five cents' }],
      ['exponent notation', { marketing: '5e-2' }],
    ])('a price %s is refused with 400 and nothing is published', async (_, prices) => {
      const before = await w.currentCard();
      const r = await w.publishCard(validCard(prices, iso((await w.now()) - 1000)));
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body).toEqual(expect.objectContaining({ status: 400, title: expect.any(String), detail: expect.any(String) }));
      const after = await w.currentCard();
      expect(after.status).toBe(before.status);
      expect(after.body).toEqual(before.body);
    });

    it.each([
      ['a wrong currency', { currency: 'EUR' }],
      ['no markets', { markets: [] }],
      ['a malformed effective_from', { effective_from: 'next tuesday' }],
      ['a missing price', { markets: [{ market: 'GB', calling_codes: ['44'], prices: { marketing: '0.05', utility: '0.05' } }] }],
      ['a malformed calling code', { markets: [market('GB', ['+44'], { marketing: '0.05', utility: '0.05', authentication: '0.05' })] }],
      [
        'a calling code in two markets',
        {
          markets: [
            market('GB', ['44'], { marketing: '0.05', utility: '0.05', authentication: '0.05' }),
            market('UK', ['44'], { marketing: '0.05', utility: '0.05', authentication: '0.05' }),
          ],
        },
      ],
    ])('a card with %s is refused with 400 and nothing is published', async (_, patch) => {
      const before = await w.currentCard();
      const r = await w.publishCard({ ...validCard({}, iso((await w.now()) - 1000)), ...patch });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect((await w.currentCard()).body).toEqual(before.body);
    });

    it('the bounds 0.005 and 0.09 are both accepted, and GET current shows the card in force', async () => {
      const now = await w.advance(120);
      const effectiveFrom = iso(now - 10_000);
      const r = await w.publishCard(validCard({ marketing: '0.09', utility: '0.005', authentication: '0.010000' }, effectiveFrom));
      expectStatus(r, 201);
      const current = await w.currentCard();
      expectStatus(current, 200);
      expect(current.body).toEqual(
        expect.objectContaining({
          version: r.body.version,
          effective_from: effectiveFrom,
          currency: 'USD',
          markets: expect.arrayContaining([
            { market: 'GB', calling_codes: ['44'], prices: { marketing: '0.09', utility: '0.005', authentication: '0.01' } },
          ]),
        }),
      );
      const shop = await w.business();
      const c = await consented(shop, '44');
      const m = await sendAndCharge(shop, c, await w.template(shop, 'MARKETING'));
      expect(m.charge).toEqual({ amount_micros: 90000, currency: 'USD', rate_card_version: r.body.version, market: 'GB' });
    });

    it('rate cards are operator-only', async () => {
      const shop = await w.business();
      const r = await w.api.call('POST', '/v1/rate-cards', { token: shop.apiKey, body: validCard() });
      expect([401, 403]).toContain(r.status);
      const none = await w.api.call('POST', '/v1/rate-cards', { body: validCard() });
      expect(none.status).toBe(401);
    });

    it('a card published after a message was accepted never re-prices it, even with an earlier effective_from', async () => {
      const now = await w.advance(120);
      const first = await w.publishCard(validCard({ marketing: '0.0200' }, iso(now - 40_000)));
      expectStatus(first, 201);
      const shop = await w.business();
      const marketing = await w.template(shop, 'MARKETING');
      const gina = await consented(shop, '44');
      const early = await w.decidedTemplate(shop, gina, marketing);
      expect(early.status).not.toBe('failed');

      // In force from before `early` was accepted, but published after it.
      const second = await w.publishCard(validCard({ marketing: '0.0300' }, iso(now - 20_000)));
      expectStatus(second, 201);
      expect(second.body.version).toBe(first.body.version + 1);
      expect((await w.currentCard()).body.version).toBe(second.body.version);

      const later = await w.decidedTemplate(shop, gina, marketing);
      await w.deliver(shop, gina, early.id, later.id);
      expect((await w.charged(shop, early.id)).charge).toEqual({
        amount_micros: 20000,
        currency: 'USD',
        rate_card_version: first.body.version,
        market: 'GB',
      });
      expect((await w.charged(shop, later.id)).charge).toEqual({
        amount_micros: 30000,
        currency: 'USD',
        rate_card_version: second.body.version,
        market: 'GB',
      });
      const charges = await w.charges(shop);
      // Both were delivered by one fetch (same charged_at), so their order in the list is not fixed.
      const rows = charges.body.data.map((c: any) => [c.message_id, c.rate_card_version, c.amount_micros]);
      expect(rows).toHaveLength(2);
      expect(rows).toEqual(
        expect.arrayContaining([
          [early.id, first.body.version, 20000],
          [later.id, second.body.version, 30000],
        ]),
      );
      expect(charges.body.total_micros).toBe(50000);
    });

    it('a message is priced at acceptance: a new card in force before its delivery does not change its charge', async () => {
      const now = await w.advance(120);
      const first = await w.publishCard(validCard({ authentication: '0.0111' }, iso(now - 10_000)));
      const shop = await w.business();
      const auth = await w.template(shop, 'AUTHENTICATION');
      const hank = await consented(shop, '44');
      const m = await w.decidedTemplate(shop, hank, auth);
      await w.settled(shop, m.id, ['sent']);
      const later = await w.advance(60);
      const second = await w.publishCard(validCard({ authentication: '0.0222' }, iso(later - 1000)));
      expectStatus(second, 201);
      await w.fetchInbox(hank);
      expect((await w.charged(shop, m.id)).charge).toEqual({
        amount_micros: 11100,
        currency: 'USD',
        rate_card_version: first.body.version,
        market: 'GB',
      });
    });

    it('a card effective in the future is not used before its effective_from; on a tie the higher version wins', async () => {
      const now = await w.advance(120);
      const current = await w.publishCard(validCard({ marketing: '0.0400' }, iso(now - 10_000)));
      const future = await w.publishCard(validCard({ marketing: '0.0500' }, iso(now + 3600_000)));
      expectStatus(future, 201);
      expect((await w.currentCard()).body.version).toBe(current.body.version);

      const shop = await w.business();
      const marketing = await w.template(shop, 'MARKETING');
      const ivy = await consented(shop, '44');
      const before = await sendAndCharge(shop, ivy, marketing);
      expect(before.charge).toEqual(expect.objectContaining({ amount_micros: 40000, rate_card_version: current.body.version }));

      await w.advance(3600);
      expect((await w.currentCard()).body.version).toBe(future.body.version);
      const after = await sendAndCharge(shop, ivy, marketing);
      expect(after.charge).toEqual(expect.objectContaining({ amount_micros: 50000, rate_card_version: future.body.version }));

      // Two cards with the same effective_from: the higher version is in force.
      const at = iso((await w.advance(60)) - 5000);
      const lower = await w.publishCard(validCard({ marketing: '0.0601' }, at));
      const higher = await w.publishCard(validCard({ marketing: '0.0602' }, at));
      expect(higher.body.version).toBe(lower.body.version + 1);
      expect((await w.currentCard()).body.version).toBe(higher.body.version);
      const tie = await sendAndCharge(shop, ivy, marketing);
      expect(tie.charge).toEqual(expect.objectContaining({ amount_micros: 60200, rate_card_version: higher.body.version }));
    });
  });
});
