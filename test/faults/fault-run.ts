import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BusinessActor, type CustomerActor, Scenario, phone } from '../support/scenario';
import { type ExpectedCharge, type StoredEvent, violations } from './invariants';
import { type Acknowledged, SteadyLoad } from './steady-load';

/** FAULTS=full: longer load, more crashes, longer outages (`npm run test:faults`); the default is the reduced run CI does. */
export const FULL = process.env.FAULTS === 'full';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const between = (low: number, high: number) => low + Math.random() * (high - low);

/** GB marketing on the standard card (test/support/world.ts): what a delivered marketing template costs. */
export const GB_MARKETING_MICROS = 52_900;
/** Marketing templates inside an open window are charged; free-form replies are free. */
export const expectedCharge: ExpectedCharge = (message: Acknowledged) => (message.kind === 'marketing' ? GB_MARKETING_MICROS : null);

/** Businesses with an approved marketing template, customers who wrote to each of them (windows open, consent given). */
export async function setUpTraffic(world: Scenario, businesses: number, customers: number) {
  await world.rateCard();
  const shops: { actor: BusinessActor; template: { name: string; parameterCount: number } }[] = [];
  for (let i = 0; i < businesses; i++) {
    const actor = await world.business();
    shops.push({ actor, template: await world.approvedTemplate(actor, 'MARKETING', 'News for you, {{1}}') });
  }
  const people: CustomerActor[] = [];
  for (let i = 0; i < customers; i++) {
    const customer = await world.customer(phone('44'));
    for (const { actor } of shops) await world.inbound(customer, actor, 'hello');
    people.push(customer);
  }
  return { shops, people };
}

/**
 * After the faults: devices keep fetching until every acknowledged message has its terminal
 * outcome in the store (or `timeoutMs` passes), then the invariants are checked over the log.
 */
export async function drainAndCheck(load: SteadyLoad, log: () => Promise<StoredEvent[]>, timeoutMs: number): Promise<string[]> {
  load.stopSending();
  const deadline = Date.now() + timeoutMs;
  let found: string[] = [];
  for (;;) {
    found = violations(await log(), load.acknowledged, expectedCharge);
    if (found.length === 0 || Date.now() > deadline) break;
    await sleep(500);
  }
  await load.stop();
  return found;
}

/** One line per fault scenario into test/artifacts/faults.ndjson, and on the console, for the closing figures. */
export function report(figures: Record<string, unknown>): void {
  const line = JSON.stringify({ at: new Date().toISOString(), full: FULL, ...figures });
  console.log(`fault figures: ${line}`);
  const dir = join(__dirname, '..', 'artifacts');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'faults.ndjson'), `${line}\n`);
}
