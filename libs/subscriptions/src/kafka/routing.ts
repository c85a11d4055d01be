import type { RecordedEvent } from '@ventana/event-store';

type Parties = { businessId?: unknown; waId?: unknown };

/**
 * The record key is the conversation, `conversation-<business>-<customer>`, for every event about
 * one (a message's events carry both parties); other events are keyed by their stream.
 *
 * The partition, though, follows the business alone: a business's limits are decided from all of
 * its conversations, so all of them go to one window-policy instance, in order. Per-conversation
 * order holds a fortiori. Events of no business (customers, rate cards, the clock) follow their key.
 */
export function routeOf(event: RecordedEvent): { key: string; partitionKey: string } {
  const { businessId, waId } = (event.data ?? {}) as Parties;
  if (typeof businessId === 'string') {
    const key = typeof waId === 'string' ? `conversation-${businessId}-${waId}` : event.streamName;
    return { key, partitionKey: businessId };
  }
  return { key: event.streamName, partitionKey: event.streamName };
}
