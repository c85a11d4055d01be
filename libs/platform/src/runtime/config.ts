import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/** Everything the process reads from its environment, read once at start. */
export interface PlatformConfig {
  port: number;
  dataDir: string;
  adminToken: string;
  /** True when ADMIN_TOKEN was not set and a token was generated for this run. */
  adminTokenGenerated: boolean;
  testClock: boolean;
  /** Messages not fetched by the device within this time fail with 131026 (delivery gave up). */
  inboxTtlSeconds: number;
  /** A month's invoice is finalized this long after the month ends; charges recorded until then still land in it. */
  invoiceGraceSeconds: number;
  webhookTimeoutMs: number;
  chatDeepLinkBase: string;
  /** After a webhook secret rotation, the previous secret also signs webhooks for this long (unless the request says otherwise). */
  webhookSecretOverlapSeconds: number;
  /** Failed authentications allowed per source IP and per presented key prefix in each window (0: no limit); see access/auth-failures.ts. */
  authFailures: { perIp: number; perKey: number; windowSeconds: number };
  /** TRUST_PROXY: the proxies (addresses, CIDRs or `loopback`, comma-separated) whose X-Forwarded-For names the client. */
  trustProxy?: string;
  /** Which adapters: the embedded default, or Kafka + PostgreSQL read models (KAFKA_BROKERS set). */
  deployment: 'embedded' | 'distributed';
  /** EVENT_STORE: where events live (embedded: always sqlite). */
  eventStore: 'sqlite' | 'postgres' | 'eventstoredb';
  /** DATABASE_URL: read models, delivery state, the relay's lease, and the postgres event store. */
  databaseUrl?: string;
  /** EVENTSTORE_URL, for EVENT_STORE=eventstoredb. */
  eventStoreUrl?: string;
}

const EVENT_STORES = ['sqlite', 'postgres', 'eventstoredb'] as const;

export function readConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const adminToken = env.ADMIN_TOKEN?.trim();
  return {
    port: Number(env.PORT ?? 3000),
    dataDir: resolve(env.DATA_DIR ?? './data'),
    adminToken: adminToken || `vo_${randomBytes(24).toString('base64url')}`,
    adminTokenGenerated: !adminToken,
    testClock: env.CLOCK === 'test',
    inboxTtlSeconds: Number(env.INBOX_TTL_SECONDS ?? 30 * 24 * 3600),
    invoiceGraceSeconds: seconds('INVOICE_GRACE_SECONDS', env.INVOICE_GRACE_SECONDS ?? String(3 * 24 * 3600)),
    webhookTimeoutMs: Number(env.WEBHOOK_TIMEOUT_MS ?? 5000),
    chatDeepLinkBase: env.CHAT_DEEP_LINK_BASE ?? 'whatsapp://send',
    webhookSecretOverlapSeconds: seconds('WEBHOOK_SECRET_OVERLAP_SECONDS', env.WEBHOOK_SECRET_OVERLAP_SECONDS ?? String(24 * 3600)),
    authFailures: {
      perIp: wholeNumber('AUTH_FAILURES_PER_IP', env.AUTH_FAILURES_PER_IP ?? '30'),
      perKey: wholeNumber('AUTH_FAILURES_PER_KEY', env.AUTH_FAILURES_PER_KEY ?? '10'),
      windowSeconds: seconds('AUTH_FAILURE_WINDOW_SECONDS', env.AUTH_FAILURE_WINDOW_SECONDS ?? '60'),
    },
    trustProxy: env.TRUST_PROXY?.trim() || undefined,
    ...deploymentOf(env),
  };
}

/** A whole, non-negative number of seconds, refused at start otherwise (an invoice must not close on a typo). */
function seconds(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new Error(`${name} must be a whole number of seconds, not ${JSON.stringify(value)}`);
  return n;
}

/** A whole, non-negative count, refused at start otherwise. */
function wholeNumber(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new Error(`${name} must be a whole number, not ${JSON.stringify(value)}`);
  return n;
}

/** Refuses a half-configured distributed deployment at start rather than failing on first use. */
function deploymentOf(env: NodeJS.ProcessEnv): Pick<PlatformConfig, 'deployment' | 'eventStore' | 'databaseUrl' | 'eventStoreUrl'> {
  const distributed = Boolean(env.KAFKA_BROKERS?.trim());
  const eventStore = (env.EVENT_STORE ?? (distributed ? 'postgres' : 'sqlite')) as PlatformConfig['eventStore'];
  if (!EVENT_STORES.includes(eventStore)) throw new Error(`EVENT_STORE must be one of ${EVENT_STORES.join(', ')}, not ${eventStore}`);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const eventStoreUrl = env.EVENTSTORE_URL?.trim() || undefined;
  if (distributed && !databaseUrl) throw new Error('KAFKA_BROKERS is set (distributed) but DATABASE_URL is not');
  if (!distributed && eventStore !== 'sqlite') throw new Error(`EVENT_STORE=${eventStore} needs the distributed deployment: set KAFKA_BROKERS and DATABASE_URL`);
  if (eventStore === 'eventstoredb' && !eventStoreUrl) throw new Error('EVENT_STORE=eventstoredb needs EVENTSTORE_URL');
  return { deployment: distributed ? 'distributed' : 'embedded', eventStore, databaseUrl, eventStoreUrl };
}
