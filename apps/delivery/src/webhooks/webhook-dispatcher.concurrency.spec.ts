import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusinessEvent } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { type PlatformConfig, systemClock } from '@ventana/platform';
import { PostgresDatabase, type SqlDatabase, SqliteDatabase } from '@ventana/projections';
import { createTestSchema, describeWithPostgres } from '../../../../test/support/infra';
import { migrateDeliveryState } from '../delivery-schema';
import { WebhookDispatcher } from './webhook-dispatcher';
import { webhookSignature } from './webhook-signature';

/**
 * Two delivery processes share one webhook outbox: a webhook is never being sent by both at once,
 * and one that succeeded is never sent again.
 */

const BUSINESS = 'biz-webhooks';
const SECRET = 'webhook-secret';
const registered: BusinessEvent = {
  type: 'BusinessRegistered',
  data: {
    businessId: BUSINESS,
    name: 'Shop',
    phoneNumber: '+4470000001',
    webhookUrl: null,
    publicKey: 'key',
    apiKeyHash: 'hash',
    webhookSecret: SECRET,
    at: '2026-01-01T00:00:00.000Z',
  },
};
/** Delivery reads only the business's stream. */
const store = { readStream: async () => ({ events: [{ ...registered, revision: 0 }], revision: 0 }) } as unknown as EventStore;
/** Generous: a POST that times out is retried (at least once, by design), which would blur what these tests count. */
const config = { webhookTimeoutMs: 30_000 } as PlatformConfig;

