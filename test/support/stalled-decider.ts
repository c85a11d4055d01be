import { Client } from 'pg';
import type { RunningProcess } from './platform-process';
import type { RunningTopology } from '../../scripts/lib/topology';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two window-policy instances deciding the same request at the same time, made to happen rather than
 * hoped for. Kafka gives one conversation (one business) to one instance, so they only meet when
 * that instance stalls (a GC pause, a frozen VM) long enough to be thrown out of the group:
 *
 * 1. the test locks the conversation's row in `event_store_streams`, the row every append to the
 *    stream updates; the instance deciding the conversation ("owner") reads the stream, decides, and
 *    its append waits on the lock;
 * 2. the owner is frozen (SIGSTOP); after Kafka's session timeout the group hands its partitions to
 *    the other instance ("rival"), which replays from the last committed offset, reads the same
 *    stream (reads take no lock), decides the same request again, and its append waits too;
 * 3. the lock is released and the owner thawed (SIGCONT): two appends of a decision on one request,
 *    taken on the same revision. The expected-revision check lets one through; the other must find
 *    the stream moved on, decide again on fresh state, and see it decided. Without the check, both
 *    decisions land.
 */
export async function raceTwoDeciders(
  topology: RunningTopology,
  stream: string,
  hasUndecided: () => Promise<boolean>,
): Promise<{ owner: string; rival: string }> {
  // Two sessions: the one holding the lock, and one watching (pg_stat_activity reads as of the first read in a transaction).
  const [lock, watch] = [new Client({ connectionString: topology.databaseUrl }), new Client({ connectionString: topology.databaseUrl })];
  await Promise.all([lock.connect(), watch.connect()]);
  let frozen: RunningProcess | undefined;
  try {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      await lock.query('BEGIN');
      await lock.query('SELECT revision FROM event_store_streams WHERE name = $1 FOR UPDATE', [stream]);
      // Under the lock nothing new is appended: a request undecided now is one the owner will append a decision for.
      const owner = (await hasUndecided()) ? await waitingDecider(topology, watch, [], 10_000) : undefined;
      if (owner) {
        frozen = topology.processes.find((p) => p.name === owner)!;
        process.kill(frozen.pid, 'SIGSTOP');
        const rival = await waitingDecider(topology, watch, [owner], 45_000);
        if (!rival) throw new Error(`no other window-policy instance took over the conversation from ${owner}`);
        await lock.query('ROLLBACK');
        return { owner, rival };
      }
      await lock.query('ROLLBACK');
      await sleep(20);
    }
    throw new Error('the conversation never had an undecided request to race on');
  } finally {
    if (frozen) process.kill(frozen.pid, 'SIGCONT');
    await Promise.all([lock.end(), watch.end()]);
  }
}

/** The window-policy process (not in `except`) with a session waiting on a lock, within `ms`. */
async function waitingDecider(topology: RunningTopology, client: Client, except: string[], ms: number): Promise<string | undefined> {
  const prefix = `${topology.topic}/`;
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    const { rows } = await client.query<{ name: string }>(
      `SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name LIKE $1 AND wait_event_type = 'Lock'`,
      [`${prefix}window-policy#%`],
    );
    const waiting = rows.map((r) => r.name.slice(prefix.length)).find((name) => !except.includes(name));
    if (waiting) return waiting;
    await sleep(20);
  }
  return undefined;
}
