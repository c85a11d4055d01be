import { randomUUID } from 'node:crypto';
import { Dialects, type SqlDialect } from './dialect';
import { type Migration, appliedMigrations, migrate } from './migrations';
import type { SqlDatabase } from './sql-database';

/** One empty database for the suite. */
export interface SqlContractTarget {
  dialect: SqlDialect;
  /**
   * A handle on the suite's database; called several times, for handles used concurrently as
   * separate processes would use them. An adapter whose handles cannot contend inside one process
   * (better-sqlite3 waits for another handle's lock synchronously, blocking the event loop the
   * holder needs to finish) hands back one shared handle; it is closed once.
   */
  open(): SqlDatabase;
  /** Called once at the end, after every handle was closed. */
  dispose(): Promise<void>;
}

/**
 * The message `work` fails with. (Not `rejects.toThrow()`: better-sqlite3's native addon keeps the
 * error class of the first test file that loaded it, which is not an `Error` of later files' realms.)
 */
async function failureOf(work: Promise<unknown> | (() => Promise<unknown>)): Promise<string> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    return String((error as { message?: unknown }).message ?? error);
  }
  throw new Error('expected a failure');
}

/**
 * The behaviour every SqlDatabase adapter must show, so projections and delivery state are the
 * same code on SQLite and PostgreSQL. Each test works on tables of its own.
 */
