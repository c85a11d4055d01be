import { type Deployment, connect } from './connect';

/** Exit codes: 0 done (and, for checks, nothing found); 1 a check found differences; 2 the command could not run. */
export const EXIT = { ok: 0, differences: 1, failed: 2 } as const;

/**
 * Runs a command against the deployment the environment names, closes it whatever happens, and
 * turns the outcome into the exit code (the work returns it, or throws: code 2, message on stderr).
 */
export function withDeployment<Args extends unknown[]>(work: (deployment: Deployment, ...args: Args) => Promise<number | void>) {
  return async (...args: Args): Promise<void> => {
    let deployment: Deployment | undefined;
    try {
      deployment = await connect();
      process.exitCode = (await work(deployment, ...args)) ?? EXIT.ok;
    } catch (error) {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT.failed;
    } finally {
      await deployment?.close().catch(() => undefined);
    }
  };
}

/** One JSON document on stdout, for programs. */
export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
export const printLine = (line = '') => process.stdout.write(`${line}\n`);
