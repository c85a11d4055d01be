import type { EventStore, ExpectedRevision } from './event-store';
import { WrongExpectedRevisionError } from './event-store';
import { newId } from './event';

export interface DomainEvent {
  type: string;
  data: unknown;
}

export interface Causation {
  correlationId: string;
  causationId: string;
  /** Platform time of the fact, ISO-8601. */
  time: string;
}

/**
 * The command side of every service: read one stream, fold it, decide, append with the revision
 * that was read. A concurrent writer makes the append fail; then it all runs again on fresh state,
 * so two concurrent decisions can never both win.
 */
export async function decideOnStream<Event extends DomainEvent, Result = void>(
  store: EventStore,
  streamName: string,
  decide: (history: Event[]) => { events: Event[]; result: Result },
  causation: Causation,
  options: { maxAttempts?: number; /** `decide` sees the events from here on (it holds a fold of those before). */ fromRevision?: number } = {},
): Promise<{ events: Event[]; result: Result }> {
  const { maxAttempts = 50, fromRevision } = options;
  for (let attempt = 1; ; attempt++) {
    const { events, revision } = await store.readStream(streamName, { fromRevision });
    const decision = decide(events as unknown as Event[]);
    if (decision.events.length === 0) return decision;
    const expected: ExpectedRevision = revision < 0 ? 'no_stream' : revision;
    try {
      await store.append(
        streamName,
        decision.events.map((e) => ({ id: newId(), type: e.type, data: e.data, metadata: causation })),
        expected,
      );
      return decision;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw error;
    }
  }
}

/** Appends facts that need no decision (no invariant to protect), e.g. a customer's inbound message. */
export async function appendFacts(store: EventStore, streamName: string, events: readonly DomainEvent[], causation: Causation): Promise<number> {
  const result = await store.append(
    streamName,
    events.map((e) => ({ id: newId(), type: e.type, data: e.data, metadata: causation })),
    'any',
  );
  return result.position;
}
