import { Client } from 'pg';

/**
 * One holder at a time, across processes: a PostgreSQL session-level advisory lock. It is released
 * when its holder's connection ends, so a crashed relay's standby takes over within `pollMs`.
 */
export class Lease {
  private lost = false;
  private heartbeat?: NodeJS.Timeout;

  private constructor(
    private readonly client: Client,
    onLost: () => void,
    heartbeatMs: number,
  ) {
    const lose = () => {
      if (this.lost) return;
      this.lost = true;
      clearInterval(this.heartbeat);
      onLost();
    };
    client.on('error', lose);
    client.on('end', lose);
    // A silently dead connection would leave us publishing without the lock: check it often.
    this.heartbeat = setInterval(() => void client.query('SELECT 1').catch(lose), heartbeatMs);
  }

  /** Waits until the lease named `name` is ours (or `signal` aborts, then resolves undefined). */
  static async acquire(options: {
    connectionString: string;
    name: string;
    onLost: () => void;
    signal: AbortSignal;
    pollMs?: number;
    heartbeatMs?: number;
  }): Promise<Lease | undefined> {
    const { connectionString, name, onLost, signal, pollMs = 1000, heartbeatMs = 2000 } = options;
    while (!signal.aborted) {
      const client = new Client({ connectionString, application_name: `ventana-lease:${name}` });
      client.on('error', () => undefined); // reported through the query below, or by the Lease once held
      try {
        await client.connect();
        for (;;) {
          const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS held', [name]);
          if (rows[0].held) return new Lease(client, onLost, heartbeatMs);
          if (signal.aborted) break;
          await sleep(pollMs, signal);
        }
      } catch {
        await sleep(pollMs, signal);
      }
      await client.end().catch(() => undefined);
    }
    return undefined;
  }

  get held(): boolean {
    return !this.lost;
  }

  async release(): Promise<void> {
    this.lost = true;
    clearInterval(this.heartbeat);
    await this.client.end().catch(() => undefined);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
