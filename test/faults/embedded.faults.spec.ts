import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyDataDir } from '../support/data-dir';
import { startPlatform } from '../support/platform-process';
import { Scenario } from '../support/scenario';
import { FULL, between, drainAndCheck, report, setUpTraffic, sleep } from './fault-run';
import { SteadyLoad } from './steady-load';
import { embeddedLog, embeddedRebuildDifferences, integrity } from './stored-state';

/** The embedded default under a steady load while its process is killed (SIGKILL) and its disk turns read-only. */
describe('embedded default under faults', () => {
  it('loses nothing acknowledged, decides and charges everything exactly once across SIGKILLs', async () => {
    let platform = await startPlatform({ keepLogs: false });
    let world = new Scenario(platform);
    let load: SteadyLoad | undefined; // stopped whatever happens, or its loops keep Jest alive
    try {
      const { shops, people } = await setUpTraffic(world, 3, FULL ? 60 : 30);
      load = new SteadyLoad(() => world, shops, people, FULL ? 40 : 25);
      load.start();
      const kills = FULL ? 8 : 3;
      for (let i = 0; i < kills; i++) {
        await sleep(between(1500, FULL ? 8000 : 5000));
        platform = await platform.restart('SIGKILL');
        world = new Scenario(platform);
      }
      await sleep(2000);
      const found = await drainAndCheck(load, async () => embeddedLog(platform.dataDir), 90_000);
      const figures = await load.stop();
      await platform.stop();
      const copy = copyDataDir(platform.dataDir);
      const rebuild = await embeddedRebuildDifferences(copy).finally(() => rmSync(copy, { recursive: true, force: true }));
      report({ scenario: 'embedded SIGKILL', killed: kills, ...figures, violations: found.length, rebuild_differences: rebuild.length });
      expect(figures.acknowledged).toBeGreaterThan(100);
      expect(found).toEqual([]);
      expect(rebuild).toEqual([]);
    } finally {
      await load?.stop();
      await platform.stop();
    }
  }, 600_000);

  it('answers 503 problem+json while the data directory is read-only, keeps reading, and resumes uncorrupted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ventana-ro-'));
    // Read-only even for root, even through file descriptors already open: the immutable attribute
    // (permission bits would not stop root, and a busy file system cannot be remounted read-only).
    // The WAL indexes (-shm) stay writable: SQLite maps them into memory, and a mapped page that can
    // no longer be written is a SIGBUS, not an error any program can answer.
    const files = () =>
      readdirSync(dataDir)
        .filter((name) => !name.endsWith('-shm'))
        .map((name) => join(dataDir, name));
    const readOnly = (on: boolean) => execFileSync('chattr', [on ? '+i' : '-i', dataDir, ...files()]);
    const platform = await startPlatform({ dataDir, keepLogs: false });
    const world = new Scenario(platform);
    let load: SteadyLoad | undefined; // stopped whatever happens, or its loops keep Jest alive
    try {
      const { shops, people } = await setUpTraffic(world, 2, 12);
      load = new SteadyLoad(() => world, shops, people, 15);
      load.start();
      await sleep(3000);

      readOnly(true);
      const outageStarted = Date.now();
      await sleep(500);
      const refused = await world.sendTemplate(shops[0].actor, people[0], shops[0].template);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.body).toMatchObject({ status: 503, title: expect.any(String), detail: expect.stringContaining('storage') });
      // Reads keep being served from what is there.
      expect((await world.conversation(shops[0].actor, people[0])).status).toBe(200);
      await sleep(between(FULL ? 10_000 : 4000, FULL ? 30_000 : 6000));
      readOnly(false);
      const outageSeconds = (Date.now() - outageStarted) / 1000;

      // Writes succeed again without a restart, and the whole run still holds every invariant.
      await sleep(1000);
      expect((await world.sendTemplate(shops[0].actor, people[0], shops[0].template)).status).toBe(202);
      const found = await drainAndCheck(load, async () => embeddedLog(dataDir), 90_000);
      const figures = await load.stop();
      await platform.stop();
      const checks = integrity(dataDir);
      report({ scenario: 'embedded read-only data directory', outage_seconds: outageSeconds, ...figures, violations: found.length, integrity: checks });
      expect(found).toEqual([]);
      expect(checks).toEqual({ 'events.db': 'ok', 'read-models.db': 'ok', 'delivery.db': 'ok' });
    } finally {
      await load?.stop();
      readOnly(false);
      await platform.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
