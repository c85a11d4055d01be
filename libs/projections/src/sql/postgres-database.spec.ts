import { type TestSchema, createTestSchema, describeWithPostgres } from '../../../../test/support/infra';
import { PostgresDatabase, toPostgresPlaceholders } from './postgres-database';
import { sqlDatabaseContract } from './sql-database.contract';

describe('toPostgresPlaceholders', () => {
  it('numbers `?` from $1, past nine', () => {
    expect(toPostgresPlaceholders('SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?')).toBe('SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11');
  });

  it('leaves `?` alone in literals, escape strings, quoted identifiers, dollar quotes and comments', () => {
    const sql = `SELECT 'a?''?', E'b\\'?', "c?""?", $$d?$$, $tag$e?$tag$, ? -- f?\n, /* g? /* nested? */ ? */ ?`;
    expect(toPostgresPlaceholders(sql)).toBe(
      `SELECT 'a?''?', E'b\\'?', "c?""?", $$d?$$, $tag$e?$tag$, $1 -- f?\n, /* g? /* nested? */ ? */ $2`,
    );
  });

  it('does not read a backslash as an escape in a standard string', () => {
    expect(toPostgresPlaceholders(`SELECT 'x\\', ?`)).toBe(`SELECT 'x\\', $1`);
  });
});

describeWithPostgres()('PostgresDatabase', () => {
  sqlDatabaseContract('PostgreSQL', async () => {
    const schema = await createTestSchema('sqlcontract');
    return {
      dialect: 'postgres',
      open: () => new PostgresDatabase({ connectionString: schema.url, max: 4 }),
      dispose: () => schema.drop(),
    };
  });

  describe('beyond the contract', () => {
    let schema: TestSchema;
    let db: PostgresDatabase;
    beforeAll(async () => {
      schema = await createTestSchema('sqlpg');
      db = new PostgresDatabase({ connectionString: schema.url, max: 2 });
    });
    afterAll(async () => {
      await db?.close();
      await schema?.drop();
    });

    it('refuses an integer a JS number cannot hold exactly, instead of rounding it', async () => {
      await expect(db.one(`SELECT 9007199254740993::bigint AS n`)).rejects.toThrow(/2\^53/);
      expect(await db.one(`SELECT 9007199254740991::bigint AS n, 12.5::numeric AS d`)).toEqual({ n: 9007199254740991, d: 12.5 });
    });

    it('parses INT8 on its own pool only, leaving the process-wide pg defaults alone', async () => {
      const { types } = await import('pg');
      expect(types.getTypeParser(20, 'text')('42')).toBe('42');
    });

    it('refuses use of a transaction executor after its transaction ended', async () => {
      let escaped: Parameters<Parameters<PostgresDatabase['transaction']>[0]>[0] | undefined;
      await db.transaction(async (tx) => void (escaped = tx));
      await expect(escaped!.one('SELECT 1 AS one')).rejects.toThrow(/ended/);
    });

    it('holds only as many connections as the pool allows while transactions and iterations overlap', async () => {
      await db.run(`CREATE TABLE overlap (id INTEGER PRIMARY KEY)`);
      await db.transaction(async (tx) => {
        for (let i = 1; i <= 50; i++) await tx.run(`INSERT INTO overlap (id) VALUES (?)`, [i]);
      });
      const reads = Array.from({ length: 6 }, async () => {
        let n = 0;
        for await (const _row of db.iterate(`SELECT id FROM overlap`)) n++;
        return n;
      });
      const writes = Array.from({ length: 6 }, (_, i) =>
        db.transaction((tx) => tx.run(`UPDATE overlap SET id = id WHERE id = ?`, [i + 1])),
      );
      expect(await Promise.all(reads)).toEqual([50, 50, 50, 50, 50, 50]);
      await Promise.all(writes);
    });

    it('survives its connection dying inside a transaction or an iteration: the work fails, the pool goes on', async () => {
      const lost = await db
        .transaction(async (tx) => {
          await tx.run(`SELECT pg_terminate_backend(pg_backend_pid())`);
          await tx.one(`SELECT 1 AS one`);
        })
        .then(
          () => 'committed',
          (error: Error) => error.message,
        );
      expect(lost).toMatch(/terminat/i);
      const iteration = (async () => {
        for await (const _row of db.iterate(`SELECT pg_terminate_backend(pg_backend_pid()) AS gone FROM generate_series(1, 2)`));
      })();
      expect(
        await iteration.then(
          () => 'finished',
          (error: Error) => error.message,
        ),
      ).toMatch(/terminat/i);
      // The dead connections were destroyed, not handed out again.
      for (let i = 0; i < 4; i++) expect(await db.transaction((tx) => tx.one(`SELECT 1 AS one`))).toEqual({ one: 1 });
    });

    it('closes once, however often it is asked', async () => {
      const other = new PostgresDatabase(schema.url);
      await other.one('SELECT 1 AS one');
      await Promise.all([other.close(), other.close()]);
    });
  });
});
