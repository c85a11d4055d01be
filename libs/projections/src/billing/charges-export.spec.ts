import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chargesProjection } from '../projections/charges.projection';
import { migrate } from '../sql/migrations';
import { SqliteDatabase } from '../sql/sqlite-database';
import { chargeRecords, countCharges } from './charges-export';

/** Keyset pages of the charges export: every charge of the filter once, in order, whatever the page size. */
describe('charge records, a page at a time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-charges-export-'));
  const db = new SqliteDatabase(join(dir, 'read-models.db'), { walCheckpoints: false });
  // Three charges share each instant, so pages end in the middle of an instant.
  const times = ['2026-02-28T23:59:59.000Z', '2026-03-01T00:00:00.000Z', '2026-03-15T12:00:00.000Z', '2026-04-01T00:00:00.000Z'];
  const charges = times.flatMap((at, t) => ['c', 'a', 'b'].map((suffix) => ({ id: `m${t}${suffix}`, at })));

  beforeAll(async () => {
    await migrate(db, chargesProjection.name, chargesProjection.migrations);
    for (const business of ['biz-1', 'biz-2'])
      for (const c of charges)
        await db.run(
          `INSERT INTO charges (message_id, business_id, wa_id, market, category, pricing_type, amount_micros, rate_card_version, charged_at, invoice_month, billed_position)
           VALUES (?, ?, '919800000001', 'IN', 'marketing', 'regular', 10700, 1, ?, ?, 1)`,
          [`${business}-${c.id}`, business, c.at, c.at.slice(0, 7)],
        );
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = async (filter: Parameters<typeof chargeRecords>[1], pageRows: number) => {
    const out: string[] = [];
    for await (const c of chargeRecords(db, filter, pageRows)) out.push(c.message_id);
    return out;
  };

  it.each([1, 2, 4, 1000])("one business's charges of March, by delivery time then id, in pages of %p", async (pageRows) => {
    const march = { businessId: 'biz-1', from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };
    expect(await ids(march, pageRows)).toEqual(['m1a', 'm1b', 'm1c', 'm2a', 'm2b', 'm2c'].map((id) => `biz-1-${id}`));
    expect(await countCharges(db, march)).toBe(6);
  });

  it.each([1, 2, 5])('every business, by business, in pages of %p', async (pageRows) => {
    const expected = ['biz-1', 'biz-2'].flatMap((b) => [0, 1, 2, 3].flatMap((t) => ['a', 'b', 'c'].map((s) => `${b}-m${t}${s}`)));
    expect(await ids({}, pageRows)).toEqual(expected);
    expect(await ids({ from: '2026-03-15T12:00:00.000Z', to: '2026-03-15T12:00:00.001Z' }, pageRows)).toEqual(
      ['biz-1', 'biz-2'].flatMap((b) => ['a', 'b', 'c'].map((s) => `${b}-m2${s}`)),
    );
    expect(await countCharges(db, {})).toBe(24);
  });
});