export function sqlDatabaseContract(name: string, setup: () => Promise<SqlContractTarget>): void {
  describe(`SqlDatabase contract: ${name}`, () => {
    let target: SqlContractTarget;
    let db: SqlDatabase;
    const handles: SqlDatabase[] = [];
    /** Another handle on the same database, closed after the suite. */
    const another = () => {
      const handle = target.open();
      handles.push(handle);
      return handle;
    };
    const table = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      target = await setup();
      db = another();
    });
    afterAll(async () => {
      for (const handle of new Set(handles)) await handle.close();
      await target?.dispose();
    });

    it('says which dialect it speaks', () => {
      expect(db.dialect).toBe(target.dialect);
    });

    describe('placeholders', () => {
      it('binds `?` in order, and leaves `?` in literals, quoted identifiers and comments alone', async () => {
        const t = table('ph');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY, a TEXT, n BIGINT, "we?ird" TEXT)`);
        await db.run(`INSERT INTO ${t} (id, a, n, "we?ird") VALUES (?, ?, ?, 'lit?')`, ['x', "it's ?", 7]);
        const row = await db.one<Record<string, unknown>>(
          `SELECT id, a, n, "we?ird", 'it''s ?' AS lit -- a comment? yes
           FROM ${t} /* and ? here */ WHERE a = ? AND n = ?`,
          ["it's ?", 7],
        );
        expect(row).toEqual({ id: 'x', a: "it's ?", n: 7, 'we?ird': 'lit?', lit: "it's ?" });
      });

      it('binds ten and more parameters in one statement', async () => {
        const t = table('many');
        const columns = Array.from({ length: 12 }, (_, i) => `c${i}`);
        await db.run(`CREATE TABLE ${t} (${columns.map((c) => `${c} BIGINT`).join(', ')})`);
        const values = columns.map((_, i) => i * 11);
        await db.run(`INSERT INTO ${t} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, values);
        expect(await db.one(`SELECT * FROM ${t} WHERE c10 = ? AND c11 = ?`, [110, 121])).toEqual(
          Object.fromEntries(columns.map((c, i) => [c, values[i]])),
        );
      });

      it('binds LIMIT and comparison parameters', async () => {
        const t = table('lim');
        await db.run(`CREATE TABLE ${t} (id INTEGER PRIMARY KEY, at TEXT NOT NULL)`);
        for (let i = 1; i <= 5; i++)
          await db.run(`INSERT INTO ${t} (id, at) VALUES (?, ?)`, [i, new Date(Date.UTC(2026, 0, i)).toISOString()]);
        const rows = await db.all<{ id: number }>(`SELECT id FROM ${t} WHERE id > ? ORDER BY id LIMIT ?`, [1, 2]);
        expect(rows).toEqual([{ id: 2 }, { id: 3 }]);
      });
    });

    describe('upserts and RETURNING', () => {
      it('INSERT … ON CONFLICT … DO UPDATE uses excluded and the existing row', async () => {
        const t = table('up');
        await db.run(`CREATE TABLE ${t} (k1 TEXT NOT NULL, k2 TEXT NOT NULL, hits BIGINT NOT NULL, last TEXT, PRIMARY KEY (k1, k2))`);
        const upsert = `INSERT INTO ${t} (k1, k2, hits, last) VALUES (?, ?, ?, ?)
                        ON CONFLICT (k1, k2) DO UPDATE SET hits = ${t}.hits + excluded.hits, last = excluded.last`;
        await db.run(upsert, ['a', 'b', 2, 'first']);
        await db.run(upsert, ['a', 'b', 3, 'second']);
        await db.run(upsert, ['a', 'c', 1, 'other']);
        expect(await db.all(`SELECT * FROM ${t} ORDER BY k2`)).toEqual([
          { k1: 'a', k2: 'b', hits: 5, last: 'second' },
          { k1: 'a', k2: 'c', hits: 1, last: 'other' },
        ]);
      });

      it('INSERT … ON CONFLICT DO NOTHING keeps the first row', async () => {
        const t = table('dn');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY, v TEXT)`);
        await db.run(`INSERT INTO ${t} (id, v) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, ['k', 'first']);
        await db.run(`INSERT INTO ${t} (id, v) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, ['k', 'second']);
        await db.run(`INSERT INTO ${t} (id, v) VALUES (?, ?) ON CONFLICT DO NOTHING`, ['k', 'third']);
        expect(await db.all(`SELECT * FROM ${t}`)).toEqual([{ id: 'k', v: 'first' }]);
      });

      it('INSERT, UPDATE and DELETE … RETURNING hand back the rows they touched', async () => {
        const t = table('ret');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY, n BIGINT NOT NULL)`);
        expect(await db.all(`INSERT INTO ${t} (id, n) VALUES (?, ?), (?, ?) RETURNING id, n`, ['a', 1, 'b', 2])).toEqual(
          expect.arrayContaining([
            { id: 'a', n: 1 },
            { id: 'b', n: 2 },
          ]),
        );
        expect(await db.all(`UPDATE ${t} SET n = n * 10 WHERE id = ? RETURNING id, n`, ['a'])).toEqual([{ id: 'a', n: 10 }]);
        expect(await db.all(`UPDATE ${t} SET n = 0 WHERE id = ? RETURNING id`, ['none'])).toEqual([]);
        expect(await db.transaction((tx) => tx.all(`DELETE FROM ${t} WHERE n < ? RETURNING id`, [5]))).toEqual([{ id: 'b' }]);
        expect(await db.all(`SELECT id FROM ${t}`)).toEqual([{ id: 'a' }]);
      });
    });

    describe('transactions', () => {
      it('commits everything the work wrote, and resolves with its result', async () => {
        const t = table('tx');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY)`);
        const result = await db.transaction(async (tx) => {
          await tx.run(`INSERT INTO ${t} (id) VALUES (?)`, ['a']);
          await tx.run(`INSERT INTO ${t} (id) VALUES (?)`, ['b']);
          return (await tx.all(`SELECT id FROM ${t} ORDER BY id`)).length;
        });
        expect(result).toBe(2);
        expect(await another().all(`SELECT id FROM ${t} ORDER BY id`)).toEqual([{ id: 'a' }, { id: 'b' }]);
      });

      it('writes nothing when the work throws, and rethrows', async () => {
        const t = table('rb');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY)`);
        const failure = new Error('boom');
        await expect(
          db.transaction(async (tx) => {
            await tx.run(`INSERT INTO ${t} (id) VALUES (?)`, ['a']);
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await db.all(`SELECT id FROM ${t}`)).toEqual([]);
      });

      it('writes nothing when a statement fails halfway, and stays usable', async () => {
        const t = table('rbs');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY)`);
        expect(
          await failureOf(
            db.transaction(async (tx) => {
              await tx.run(`INSERT INTO ${t} (id) VALUES (?)`, ['a']);
              await tx.run(`INSERT INTO ${t} (id) VALUES (?)`, ['a']);
            }),
          ),
        ).toMatch(/unique|duplicate/i);
        expect(await db.all(`SELECT id FROM ${t}`)).toEqual([]);
        await db.transaction((tx) => tx.run(`INSERT INTO ${t} (id) VALUES (?)`, ['b']));
        expect(await db.all(`SELECT id FROM ${t}`)).toEqual([{ id: 'b' }]);
      });

      it('rolls DDL back with the rest', async () => {
        const t = table('ddl');
        await expect(
          db.transaction(async (tx) => {
            await tx.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY)`);
            await tx.run(`INSERT INTO ${t} (id) VALUES (?)`, ['a']);
            throw new Error('undo');
          }),
        ).rejects.toThrow('undo');
        expect(await failureOf(db.all(`SELECT * FROM ${t}`))).toMatch(/no such table|does not exist/);
      });

      it('keeps concurrent transactions atomic, each one whole or not at all', async () => {
        const t = table('conc');
        const counter = table('counter');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY, batch INTEGER NOT NULL)`);
        await db.run(`CREATE TABLE ${counter} (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)`);
        await db.run(`INSERT INTO ${counter} (id, n) VALUES (1, 0)`);
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, batch) =>
            db.transaction(async (tx) => {
              await tx.run(`INSERT INTO ${t} (id, batch) VALUES (?, ?)`, [`${batch}-a`, batch]);
              await tx.run(`UPDATE ${counter} SET n = n + 1 WHERE id = 1`);
              if (batch % 5 === 0) throw new Error(`batch ${batch} fails`);
              await tx.run(`INSERT INTO ${t} (id, batch) VALUES (?, ?)`, [`${batch}-b`, batch]);
            }),
          ),
        );
        expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
        const rows = await db.all<{ batch: number; n: number }>(`SELECT batch, count(*) AS n FROM ${t} GROUP BY batch ORDER BY batch`);
        expect(rows).toEqual(
          Array.from({ length: 20 }, (_, b) => b)
            .filter((b) => b % 5 !== 0)
            .map((batch) => ({ batch, n: 2 })),
        );
        expect(await db.one(`SELECT n FROM ${counter}`)).toEqual({ n: 16 });
      });
    });

    describe('iterate', () => {
      it('streams every row in order, with parameters, across many pages', async () => {
        const t = table('it');
        await db.run(`CREATE TABLE ${t} (id INTEGER PRIMARY KEY, label TEXT NOT NULL)`);
        await db.transaction(async (tx) => {
          for (let i = 1; i <= 1234; i++) await tx.run(`INSERT INTO ${t} (id, label) VALUES (?, ?)`, [i, `row ${i}`]);
        });
        const seen: { id: number; label: string }[] = [];
        for await (const row of db.iterate<{ id: number; label: string }>(`SELECT id, label FROM ${t} WHERE id > ? ORDER BY id`, [4]))
          seen.push(row);
        expect(seen).toHaveLength(1230);
        expect(seen[0]).toEqual({ id: 5, label: 'row 5' });
        expect(seen.every((row, i) => row.id === i + 5)).toBe(true);
        const none: unknown[] = [];
        for await (const row of db.iterate(`SELECT id FROM ${t} WHERE id < ?`, [0])) none.push(row);
        expect(none).toEqual([]);
      });

      it('lets the reader stop early, many times over, without holding on to anything', async () => {
        const t = table('brk');
        await db.run(`CREATE TABLE ${t} (id INTEGER PRIMARY KEY)`);
        await db.transaction(async (tx) => {
          for (let i = 1; i <= 1200; i++) await tx.run(`INSERT INTO ${t} (id) VALUES (?)`, [i]);
        });
        for (let round = 0; round < 25; round++) {
          let n = 0;
          for await (const _row of db.iterate(`SELECT id FROM ${t} ORDER BY id`)) if (++n === 3) break;
          expect(n).toBe(3);
        }
        expect(
          await failureOf(async () => {
            for await (const _row of db.iterate(`SELECT no_such_column FROM ${t}`));
          }),
        ).toMatch(/no_such_column/);
        await db.transaction((tx) => tx.run(`DELETE FROM ${t} WHERE id > ?`, [10]));
        expect(await db.one(`SELECT count(*) AS n FROM ${t}`)).toEqual({ n: 10 });
      });
    });

    describe('values', () => {
      it('round-trips integers up to 2^53 as JS numbers, and aggregates as numbers', async () => {
        const t = table('num');
        await db.run(`CREATE TABLE ${t} (id INTEGER PRIMARY KEY, big BIGINT, small INTEGER, real_value DOUBLE PRECISION)`);
        const max = Number.MAX_SAFE_INTEGER;
        await db.run(`INSERT INTO ${t} (id, big, small, real_value) VALUES (?, ?, ?, ?)`, [1, max, 2_000_000_000, 1.5]);
        await db.run(`INSERT INTO ${t} (id, big, small, real_value) VALUES (?, ?, ?, ?)`, [2, -max, -1, -0.25]);
        await db.run(`INSERT INTO ${t} (id, big, small, real_value) VALUES (?, ?, ?, ?)`, [3, 5n, 0, null]);
        await db.run(`INSERT INTO ${t} (id, big, small, real_value) VALUES (?, ?, ?, ?)`, [4, null, null, null]);
        expect(await db.all(`SELECT * FROM ${t} ORDER BY id`)).toEqual([
          { id: 1, big: max, small: 2_000_000_000, real_value: 1.5 },
          { id: 2, big: -max, small: -1, real_value: -0.25 },
          { id: 3, big: 5, small: 0, real_value: null },
          { id: 4, big: null, small: null, real_value: null },
        ]);
        expect(
          await db.one(`SELECT count(*) AS n, sum(big) AS total, max(big) AS top, sum(small) AS smalls FROM ${t} WHERE id <> 1`),
        ).toEqual({
          n: 3,
          total: -max + 5,
          top: 5,
          smalls: -1,
        });
        expect(await db.one(`SELECT big FROM ${t} WHERE big = ?`, [BigInt(max)])).toEqual({ big: max });
      });

      it('divides integers as integers', async () => {
        const t = table('div');
        await db.run(`CREATE TABLE ${t} (a BIGINT NOT NULL, b BIGINT NOT NULL)`);
        await db.run(`INSERT INTO ${t} (a, b) VALUES (?, ?)`, [7, 2]);
        expect(await db.one(`SELECT a / b AS q, a * 1.0 / b AS exact FROM ${t}`)).toEqual({ q: 3, exact: 3.5 });
      });

      it('keeps JSON as the exact text written', async () => {
        const t = table('json');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY, doc TEXT)`);
        const doc = `{ "b": 1,  "a": [1, 2.50], "s": "é ✓ \\"q\\" \\u0000?", "n": null }`;
        const compact = JSON.stringify({ z: { y: [true, false] }, a: 'x' });
        await db.run(`INSERT INTO ${t} (id, doc) VALUES (?, ?), (?, ?)`, ['spaced', doc, 'compact', compact]);
        const rows = await db.all<{ id: string; doc: string }>(`SELECT id, doc FROM ${t} ORDER BY id`);
        expect(rows).toEqual([
          { id: 'compact', doc: compact },
          { id: 'spaced', doc },
        ]);
        expect(typeof rows[0].doc).toBe('string');
      });

      it('orders and compares ISO-8601 timestamps as text', async () => {
        const t = table('iso');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY, at TEXT NOT NULL)`);
        const stamps = ['2026-03-02T09:00:00.000Z', '2026-02-28T23:59:59.999Z', '2026-03-01T00:00:00.000Z', '2025-12-31T10:00:00.000Z'];
        for (const [i, at] of stamps.entries()) await db.run(`INSERT INTO ${t} (id, at) VALUES (?, ?)`, [`m${i}`, at]);
        const march = await db.all<{ at: string }>(`SELECT at FROM ${t} WHERE at >= ? AND at < ? ORDER BY at`, [
          '2026-03-01T00:00:00.000Z',
          '2026-04-01T00:00:00.000Z',
        ]);
        expect(march.map((r) => r.at)).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-02T09:00:00.000Z']);
      });

      it('runs a parameterless script of several statements', async () => {
        const t = table('script');
        await db.run(`CREATE TABLE ${t} (id TEXT PRIMARY KEY); INSERT INTO ${t} (id) VALUES ('a'); INSERT INTO ${t} (id) VALUES ('b')`);
        expect(await db.all(`SELECT id FROM ${t} ORDER BY id`)).toEqual([{ id: 'a' }, { id: 'b' }]);
      });
    });

    describe('claims', () => {
      it('never hands a row to two concurrent claimers (UPDATE … RETURNING with the condition re-checked)', async () => {
        const t = table('claim');
        await db.run(`CREATE TABLE ${t} (id INTEGER PRIMARY KEY, owner TEXT)`);
        await db.transaction(async (tx) => {
          for (let i = 1; i <= 300; i++) await tx.run(`INSERT INTO ${t} (id) VALUES (?)`, [i]);
        });
        const claimer = async (handle: SqlDatabase, owner: string) => {
          const mine: number[] = [];
          for (;;) {
            const rows = await handle.transaction((tx) =>
              tx.all<{ id: number }>(
                `UPDATE ${t} SET owner = ?
                 WHERE id IN (SELECT id FROM ${t} WHERE owner IS NULL ORDER BY id LIMIT ?${Dialects.skipLocked(handle.dialect)})
                   AND owner IS NULL
                 RETURNING id`,
                [owner, 7],
              ),
            );
            if (rows.length === 0) {
              const left = await handle.one<{ n: number }>(`SELECT count(*) AS n FROM ${t} WHERE owner IS NULL`);
              if (left?.n === 0) return mine;
            }
            mine.push(...rows.map((r) => r.id));
          }
        };
        const owners = ['a', 'b', 'c', 'd'];
        const claimed = await Promise.all(owners.map((owner, i) => claimer(i % 2 === 0 ? db : another(), owner)));
        const all = claimed.flat().sort((x, y) => x - y);
        expect(all).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
        const byOwner = await db.all<{ owner: string; n: number }>(`SELECT owner, count(*) AS n FROM ${t} GROUP BY owner ORDER BY owner`);
        expect(byOwner).toEqual(owners.map((owner, i) => ({ owner, n: claimed[i].length })).filter((o) => o.n > 0));
      });
    });

    describe('versioned migrations', () => {
      const v1 = (t: string): Migration => ({
        version: 1,
        statements: [
          `CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, n BIGINT NOT NULL)`,
          `CREATE INDEX IF NOT EXISTS ${t}_n ON ${t} (n)`,
        ],
      });
      const v2 = (t: string): Migration => ({ version: 2, statements: [`ALTER TABLE ${t} ADD COLUMN note TEXT`] });

      it('applies each version once, in order, recorded with the time it was applied', async () => {
        const t = table('mig');
        const before = new Date().toISOString();
        expect(await migrate(db, t, [v1(t)])).toEqual([1]);
        expect(await migrate(db, t, [v1(t)])).toEqual([]);
        await db.run(`INSERT INTO ${t} (id, n) VALUES (?, ?)`, ['kept', 1]);
        // A later version ALTERs what the first created; the data stays.
        expect(await migrate(db, t, [v1(t), v2(t)])).toEqual([2]);
        expect(await migrate(db, t, [v1(t), v2(t)])).toEqual([]);
        expect(await db.all(`SELECT id, n, note FROM ${t}`)).toEqual([{ id: 'kept', n: 1, note: null }]);
        expect(await appliedMigrations(db, t)).toEqual([1, 2]);
        const records = await db.all<{ name: string; version: number; applied_at: string }>(
          `SELECT * FROM schema_migrations WHERE name = ? ORDER BY version`,
          [t],
        );
        expect(records.map((r) => [r.name, r.version])).toEqual([
          [t, 1],
          [t, 2],
        ]);
        for (const r of records) {
          expect(r.applied_at >= before).toBe(true);
          expect(new Date(r.applied_at).toISOString()).toBe(r.applied_at);
        }
      });

      it('leaves no trace of a migration that fails, and applies it once fixed', async () => {
        const t = table('migfail');
        await migrate(db, t, [v1(t)]);
        const broken: Migration = {
          version: 2,
          statements: [`CREATE TABLE ${t}_side (id TEXT)`, `ALTER TABLE no_such_table_${t} ADD COLUMN x TEXT`],
        };
        expect(await failureOf(migrate(db, t, [v1(t), broken]))).toMatch(/no such table|does not exist/);
        expect(await appliedMigrations(db, t)).toEqual([1]);
        expect(await failureOf(db.all(`SELECT * FROM ${t}_side`))).toMatch(/no such table|does not exist/);
        expect(await migrate(db, t, [v1(t), v2(t)])).toEqual([2]);
      });

      it('refuses versions that do not increase', async () => {
        const t = table('migorder');
        expect(await failureOf(migrate(db, t, [v2(t), v1(t)]))).toMatch(/increase/);
        expect(await failureOf(migrate(db, t, [{ version: 0, statements: [] }]))).toMatch(/positive/);
      });

      it('applies each version exactly once when several processes migrate at the same moment', async () => {
        const t = table('migrace');
        const processes = [db, another(), another()];
        const applied = await Promise.all(processes.map((handle) => migrate(handle, t, [v1(t), v2(t)])));
        expect(applied.flat().sort()).toEqual([1, 2]);
        expect(await appliedMigrations(db, t)).toEqual([1, 2]);
      });
    });
  });
}
