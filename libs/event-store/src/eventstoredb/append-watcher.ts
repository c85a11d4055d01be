import { END, excludeSystemEvents, type AllStreamResolvedEvent, type AllStreamSubscription } from '@eventstore/db-client';
import type { EsdbClient } from './eventstoredb-client';
import { isDomainEvent } from './eventstoredb-mapping';

interface Waiter {
  position: number;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

interface Watch {
  subscription: AllStreamSubscription;
  /** Resolves once the server confirmed the subscription (or it failed, or did not confirm in time). */
  live: Promise<void>;
}

export interface AppendWatcherOptions {
  /** How long the subscription stays open with nobody waiting (default 10 s). */
  lingerMs?: number;
  /** How long to wait for the server's confirmation before checking the head anyway (default 2 s). */
  confirmTimeoutMs?: number;
}

/**
 * `waitForAppend` for EventStoreDB: one live `subscribeToAll` per store, opened on demand and closed after
 * `lingerMs` without waiters, serving every waiter of the process.
 *
 * Why a subscription rather than polling the head: a catch-up loop that is up to date calls waitForAppend
 * continuously; polling would cost every idle loop a read per interval and add up to one interval of latency
 * to every event, while the subscription wakes waiters as soon as the server has the event.
 * Why from END and not from the waiter's position: a read or subscription must start on a record boundary
 * (see KnownPositions), and the port allows any number. So: subscribe from END with the server-side
 * `excludeSystemEvents` filter, wait for the server's confirmation, then compare the head with the position.
 * An append committed before the subscription started is in that head; one committed after reaches the
 * subscription: none is missed. If the subscription fails, waiters simply run into their timeout (the port only
 * promises "resolves when something may have been appended, or after timeoutMs") and the next wait re-subscribes.
 */
export class AppendWatcher {
  private readonly waiters = new Set<Waiter>();
  private watch: Watch | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly lingerMs: number;
  private readonly confirmTimeoutMs: number;

  constructor(
    private readonly client: EsdbClient,
    private readonly headPosition: () => Promise<number>,
    { lingerMs = 10_000, confirmTimeoutMs = 2000 }: AppendWatcherOptions = {},
  ) {
    this.lingerMs = lingerMs;
    this.confirmTimeoutMs = confirmTimeoutMs;
  }

  wait(position: number, timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { position, resolve, timer: setTimeout(() => this.settle(waiter), Math.max(0, timeoutMs)) };
      this.waiters.add(waiter);
      clearTimeout(this.lingerTimer);
      const { live } = this.ensureWatch();
      void live
        .then(() => (this.waiters.has(waiter) ? this.headPosition() : undefined))
        .then((head) => {
          if (head !== undefined && head > position) this.settle(waiter);
        })
        .catch(() => undefined); // the head could not be read: the timeout still ends the wait
    });
  }

  /** Whether a subscription is open (for tests and diagnostics). */
  get subscribed(): boolean {
    return this.watch !== undefined;
  }

  /** Releases every waiter and ends the subscription. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.lingerTimer);
    for (const waiter of [...this.waiters]) this.settle(waiter);
    await this.unsubscribe();
  }

  private settle(waiter: Waiter): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.resolve();
    if (this.waiters.size === 0 && !this.closed) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = setTimeout(() => void this.unsubscribe(), this.lingerMs);
      this.lingerTimer.unref();
    }
  }

  private wake(commit: bigint): void {
    for (const waiter of [...this.waiters]) if (BigInt(waiter.position) < commit) this.settle(waiter);
  }

  private ensureWatch(): Watch {
    if (this.watch) return this.watch;
    const subscription = this.client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
    let markLive!: () => void;
    const live = new Promise<void>((resolve) => (markLive = resolve));
    const confirmTimer = setTimeout(() => markLive(), this.confirmTimeoutMs);
    confirmTimer.unref();
    void live.then(() => clearTimeout(confirmTimer));
    const watch: Watch = { subscription, live };
    const drop = () => {
      markLive();
      if (this.watch === watch) this.watch = undefined;
    };
    subscription.on('confirmation', () => markLive());
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      markLive(); // an event implies a live subscription
      const event = resolved.event;
      if (event && isDomainEvent(event.streamId, event.type)) this.wake(event.position.commit);
    });
    subscription.on('error', drop);
    subscription.on('end', drop);
    subscription.on('close', drop);
    this.watch = watch;
    return watch;
  }

  private async unsubscribe(): Promise<void> {
    const watch = this.watch;
    if (!watch || this.waiters.size > 0) return;
    this.watch = undefined;
    try {
      await watch.subscription.unsubscribe();
    } catch {
      // already gone
    }
  }
}
