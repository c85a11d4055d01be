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
