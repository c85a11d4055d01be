import { type Business, type BusinessEvent, foldBusiness } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { Streams } from '@ventana/platform';

/**
 * Businesses as delivery needs them (phone, key, webhook). A registered business's profile never
 * changes here, so it is cached after the first read of its stream.
 */
export class BusinessProfiles {
  private readonly cache = new Map<string, Business>();

  constructor(private readonly store: EventStore) {}

  async get(businessId: string): Promise<Business> {
    const cached = this.cache.get(businessId);
    if (cached) return cached;
    const { events } = await this.store.readStream(Streams.business(businessId));
    const business = foldBusiness(events as unknown as BusinessEvent[]);
    if (!business) throw new Error(`unknown business ${businessId}`);
    this.cache.set(businessId, business);
    return business;
  }
}
