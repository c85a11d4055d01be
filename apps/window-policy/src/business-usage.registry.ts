import { type BusinessUsage, UPGRADE_WINDOW_MS, QUALITY_WINDOW_MS, emptyUsage, ms, recordAcceptance, recordBlock } from '@ventana/domain';
import type { EventStore, RecordedEvent } from '@ventana/event-store';

interface Accepted {
  businessId: string;
  waId: string;
  at: string;
  outsideCustomerServiceWindow: boolean;
}

interface Blocked {
  businessId: string;
  waId: string;
  at: string;
}

/** Events older than this no longer count toward any limit, rating or upgrade. */
const REMEMBERED_MS = Math.max(UPGRADE_WINDOW_MS, QUALITY_WINDOW_MS);

/**
 * Recent sending and blocks per business (messaging limit, throughput, quality, upgrades), kept in
 * memory. It is derived data: on start and on every (re)assignment it is rebuilt from the last
 * 7 days of accepted messages and blocks in the store, and each new acceptance or block is recorded
 * as it is handled. One instance decides all of a business's requests (the subscription is
 * partitioned by business), so its view of the business is whole.
 */
export class BusinessUsageRegistry {
  private readonly usage = new Map<string, BusinessUsage>();

  of(businessId: string): BusinessUsage {
    let usage = this.usage.get(businessId);
    if (!usage) this.usage.set(businessId, (usage = emptyUsage()));
    return usage;
  }

  record(accepted: Accepted): void {
    recordAcceptance(this.of(accepted.businessId), {
      waId: accepted.waId,
      at: ms(accepted.at),
      outsideWindow: accepted.outsideCustomerServiceWindow,
    });
  }

  /** Idempotent: a redelivered block is the same sighting again. */
  recordBlock(block: Blocked): void {
    recordBlock(this.of(block.businessId), { waId: block.waId, at: ms(block.at) });
  }

  async rebuild(store: EventStore, now: number): Promise<void> {
    this.usage.clear();
    for (let after = 0; ;) {
      const batch = await store.readAll({ after, limit: 5000, types: ['MessageAccepted', 'BusinessBlocked'] });
      if (batch.length === 0) return;
      for (const event of batch) this.replay(event, now);
      after = batch[batch.length - 1].position;
    }
  }

  private replay(event: RecordedEvent, now: number): void {
    const data = event.data as Accepted & Blocked;
    if (ms(data.at) <= now - REMEMBERED_MS) return;
    if (event.type === 'BusinessBlocked') this.recordBlock(data);
    else this.record(data);
  }
}
