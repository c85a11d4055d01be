import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_DATABASE_URL, describeWithPostgresAndKafka } from '../support/infra';
import { startDistributed } from '../support/platform-process';
import { Scenario } from '../support/scenario';
import { FULL, between, drainAndCheck, report, setUpTraffic, sleep } from './fault-run';
import { SteadyLoad } from './steady-load';
import { postgresLog, postgresRebuildDifferences } from './stored-state';

const KAFKA_SCRIPTS = join(__dirname, '..', '..', 'infra', 'kafka');
const kafka = (script: 'start' | 'stop') => execFileSync('bash', [join(KAFKA_SCRIPTS, `${script}.sh`)], { stdio: 'ignore', timeout: 120_000 });

/** Ends every PostgreSQL session of the topology (each process names its sessions `<topic>/<process>`). */
async function terminateSessions(topic: string): Promise<number> {
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1`, [`${topic}/%`]);
    return rows.length;
  } finally {
    await admin.end();
  }
}

/**
 * The distributed topology under a steady load while each service and the relay are killed with
 * SIGKILL at random moments, the Kafka broker is stopped for a while, and PostgreSQL drops every
 * session: afterwards nothing acknowledged is lost, nothing is decided or charged twice, and
 * every projection equals a fresh rebuild from the store.
 */
describeWithPostgresAndKafka()('distributed topology under faults', () => {
  it('survives crashes of every process, a broker outage and dropped database sessions', async () => {
    const platform = await startDistributed({ keepLogs: false });
    const { topology } = platform;
    const world = new Scenario(platform);
    let load: SteadyLoad | undefined; // stopped whatever happens, or its loops keep Jest alive
    try {
      const { shops, people } = await setUpTraffic(world, 3, FULL ? 40 : 20);
      load = new SteadyLoad(() => world, shops, people, FULL ? 30 : 15);
      load.start();

      const victims = ['window-policy#1', 'pricing#1', 'delivery#1', 'relay#1', 'conversation#1', 'delivery#2', 'relay#2'];
      const rounds = FULL ? 2 : 1;
      let killed = 0;
      for (let round = 0; round < rounds; round++) {
        for (const name of victims) {
          await sleep(between(1000, FULL ? 6000 : 3000));
          await topology.restartProcess(name, 'SIGKILL');
          killed++;
        }
      }
      await sleep(between(1000, 3000));
      const outageStarted = Date.now();
      kafka('stop');
      await sleep(between(FULL ? 20_000 : 10_000, FULL ? 30_000 : 12_000));
      kafka('start');
      const outageSeconds = (Date.now() - outageStarted) / 1000;
      await sleep(between(2000, 4000));
      const sessionsDropped = await terminateSessions(topology.topic);
      await sleep(3000);

      const found = await drainAndCheck(load, () => postgresLog(topology.databaseUrl), 180_000);
      const figures = await load.stop();
      const rebuild = await postgresRebuildDifferences(topology.databaseUrl);
      report({ scenario: 'distributed', killed, broker_outage_seconds: outageSeconds, sessions_dropped: sessionsDropped, ...figures, violations: found.length, rebuild_differences: rebuild.length });
      expect(figures.acknowledged).toBeGreaterThan(100);
      expect(found).toEqual([]);
      expect(rebuild).toEqual([]);
    } finally {
      await load?.stop();
      kafka('start'); // whatever happened above, leave the broker running for whoever comes next
      await platform.stop();
    }
  }, 900_000);
});
