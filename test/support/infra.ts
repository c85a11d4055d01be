import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Tests that need a real engine (PostgreSQL, Kafka) run when it answers. When it does not, they
 * are skipped with a note, unless REQUIRE_INFRA=1 (set by .ci/run): then the suite fails instead.
 */

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_KAFKA_BROKERS = process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092';

const requireInfra = process.env.REQUIRE_INFRA === '1';
const answers = new Map<string, boolean>();

/** Whether something listens on host:port, asked synchronously so `describe` can be chosen at collection time. */
function tcpAnswers(hostPort: string): boolean {
  const cached = answers.get(hostPort);
  if (cached !== undefined) return cached;
  const [host, port] = hostPort.split(':');
  const probe = `require('net').connect(${Number(port)}, ${JSON.stringify(host)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1)).setTimeout(2000, () => process.exit(1))`;
  let ok = true;
  try {
    execFileSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 5000 });
  } catch {
    ok = false;
  }
  answers.set(hostPort, ok);
  return ok;
}

/** `describe` when the engine answers, `describe.skip` (or a failing suite under REQUIRE_INFRA=1) when not. */
function describeWhen(engine: string, hostPort: string): jest.Describe {
  if (tcpAnswers(hostPort)) return describe;
  if (requireInfra) {
    return ((title: string) =>
      describe(title, () => {
        it(`needs ${engine} at ${hostPort} (REQUIRE_INFRA=1)`, () => {
          throw new Error(`${engine} does not answer at ${hostPort}; start it (npm run infra:up) or unset REQUIRE_INFRA`);
        });
      })) as unknown as jest.Describe;
  }
  console.warn(`${engine} does not answer at ${hostPort}: skipping its tests (npm run infra:up starts it)`);
  return describe.skip;
}

export const describeWithPostgres = (): jest.Describe => describeWhen('PostgreSQL', hostPortOf(TEST_DATABASE_URL));
export const describeWithKafka = (): jest.Describe => describeWhen('Kafka', TEST_KAFKA_BROKERS.split(',')[0]);

function hostPortOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}`;
}

/** A fresh, empty PostgreSQL schema for one suite; its URL puts it first on the search path. */
export interface TestSchema {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestSchema(prefix = 'test'): Promise<TestSchema> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Both PostgreSQL and Kafka (the distributed deployment's engines). */
export const describeWithPostgresAndKafka = (): jest.Describe =>
  tcpAnswers(hostPortOf(TEST_DATABASE_URL)) ? describeWithKafka() : describeWithPostgres();
