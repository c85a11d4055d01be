import { type Dispatcher, Pool } from 'undici';

/**
 * A keep-alive HTTP/1.1 client on undici's pool, which costs about half the CPU of node:http's
 * client per request: the bench process shares the machine's two cores with the platform, so
 * the load generator should take as little of them as it can.
 */
export class LoadClient {
  private readonly pool: Pool;

  constructor(baseUrl: string, maxSockets = 64) {
    this.pool = new Pool(baseUrl, { connections: maxSockets });
  }

  async request(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await this.pool.request({
      method: method as Dispatcher.HttpMethod,
      path,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(payload && { 'content-type': 'application/json' }),
      },
      body: payload,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  }

  close(): void {
    void this.pool.close();
  }
}

/** Runs `task` with at most `concurrency` in flight until `count` are done. */
export async function closedLoop(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Starts `task` at a fixed rate (open loop: a slow answer does not slow the offered load); returns each latency in ms. */
export async function openLoop(ratePerSecond: number, seconds: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const total = ratePerSecond * seconds;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Latency counts from when the request was due, so queueing in the generator is not hidden.
    pending.push(task(i).then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(pending);
  return latencies;
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
