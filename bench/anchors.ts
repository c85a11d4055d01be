import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, newId } from '@ventana/event-store';
import { LoadClient } from './http-load';

/** An event as the platform writes it (a MessageAccepted-sized payload), for both the store and its anchor. */
export function sampleEvent(i: number) {
  return {
    id: newId(),
    type: 'MessageAccepted',
    data: {
      businessId: randomUUID(),
      waId: `4477009${String(i).padStart(5, '0')}`,
      at: new Date().toISOString(),
      messageId: newId(),
      kind: 'template',
      category: 'marketing',
      pricingType: 'regular',
      billable: true,
      outsideCustomerServiceWindow: false,
      opensFreeEntryPoint: false,
    },
    metadata: { time: new Date().toISOString(), correlationId: randomUUID(), causationId: randomUUID() },
  };
}

const forSeconds = (seconds: number, step: (i: number) => void) => {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) step(n++);
  return n / seconds;
};

/** Anchor: raw better-sqlite3 inserts of rows the size of an event, one row per transaction like a one-event append, same durability. */
export function sqliteAnchor(seconds: number): number {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'bench-anchor-')), 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, stream TEXT, revision INTEGER, type TEXT, schema_version INTEGER, data TEXT, metadata TEXT)`);
  const insert = db.prepare(`INSERT INTO events (id, stream, revision, type, schema_version, data, metadata) VALUES (?, ?, ?, ?, 1, ?, ?)`);
  const tx = db.transaction((e: ReturnType<typeof sampleEvent>, i: number) =>
    insert.run(e.id, `stream-${i}`, 0, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)),
  );
  const rate = forSeconds(seconds, (i) => tx(sampleEvent(i), i));
  db.close();
  return rate;
}

/** The embedded store's append rate: one event per append to a new stream, awaited one at a time. */
export async function storeAppendRate(seconds: number): Promise<number> {
  const store = await SqliteEventStore.open({ file: join(mkdtempSync(join(tmpdir(), 'bench-store-')), 'events.db') });
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    await store.append(`stream-${n}`, [sampleEvent(n)], 'no_stream');
    n++;
  }
  await store.close();
  return n / seconds;
}

const ANCHOR_SERVER = `
  const http = require('node:http');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(202, { 'content-type': 'application/json' }); res.end('{"messages":[{"id":"x"}]}'); });
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/** Anchor: a bare node:http server answering 202, in its own process like the platform, loaded exactly like the send endpoint. */
export async function httpAnchor(seconds: number, concurrency: number, body: unknown): Promise<number> {
  const child = spawn(process.execPath, ['-e', ANCHOR_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  const client = new LoadClient(`http://127.0.0.1:${port}`, concurrency);
  const rate = await maxRate(seconds, concurrency, () => client.request('POST', '/v1/x/messages', 'token', body));
  client.close();
  child.kill();
  return rate;
}

/** Requests per second that `concurrency` clients, each waiting for its answer, achieve in `seconds`. */
export async function maxRate(seconds: number, concurrency: number, call: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        n++;
      }
    }),
  );
  return n / seconds;
}
