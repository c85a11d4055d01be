import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { contractRoutes } from '../fuzz-support/contract-routes';
import { type Fixture, buildFixture } from '../fuzz-support/fixture';
import { FuzzTally, ID_PREFIX, type Rejected, requestsFor } from '../fuzz-support/fuzz-run';
import { closeConnections } from '../fuzz-support/raw-http';
import { type RouteSpec, contractRouteSpecs } from '../fuzz-support/routes';
import { type StoreProbe, postgresProbe, sqliteProbe } from '../fuzz-support/store-probe';
import { type TestPlatform, startDistributed, startPlatform } from '../support/platform-process';
import { Scenario } from '../support/scenario';

/**
 * Property-based bad input (issue 4, item 5): for every route api.md names, generated tokens, paths,
 * queries and bodies (valid-shaped then mutated, wrong types, huge, unicode, nested, malformed).
 * Every answer is a documented success or a 4xx problem+json, never a 5xx; input the contract
 * cannot accept is never a success; and a refused request changes nothing: no event in the store
 * carries its request id, and replaying every refused request in batches leaves the store and every
 * read model exactly as they were.
 *
 * FUZZ_RUNS (total generated cases, split over the routes) and FUZZ_SEED make a run repeatable.
 */
const ROUTES = contractRoutes();
const DISTRIBUTED = process.env.E2E_DEPLOYMENT === 'distributed';
// Distributed, each request crosses the gateway, a service and PostgreSQL: fewer cases in the same time.
const RUNS = Number(process.env.FUZZ_RUNS ?? (DISTRIBUTED ? 1500 : 6000));
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const REPLAY_BATCH = 200;
// Failed authentications are throttled to a 429 after a few dozen per client: the fuzz sends
// thousands, and with the throttle on nearly every later request would be a 429 (tested in security.spec.ts).
const PLATFORM_ENV = { AUTH_FAILURES_PER_IP: '0', AUTH_FAILURES_PER_KEY: '0' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fuzz: generated input on every route of api.md', () => {
  let platform: TestPlatform;
  let world: Scenario;
  let fixture: Fixture;
  let specs: RouteSpec[];
  let tally: FuzzTally;
  let probe: StoreProbe;
  const startedAt = Date.now();
  let replayed = 0;

  beforeAll(async () => {
    if (DISTRIBUTED) {
      const topology = await startDistributed({ env: PLATFORM_ENV });
      [platform, probe] = [topology, postgresProbe(topology.topology.databaseUrl)];
    } else {
      platform = await startPlatform({ env: PLATFORM_ENV });
      probe = sqliteProbe(platform.dataDir);
    }
    world = new Scenario(platform);
    fixture = await buildFixture(world);
    specs = contractRouteSpecs(fixture);
    tally = new FuzzTally(platform.url);
  }, 120_000);

  afterAll(async () => {
    closeConnections();
    await platform?.stop();
    if (!tally) return;
    const seconds = Math.round((Date.now() - startedAt) / 100) / 10;
    console.log(
      `fuzz: ${tally.cases} cases, ${tally.fivexx} 5xx\nfuzz seed ${SEED} (FUZZ_SEED=${SEED} makes the same choices again), ${replayed} of the cases replays of refusals, ${seconds} s`,
    );
    const deployment = DISTRIBUTED ? 'distributed' : 'embedded';
    const line = {
      at: new Date().toISOString(),
      deployment,
      seed: SEED,
      runs: RUNS,
      seconds,
      cases: tally.cases,
      replayed,
      fivexx: tally.fivexx,
      byStatus: tally.byStatus,
    };
    const dir = join(__dirname, '..', 'artifacts');
    mkdirSync(dir, { recursive: true });
    appendFileSync(join(dir, 'fuzz.ndjson'), `${JSON.stringify(line)}\n`);
  });

  /** Waits until nothing more is appended (reactors and projections done with earlier successes). */
  async function settle(): Promise<void> {
    let last = -1;
    for (let i = 0; i < 120; i++) {
      await world.api.call('GET', `/v1/${fixture.shop.id}/templates`, { token: fixture.shop.apiKey });
      const count = await probe.eventCount();
      if (count === last) return;
      last = count;
      await sleep(250);
    }
    throw new Error('the platform kept appending events for 30 s');
  }

  /** Everything rejected input could have touched: the log's length, every read-model row, and the API's view. */
  async function snapshot() {
    const read = async (path: string, token: string) => {
      const r = await world.api.call('GET', path, { token });
      return { status: r.status, body: r.body };
    };
    const { shop, alice } = fixture;
    return {
      events: await probe.eventCount(),
      readModels: await probe.readModels(),
      conversation: await read(`/v1/${shop.id}/conversations/${alice.waId}`, shop.apiKey),
      message: await read(`/v1/${shop.id}/messages/${fixture.messageId}`, shop.apiKey),
      charges: await read(`/v1/${shop.id}/charges`, shop.apiKey),
      rateCard: await read('/v1/rate-cards/current', fixture.admin),
    };
  }

  const described = (r: Rejected) => `${r.request.method} ${r.request.path.slice(0, 200)} (${r.note})`;

  it('has a generator for every route api.md names, and for no other', () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(25);
    expect(specs.map((s) => s.route).sort()).toEqual(ROUTES);
  });

  it.each(ROUTES)(
    '%s: a documented success or a 4xx problem, and a refusal appends nothing',
    async (route) => {
      const spec = specs.find((s) => s.route === route);
      if (!spec) throw new Error(`no generator for ${route}`);
      const runs = Math.max(20, Math.ceil(RUNS / ROUTES.length));
      const refused = await tally.fuzz(spec, requestsFor(spec, fixture), runs, SEED + ROUTES.indexOf(route));
      const caused = await probe.correlationIds(ID_PREFIX);
      expect([...refused].filter(([id]) => caused.has(id)).map(([, r]) => described(r))).toEqual([]);
    },
    120_000,
  );

  it('rejected input changed nothing: every refusal sent again, in batches, leaves the store and every read model as they were', async () => {
    expect(tally.rejected.length).toBeGreaterThan(0);
    await settle();
    let before = await snapshot();
    let compared = 0;
    const refusedAgain = new Map<string, Rejected>();
    for (let start = 0; start < tally.rejected.length; start += REPLAY_BATCH) {
      const batch = tally.rejected.slice(start, start + REPLAY_BATCH);
      const accepted: Rejected[] = [];
      for (const rejected of batch) {
        const { requestId, answer } = await tally.exchange(rejected.request, `${ID_PREFIX}replay-`);
        replayed++;
        expect(answer.status).toBeLessThan(500);
        // State moved on since (a message got delivered, a template approved): that request may now succeed.
        if (answer.status < 400) accepted.push(rejected);
        else refusedAgain.set(requestId, rejected);
      }
      if (accepted.length > 0) {
        await settle();
        before = await snapshot();
        continue;
      }
      const after = await snapshot();
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        const gained = after.readModels.filter((row) => !before.readModels.includes(row)).slice(0, 5);
        throw new Error(
          `a batch of ${batch.length} refused requests changed state: events ${before.events} → ${after.events}, new rows ${gained.join('\n')}\n${batch.map(described).join('\n')}`,
        );
      }
      compared += batch.length;
    }
    // Most refusals stay refusals: the comparison covered them, not just a few batches.
    expect(compared).toBeGreaterThan(tally.rejected.length / 2);
    const caused = await probe.correlationIds(`${ID_PREFIX}replay-`);
    expect([...refusedAgain].filter(([id]) => caused.has(id)).map(([, r]) => described(r))).toEqual([]);
  }, 300_000);
});
