import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { startTopology } from './lib/topology';

/**
 * `npm run start:distributed` (after `npm run infra:up`): the four services, two relays and the
 * gateway as separate processes on this machine, the public API on PORT (default 3000).
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ventana, created if missing),
 * KAFKA_BROKERS (default 127.0.0.1:9092), EVENT_STORE (default postgres), ADMIN_TOKEN, CLOCK.
 */
async function main() {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ventana';
  await ensureDatabase(databaseUrl);
  const adminToken = process.env.ADMIN_TOKEN || `vo_${randomBytes(24).toString('base64url')}`;
  const topology = await startTopology({
    databaseUrl,
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    topic: process.env.KAFKA_TOPIC ?? 'ventana.events',
    port: Number(process.env.PORT ?? 3000),
    env: { ADMIN_TOKEN: adminToken, CLOCK: process.env.CLOCK ?? '', EVENT_STORE: process.env.EVENT_STORE ?? 'postgres' },
    keepLogs: false,
  });
  for (const p of topology.processes) process.stdout.write(`${p.name.padEnd(16)} pid ${String(p.pid).padEnd(8)} ${p.url}\n`);
  process.stdout.write(`\nVentana (distributed) at ${topology.url}  topic ${topology.topic}\n`);
  if (!process.env.ADMIN_TOKEN) process.stdout.write(`ADMIN_TOKEN (generated for this run): ${adminToken}\n`);
  const stop = () => {
    process.stdout.write('stopping…\n');
    void topology.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
