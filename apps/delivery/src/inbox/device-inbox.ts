import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  type MessageEvent,
  MessageDecisions,
  type OutboundMessage,
  evolveMessage,
  foldMessage,
  iso,
  messageError,
} from '@ventana/domain';
import { type Causation, type EventStore, decideOnStream } from '@ventana/event-store';
import { Dialects, type SqlDatabase, type SqlValue } from '@ventana/projections';
import { EVENT_STORE, DELIVERY_STATE, Streams, businessIdFor, conflict, notFound } from '@ventana/platform';
import type { InboxRow } from '../delivery-schema';
import { BlockStatus } from './block-status';

type Decide = (state: OutboundMessage, ref: { messageId: string; businessId: string; waId: string }, at: string) => MessageEvent[];

/**
 * How long a fetch (or an expiry pass) holds the inbox rows it claimed, in real time. Its store
 * decisions take milliseconds; the lease only matters when a process dies holding rows: they
 * become claimable again once it ends.
 */
export const INBOX_CLAIM_MS = 60_000;
/** Inbox rows one expiry pass takes on. */
const EXPIRY_BATCH = 500;

/** A claim is free when nobody holds it or its holder's lease has ended. */
const UNCLAIMED = `(claimed_until IS NULL OR claimed_until < ?)`;
const CLAIMED_COLUMNS = `message_id, wa_id, item, sent_at`;

/** Inbox order: oldest first, then by id (what `ORDER BY sent_at, message_id` gives on both engines). */
const inboxOrder = (a: InboxRow, b: InboxRow) =>
  a.sent_at < b.sent_at ? -1 : a.sent_at > b.sent_at ? 1 : a.message_id < b.message_id ? -1 : a.message_id > b.message_id ? 1 : 0;

/**
 * What waits on a customer's device, and the acknowledgements the device sends back.
 *
 * Several delivery processes may share the inbox table (one PostgreSQL schema). Every message is
 * handed to exactly one fetch: a fetch first claims the customer's unclaimed rows in a single
 * `UPDATE … RETURNING` (atomic on SQLite; on PostgreSQL the WHERE is re-checked on the row's
 * latest version under its row lock, so a row claimed meanwhile is skipped), decides on what it
 * claimed, then deletes exactly the rows it still holds. The expiry pass claims the same way, so a
 * message is never both handed over and given up.
 */
