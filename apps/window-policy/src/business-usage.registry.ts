import { type BusinessUsage, DAY, emptyUsage, ms, recordAcceptance } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';

interface Accepted {
  businessId: string;
  waId: string;
  at: string;
  outsideCustomerServiceWindow: boolean;
}

/**
 * Recent sending per business (messaging limit, throughput), kept in memory. It is derived data:
 * on start it is rebuilt from the last 24 h of accepted messages in the store, and each new
 * acceptance is recorded as it is decided. This assumes one deciding process per business, as in
 * the embedded deployment (README: "Limits").
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

  async rebuild(store: EventStore, now: number): Promise<void> {
    this.usage.clear();
    for (let after = 0; ; ) {
      const batch = await store.readAll({ after, limit: 5000, types: ['MessageAccepted'] });
      if (batch.length === 0) return;
      for (const event of batch) {
        const accepted = event.data as Accepted;
        if (ms(accepted.at) > now - DAY) this.record(accepted);
      }
      after = batch[batch.length - 1].position;
    }
  }
}
