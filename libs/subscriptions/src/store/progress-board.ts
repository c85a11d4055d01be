import { BroadcastChannel } from 'node:worker_threads';

/**
 * How far each subscriber of the embedded deployment has got, shared between the threads of one
 * process: the pipeline thread runs the subscribers, the HTTP thread waits on them for
 * read-your-writes. Updates are coalesced (one message per subscriber every few milliseconds).
 */
export class ProgressBoard {
  private readonly channel: BroadcastChannel;
  private readonly known = new Map<string, number>();
  private readonly unsent = new Map<string, number>();
  private readonly waiters = new Set<{ name: string; position: number; wake: () => void }>();
  private timer?: NodeJS.Timeout;

  constructor(name: string) {
    this.channel = new BroadcastChannel(`ventana-progress:${name}`);
    this.channel.onmessage = (message) => {
      for (const [subscriber, position] of (message as { data: [string, number][] }).data) this.learn(subscriber, position);
    };
    this.channel.unref();
  }

  /** A subscriber of this thread got to `position`. */
  publish(subscriber: string, position: number): void {
    this.learn(subscriber, position);
    this.unsent.set(subscriber, position);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.channel.postMessage([...this.unsent]);
      this.unsent.clear();
    }, 2).unref();
  }

  /** Whether `subscriber` (of any thread) is known here at all. */
  knows(subscriber: string): boolean {
    return this.known.has(subscriber);
  }

  /** How far `subscriber` (of any thread) has got, as last heard here. */
  positionOf(subscriber: string): number | undefined {
    return this.known.get(subscriber);
  }

  /** Resolves true once `subscriber` has reached `position`, false after `timeoutMs`. */
  reached(subscriber: string, position: number, timeoutMs: number): Promise<boolean> {
    if ((this.known.get(subscriber) ?? -1) >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        name: subscriber,
        position,
        wake: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  close(): void {
    clearTimeout(this.timer);
    if (this.unsent.size > 0) this.channel.postMessage([...this.unsent]);
    this.channel.close();
    for (const waiter of this.waiters) waiter.wake();
  }

  private learn(subscriber: string, position: number): void {
    if ((this.known.get(subscriber) ?? -1) >= position) return;
    this.known.set(subscriber, position);
    for (const waiter of this.waiters) if (waiter.name === subscriber && waiter.position <= position) waiter.wake();
  }
}
