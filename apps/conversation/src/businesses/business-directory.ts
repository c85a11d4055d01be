import { type Business, type BusinessEvent, foldBusiness } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { Streams, businessIdFor, notFound } from '@ventana/platform';

/** The business behind a phone number, read from its own stream (consistent, no lagging index). */
export async function businessByPhone(store: EventStore, phoneNumber: string): Promise<Business> {
  const { events } = await store.readStream(Streams.business(businessIdFor(phoneNumber)));
  const business = foldBusiness(events as unknown as BusinessEvent[]);
  if (!business) throw notFound(`No business has the phone number ${phoneNumber}.`);
  return business;
}

/** The business with this id, read from its own stream. */
export async function businessById(store: EventStore, businessId: string): Promise<Business> {
  const { events } = await store.readStream(Streams.business(businessId));
  const business = foldBusiness(events as unknown as BusinessEvent[]);
  if (!business) throw notFound(`No business ${businessId}.`);
  return business;
}
