import { liveName, shadowName, toShadowSql } from './shadow-sql';

describe('statements aimed at shadow tables', () => {
  const tables = ['charges', 'invoice_lines'];

  it('renames tables where they are tables: created, inserted into, updated, read, deleted from, qualified', () => {
    expect(toShadowSql(`CREATE TABLE IF NOT EXISTS charges (message_id TEXT PRIMARY KEY)`, tables)).toBe(
      `CREATE TABLE IF NOT EXISTS charges__shadow (message_id TEXT PRIMARY KEY)`,
    );
    expect(toShadowSql(`INSERT INTO charges (a) VALUES (?)`, tables)).toBe(`INSERT INTO charges__shadow (a) VALUES (?)`);
    expect(toShadowSql(`update CHARGES set a = 1`, tables)).toBe(`update CHARGES__shadow set a = 1`);
    expect(toShadowSql(`SELECT * FROM charges c JOIN invoice_lines l ON c.x = l.x`, tables)).toBe(
      `SELECT * FROM charges__shadow c JOIN invoice_lines__shadow l ON c.x = l.x`,
    );
    expect(toShadowSql(`DELETE FROM invoice_lines`, tables)).toBe(`DELETE FROM invoice_lines__shadow`);
    expect(toShadowSql(`ALTER TABLE charges ADD COLUMN note TEXT`, tables)).toBe(`ALTER TABLE charges__shadow ADD COLUMN note TEXT`);
  });

  it('leaves a column that shares a table name alone, and renames its qualifier', () => {
    const upsert = `INSERT INTO invoice_lines (business_id, messages, amount_micros) VALUES (?, 1, ?)
       ON CONFLICT (business_id) DO UPDATE SET messages = invoice_lines.messages + 1, amount_micros = invoice_lines.amount_micros + excluded.amount_micros`;
    expect(toShadowSql(upsert, [...tables, 'messages'])).toBe(
      `INSERT INTO invoice_lines__shadow (business_id, messages, amount_micros) VALUES (?, 1, ?)
       ON CONFLICT (business_id) DO UPDATE SET messages = invoice_lines__shadow.messages + 1, amount_micros = invoice_lines__shadow.amount_micros + excluded.amount_micros`,
    );
  });

  it('renames index names, with or without IF [NOT] EXISTS, and the table they index', () => {
    expect(toShadowSql(`CREATE INDEX IF NOT EXISTS charges_by_business_time ON charges (business_id, charged_at)`, tables)).toBe(
      `CREATE INDEX IF NOT EXISTS charges_by_business_time__shadow ON charges__shadow (business_id, charged_at)`,
    );
    expect(toShadowSql(`CREATE UNIQUE INDEX lines_once ON invoice_lines (month)`, tables)).toBe(
      `CREATE UNIQUE INDEX lines_once__shadow ON invoice_lines__shadow (month)`,
    );
    expect(toShadowSql(`DROP INDEX IF EXISTS charges_by_business_time`, tables)).toBe(`DROP INDEX IF EXISTS charges_by_business_time__shadow`);
  });

  it('leaves other tables, string literals and quoted identifiers alone', () => {
    expect(toShadowSql(`SELECT * FROM messages WHERE note = 'from charges' AND "charges" = 1`, tables)).toBe(
      `SELECT * FROM messages WHERE note = 'from charges' AND "charges" = 1`,
    );
    expect(toShadowSql(`INSERT INTO charges (a) VALUES ('it''s INTO charges')`, tables)).toBe(`INSERT INTO charges__shadow (a) VALUES ('it''s INTO charges')`);
  });

  it('maps names both ways', () => {
    expect(liveName(shadowName('charges_pkey'))).toBe('charges_pkey');
    expect(liveName('charges')).toBe('charges');
  });
});
