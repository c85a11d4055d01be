import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BusinessEvent, type ConversationEvent, DAY, HOUR, SECOND, foldBusiness, limitSignals, qualityRating } from '@ventana/domain';
import { SqliteDatabase, messagingLimitsProjection, migrate } from '@ventana/projections';
import type { RecordedEvent } from '@ventana/event-store';
import { BUSINESS, accepted, blocked, customer, registered, t, usageOf } from '../../../../libs/domain/src/testing/given-when-then';
import { limitsView } from './limits-view';

/**
 * The read side of the limits (projection + view) and the decider's side (window-policy's usage)
 * are two folds of the same events: for any history they must count the same customers, blocks
 * and rating. And the messages of the last second are exact.
 */
describe('GET limits: the messaging-limits projection and view', () => {
  let dir: string;
  let db: SqliteDatabase;
  let position = 0;
  const business = foldBusiness([registered(t(0)) as BusinessEvent])!;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'limits-view-'));
    db = new SqliteDatabase(join(dir, 'read-models.db'));
    await migrate(db, messagingLimitsProjection.name, messagingLimitsProjection.migrations);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const project = (events: ConversationEvent[]) =>
    db.transaction(async (tx) => {
      for (const event of events) {
        const recorded = { ...event, id: `e${++position}`, position, revision: 0, streamName: 's', schemaVersion: 1, metadata: {} };
        await messagingLimitsProjection.apply(tx, recorded as unknown as RecordedEvent);
      }
    });

  it('counts the acceptances of the rolling second ending now, and keeps no older ones', async () => {
    const at = [0, 100, 900, 1000, 1500].map((ms) => t(HOUR + ms));
    await project(at.map((time, i) => accepted(time, { waId: customer(i) })));
    expect((await limitsView(db, business, t(HOUR + 1500))).usage.messages_last_second).toBe(3);
    expect((await limitsView(db, business, t(HOUR + 1999))).usage.messages_last_second).toBe(2);
    expect((await limitsView(db, business, t(HOUR + 2500))).usage.messages_last_second).toBe(0);
    // Pruned by event time as they came: only what the last acceptance's second still holds.
    expect(await db.all(`SELECT accepted_at FROM limit_recent_acceptances ORDER BY accepted_at`)).toEqual(
      at.slice(2).map((time) => ({ accepted_at: new Date(time).toISOString() })),
    );
  });

  it('counts the same customers, blocks and rating as the decider, for any history and any later instant', async () => {
    const step = fc.record({
      kind: fc.constantFrom('outside', 'inside', 'block'),
      who: fc.integer({ min: 0, max: 30 }),
      after: fc.integer({ min: 0, max: 2 * DAY }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 8 * DAY }), async (steps, wait) => {
        await db.transaction(async (tx) => {
          for (const table of messagingLimitsProjection.tables) await tx.run(`DELETE FROM ${table}`);
        });
        let clock = t(0);
        const events = steps.map(({ kind, who, after }) => {
          clock += after;
          if (kind === 'block') return blocked(clock, customer(who));
          return accepted(clock, { waId: customer(who), outsideCustomerServiceWindow: kind === 'outside' });
        });
        await project(events);
        const now = clock + wait;
        const view = await limitsView(db, business, now);
        const signals = limitSignals(usageOf(events, BUSINESS), now);
        expect(view.usage).toMatchObject({
          unique_customers_24h: signals.reachedToday,
          unique_customers_7d: signals.reachedInUpgradeWindow,
          customers_messaged_7d: signals.audience,
          blocks_7d: signals.blocks,
        });
        expect(view.quality_rating).toBe(qualityRating(signals));
      }),
      { numRuns: 40 },
    );
  });

  it('rates a business RED and lowers the tier in force, from blocks against customers messaged', async () => {
    const raised = foldBusiness([
      registered(t(0)),
      {
        type: 'BusinessLimitsSet',
        data: { businessId: BUSINESS, messagingTier: 10_000, throughputPerSecond: 80, at: new Date(t(0)).toISOString() },
      },
    ])!;
    await project([
      ...Array.from({ length: 100 }, (_, i) => accepted(t(i * SECOND), { waId: customer(i), outsideCustomerServiceWindow: true })),
      ...Array.from({ length: 5 }, (_, i) => blocked(t(HOUR), customer(500 + i))),
    ]);
    const view = await limitsView(db, raised, t(2 * HOUR));
    expect(view).toMatchObject({
      messaging_tier: 10_000,
      effective_messaging_tier: 2_000,
      quality_rating: 'RED',
      usage: { blocks_7d: 5, block_rate_7d: 0.05 },
    });
    expect(view.thresholds.upgrade).toEqual({
      next_tier: 100_000,
      unique_customers_7d_needed: 5_000,
      not_before: new Date(t(DAY)).toISOString(),
      quality_needed: 'GREEN',
    });
  });
});