/** A business endpoint that counts each webhook it receives, and how many copies of one were in flight at once. */
class Receiver {
  private server!: Server;
  url = '';
  readonly received = new Map<string, number>();
  readonly overlaps: string[] = [];
  readonly badSignatures: string[] = [];
  private readonly inFlight = new Set<string>();
  /** Webhooks answered 500 the first time they arrive. */
  readonly failFirst = new Set<string>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { key } = JSON.parse(body) as { key: string };
        if (req.headers['x-hub-signature-256'] !== webhookSignature(body, SECRET)) this.badSignatures.push(key);
        if (this.inFlight.has(key)) this.overlaps.push(key);
        this.inFlight.add(key);
        const n = (this.received.get(key) ?? 0) + 1;
        this.received.set(key, n);
        setTimeout(
          () => {
            this.inFlight.delete(key);
            res.statusCode = this.failFirst.has(key) && n === 1 ? 500 : 200;
            res.end();
          },
          5 + Math.floor(Math.random() * 25),
        );
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Instances {
  a: SqlDatabase;
  b: SqlDatabase;
  close(): Promise<void>;
}

async function enqueue(db: SqlDatabase, url: string, keys: readonly string[], nextAttemptAt = Date.now()): Promise<void> {
  await db.transaction(async (tx) => {
    for (const key of keys) {
      await tx.run(`INSERT INTO webhook_outbox (event_id, business_id, url, body, next_attempt_at) VALUES (?, ?, ?, ?, ?)`, [
        key,
        BUSINESS,
        url,
        JSON.stringify({ key }),
        nextAttemptAt,
      ]);
    }
  });
}

async function until(what: string, probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function dispatcherConcurrency(engine: string, open: () => Promise<Instances>): void {
  describe(`WebhookDispatcher, two instances on one ${engine} database`, () => {
    let dbs: Instances;
    let receiver: Receiver;
    let dispatchers: WebhookDispatcher[] = [];

    beforeAll(async () => {
      dbs = await open();
      await Promise.all([migrateDeliveryState(dbs.a), migrateDeliveryState(dbs.b)]);
      receiver = new Receiver();
      await receiver.start();
    });
    afterEach(async () => {
      for (const dispatcher of dispatchers) await dispatcher.onApplicationShutdown();
      dispatchers = [];
    });
    afterAll(async () => {
      await receiver?.stop();
      await dbs?.close();
    });

    const start = () => {
      dispatchers = [new WebhookDispatcher(dbs.a, store, config, { reactors: true, projections: false }, systemClock), new WebhookDispatcher(dbs.b, store, config, { reactors: true, projections: false }, systemClock)];
      for (const dispatcher of dispatchers) dispatcher.onApplicationBootstrap();
    };

    it('sends each webhook from one instance at a time: once when answered 2xx, again only after a failure', async () => {
      const keys = Array.from({ length: 200 }, (_, i) => `evt-${engine}-${i}`);
      for (const key of keys.filter((_, i) => i % 10 === 0)) receiver.failFirst.add(key);
      await enqueue(dbs.a, receiver.url, keys);
      const holders = new Set<string>();
      start();
      await until('every webhook delivered', async () => {
        for (const row of await dbs.b.all<{ leased_by: string }>(
          `SELECT DISTINCT leased_by FROM webhook_outbox WHERE leased_by IS NOT NULL`,
        ))
          holders.add(row.leased_by);
        return (await dbs.a.one<{ n: number }>(`SELECT count(*) AS n FROM webhook_outbox WHERE delivered_at IS NULL`))?.n === 0;
      });

      expect(receiver.overlaps).toEqual([]);
      // Rows first: an extra send shows up here with its cause (a timeout, an HTTP error).
      const rows = await dbs.a.all<{
        event_id: string;
        attempts: number;
        last_error: string | null;
        leased_by: string | null;
        lease_until: number | null;
      }>(`SELECT event_id, attempts, last_error, leased_by, lease_until FROM webhook_outbox`);
      for (const row of rows) {
        const failedFirst = receiver.failFirst.has(row.event_id);
        expect(row).toEqual({
          event_id: row.event_id,
          attempts: failedFirst ? 2 : 1,
          last_error: failedFirst ? 'HTTP 500' : null,
          leased_by: null,
          lease_until: null,
        });
      }
      for (const key of keys)
        expect({ key, received: receiver.received.get(key) }).toEqual({ key, received: receiver.failFirst.has(key) ? 2 : 1 });
      expect(receiver.badSignatures).toEqual([]);
      expect(holders.size).toBe(2); // both instances took part
    });

    it("takes over a dead holder's webhook once its lease ended, and leaves a live holder's alone", async () => {
      const [dead, live] = [`dead-${engine}`, `live-${engine}`];
      await enqueue(dbs.a, receiver.url, [dead, live]);
      const now = Date.now();
      await dbs.a.transaction(async (tx) => {
        await tx.run(`UPDATE webhook_outbox SET leased_by = ?, lease_until = ? WHERE event_id = ?`, ['crashed', now - 1, dead]);
        await tx.run(`UPDATE webhook_outbox SET leased_by = ?, lease_until = ? WHERE event_id = ?`, ['busy', now + 60_000, live]);
      });
      start();
      await until(
        'the dead holder’s webhook delivered',
        async () =>
          (await dbs.a.one(`SELECT 1 AS x FROM webhook_outbox WHERE event_id = ? AND delivered_at IS NOT NULL`, [dead])) !== undefined,
      );
      await new Promise((r) => setTimeout(r, 300)); // several pump rounds
      expect(receiver.received.get(dead)).toBe(1);
      expect(receiver.received.get(live)).toBeUndefined();
      expect(await dbs.b.one(`SELECT leased_by, delivered_at FROM webhook_outbox WHERE event_id = ?`, [live])).toEqual({
        leased_by: 'busy',
        delivered_at: null,
      });
    });
  });
}

describeWithPostgres()('on PostgreSQL', () => {
  dispatcherConcurrency('postgres', async () => {
    const schema = await createTestSchema('webhooks');
    const a = new PostgresDatabase({ connectionString: schema.url, max: 4 });
    const b = new PostgresDatabase({ connectionString: schema.url, max: 4 });
    return {
      a,
      b,
      close: async () => {
        await a.close();
        await b.close();
        await schema.drop();
      },
    };
  });
});

describe('on SQLite', () => {
  // One handle shared by both instances (see SqlContractTarget.open for why not two in one process).
  dispatcherConcurrency('sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventana-webhooks-'));
    const db = new SqliteDatabase(join(dir, 'delivery.db'));
    return {
      a: db,
      b: db,
      close: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});
