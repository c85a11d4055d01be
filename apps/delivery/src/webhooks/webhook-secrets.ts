import { type Business, type BusinessEvent, evolveBusiness, webhookSecretsAt } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { Streams } from '@ventana/platform';

/**
 * The secrets a webhook is signed with when it is posted. Unlike the rest of a business's profile
 * they change (rotation), so each lookup reads what was appended to the business's stream since
 * the last one: a rotation answered 2xx signs the very next POST.
 */
export class WebhookSecrets {
  private readonly known = new Map<string, { revision: number; business: Business }>();

  constructor(private readonly store: EventStore) {}

  async at(businessId: string, now: number): Promise<{ current: string; previous: string | null }> {
    const cached = this.known.get(businessId);
    const { events, revision } = await this.store.readStream(Streams.business(businessId), {
      fromRevision: cached ? cached.revision + 1 : 0,
    });
    const business = (events as unknown as BusinessEvent[]).reduce<Business | undefined>(evolveBusiness, cached?.business);
    if (!business) throw new Error(`unknown business ${businessId}`);
    this.known.set(businessId, { revision, business });
    return webhookSecretsAt(business, now);
  }
}