@Injectable()
export class DeviceInbox {
  private readonly blocks: BlockStatus;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DELIVERY_STATE) private readonly db: SqlDatabase,
  ) {
    this.blocks = new BlockStatus(store);
  }

  /** Fetching is the delivery acknowledgement: every message handed over becomes 'delivered'. */
  async fetch(waId: string, causation: Causation): Promise<unknown[]> {
    const now = Date.now();
    // Most fetches find nothing: a plain read says so without taking the write lock.
    if (!(await this.db.one(`SELECT 1 AS waiting FROM delivery_inbox WHERE wa_id = ? AND ${UNCLAIMED} LIMIT 1`, [waId, now]))) return [];
    const claim = randomUUID();
    const rows = (
      await this.claimRows(
        `UPDATE delivery_inbox SET claimed_by = ?, claimed_until = ? WHERE wa_id = ? AND ${UNCLAIMED} RETURNING ${CLAIMED_COLUMNS}`,
        [claim, now + INBOX_CLAIM_MS, waId, now],
      )
    ).sort(inboxOrder);
    if (rows.length === 0) return [];
    return this.holding(claim, async () => {
      // While the customer blocks a business, nothing from it reaches the device: it fails (131026), never charged.
      const blocked = await this.blockedSenders(waId, rows);
      const undeliverable = messageError(ErrorCode.Undeliverable, 'The customer has blocked this business.');
      const states = await Promise.all(
        rows.map((row) =>
          this.onMessage(
            row.message_id,
            (state, ref, at) =>
              blocked.has(ref.businessId)
                ? MessageDecisions.failDelivery(state, ref, undeliverable, at)
                : MessageDecisions.deliver(state, ref, at),
            causation,
          ),
        ),
      );
      // A message that expired meanwhile, or whose sender is blocked (failed), is not handed over.
      const delivered = rows
        .filter((_, i) => states[i]?.status === 'delivered' || states[i]?.status === 'read')
        .map((row) => JSON.parse(row.item) as unknown);
      await this.db.transaction((tx) => tx.run(`DELETE FROM delivery_inbox WHERE claimed_by = ?`, [claim]));
      return delivered;
    });
  }

  /**
   * Claims rows in one statement. It runs in a transaction of its own so that, on SQLite's single
   * connection, it never joins (and never rolls back with) another caller's open transaction.
   */
  private claimRows(sql: string, params: readonly SqlValue[]): Promise<InboxRow[]> {
    return this.db.transaction((tx) => tx.all<InboxRow>(sql, params));
  }

  /** Runs `work` on claimed rows; if it fails, the rows it still holds are released for the next fetch. */
  private async holding<T>(claim: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.db
        .transaction((tx) => tx.run(`UPDATE delivery_inbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?`, [claim]))
        .catch(() => undefined); // the lease runs out anyway
      throw error;
    }
  }

  /** The businesses (by id) among the senders of `rows` that this customer blocks now. */
  private async blockedSenders(waId: string, rows: readonly InboxRow[]): Promise<Set<string>> {
    const senders = new Set(rows.map((row) => businessIdFor((JSON.parse(row.item) as { from: string }).from)));
    const blocked = new Set<string>();
    for (const businessId of senders) if (await this.blocks.blocked(businessId, waId)) blocked.add(businessId);
    return blocked;
  }

  async markRead(waId: string, messageId: string, causation: Causation): Promise<void> {
    const state = await this.onMessage(messageId, MessageDecisions.read, causation, waId);
    if (!state || state.status === 'none') throw notFound(`No message ${messageId} for this customer.`);
    if (state.status !== 'read') throw conflict(`Message ${messageId} has not been delivered to this device yet.`);
  }

  /** Gives up on messages the device has not fetched within the time to live: 131026, never charged. */
  async expire(olderThan: number, causation: Causation): Promise<number> {
    const claim = randomUUID();
    const now = Date.now();
    // The oldest unclaimed rows; the condition is repeated on the UPDATE itself, where PostgreSQL re-checks it under the row lock.
    const rows = (
      await this.claimRows(
        `UPDATE delivery_inbox SET claimed_by = ?, claimed_until = ?
         WHERE message_id IN (
             SELECT message_id FROM delivery_inbox WHERE sent_at < ? AND ${UNCLAIMED}
             ORDER BY sent_at LIMIT ${EXPIRY_BATCH}${Dialects.skipLocked(this.db.dialect)})
           AND sent_at < ? AND ${UNCLAIMED}
         RETURNING ${CLAIMED_COLUMNS}`,
        [claim, now + INBOX_CLAIM_MS, iso(olderThan), now, iso(olderThan), now],
      )
    ).sort(inboxOrder);
    const error = messageError(ErrorCode.Undeliverable, 'The device did not fetch the message in time; delivery gave up.');
    return this.holding(claim, async () => {
      for (const row of rows) {
        await this.onMessage(row.message_id, (state, ref, at) => MessageDecisions.failDelivery(state, ref, error, at), causation);
        await this.db.transaction((tx) =>
          tx.run(`DELETE FROM delivery_inbox WHERE message_id = ? AND claimed_by = ?`, [row.message_id, claim]),
        );
      }
      return rows.length;
    });
  }

  /** Runs one message-stream decider; undefined when the message does not exist or is not this customer's. */
  private async onMessage(messageId: string, decide: Decide, causation: Causation, waId?: string): Promise<OutboundMessage | undefined> {
    const { result } = await decideOnStream<MessageEvent, OutboundMessage | undefined>(
      this.store,
      Streams.message(messageId),
      (history) => {
        const state = foldMessage(history);
        const priced = state.priced;
        if (!priced || (waId !== undefined && priced.waId !== waId)) return { events: [], result: undefined };
        const events = decide(state, { messageId, businessId: priced.businessId, waId: priced.waId }, causation.time);
        return { events, result: events.reduce(evolveMessage, state) };
      },
      causation,
    );
    return result;
  }
}
