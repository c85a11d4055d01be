import type { BusinessActor, CustomerActor, Scenario } from '../support/scenario';

/** What the load sent and the platform acknowledged (202): the invariants are about these. */
export interface Acknowledged {
  id: string;
  business: BusinessActor;
  customer: CustomerActor;
  kind: 'marketing' | 'text';
}

export interface LoadFigures {
  acknowledged: number;
  refused: number;
  fetches: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)];

/**
 * Steady traffic that keeps going through crashes: businesses send marketing templates and
 * free-form replies inside open windows at a fixed rate, devices fetch their inboxes. Requests
 * that fail (connection refused while a process is down, 5xx) are counted, not acknowledged.
 * `world()` is asked anew for every request, so a restarted platform is picked up.
 */
export class SteadyLoad {
  readonly acknowledged = new Map<string, Acknowledged>();
  private refused = 0;
  private fetches = 0;
  private sending = false;
  private fetching = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly world: () => Scenario,
    private readonly businesses: readonly { actor: BusinessActor; template: { name: string; parameterCount: number } }[],
    private readonly customers: readonly CustomerActor[],
    private readonly ratePerSecond: number,
  ) {}

  start(): void {
    this.sending = this.fetching = true;
    this.loops = [this.send(), ...Array.from({ length: 4 }, (_, i) => this.fetch(i, 4))];
  }

  /** Stops sending; devices go on fetching until `drained()` or `stop()`. */
  stopSending(): void {
    this.sending = false;
  }

  async stop(): Promise<LoadFigures> {
    this.sending = this.fetching = false;
    await Promise.all(this.loops);
    return { acknowledged: this.acknowledged.size, refused: this.refused, fetches: this.fetches };
  }

  private async send(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const interval = 1000 / this.ratePerSecond;
    for (let next = Date.now(); this.sending; next += interval) {
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      if (inFlight.size >= 32) await Promise.race(inFlight);
      const one = this.sendOne().finally(() => inFlight.delete(one));
      inFlight.add(one);
    }
    await Promise.all(inFlight);
  }

  private async sendOne(): Promise<void> {
    const { actor: business, template } = pick(this.businesses);
    const customer = pick(this.customers);
    const kind = Math.random() < 0.5 ? 'marketing' : 'text';
    try {
      const world = this.world();
      const r = kind === 'marketing' ? await world.sendTemplate(business, customer, template) : await world.sendText(business, customer);
      if (r.status === 202) this.acknowledged.set(r.body.messages[0].id, { id: r.body.messages[0].id, business, customer, kind });
      else this.refused++;
    } catch {
      this.refused++; // the process was down: nothing acknowledged
    }
  }

  private async fetch(worker: number, workers: number): Promise<void> {
    for (let i = worker; this.fetching; i += workers) {
      const customer = this.customers[i % this.customers.length];
      try {
        const r = await this.world().api.call('GET', `/v1/customers/${customer.waId}/inbox`, { token: customer.token });
        if (r.status === 200) this.fetches++;
      } catch {
        await sleep(200);
      }
      await sleep(20);
    }
  }
}
