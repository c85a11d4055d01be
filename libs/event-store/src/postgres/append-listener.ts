import pg from 'pg';

/** How long after a failed LISTEN connection the next attempt waits (waiters poll on their timeout meanwhile). */
const RETRY_AFTER_MS = 1000;

/**
 * Wakes the store's waiters when an append may have happened: on a NOTIFY on the store's channel
 * (appends from any process), or at once for appends made through this store. The dedicated LISTEN
 * connection is opened on the first wait and re-opened after a failure; while it is down, waits
 * simply run to their timeout, which is the fallback the port allows for.
 */
export class AppendListener {
  private client: Promise<pg.Client | undefined> | undefined;
  private failedAt = 0;
  private readonly waiters = new Set<(signalled: boolean) => void>();
  private closed = false;

  constructor(
    private readonly connectionString: string,
    readonly channel: string,
  ) {}

  /** Resolves once notifications are being received (or the connection could not be made: then waits time out). */
  async listen(): Promise<void> {
    if (this.closed) return;
    if (!this.client && Date.now() - this.failedAt >= RETRY_AFTER_MS) {
      const attempt = this.connect();
      this.client = attempt;
      if (!(await attempt) && this.client === attempt) this.client = undefined;
    }
    await this.client;
  }

  private connect(): Promise<pg.Client | undefined> {
    const client = new pg.Client({ connectionString: this.connectionString });
    const attempt = this.subscribe(client);
    const lost = () => {
      if (this.client === attempt) this.client = undefined;
      client.end().catch(() => undefined);
      this.wakeAll(true); // whatever was announced meanwhile is lost: waiters look again
    };
    client.on('notification', () => this.wakeAll(true));
    client.on('error', lost);
    client.on('end', lost);
    return attempt;
  }

  private async subscribe(client: pg.Client): Promise<pg.Client | undefined> {
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
      return client;
    } catch {
      this.failedAt = Date.now();
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      return undefined;
    }
  }

  /** Resolves true on a signal, false after `timeoutMs` without one. */
  next(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (signalled: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(signalled);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(done);
    });
  }

  /** An append through this store was acknowledged. */
  wakeLocal(): void {
    this.wakeAll(true);
  }

  private wakeAll(signalled: boolean): void {
    for (const wake of [...this.waiters]) wake(signalled);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll(true);
    const client = await this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
