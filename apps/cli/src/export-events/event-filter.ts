import type { RecordedEvent } from '@ventana/event-store';

/** What to export: every criterion given must hold (several values of one criterion: any of them). */
export interface EventFilter {
  streams?: readonly string[];
  /** A stream's category is its name up to the first '-' (`message-…` → message), as EventStoreDB has it. */
  categories?: readonly string[];
  types?: readonly string[];
  /** Inclusive, ISO-8601, on the event's time. */
  from?: string;
  /** Exclusive. */
  to?: string;
}

export const categoryOf = (streamName: string) => streamName.split('-', 1)[0];

export function matches(filter: EventFilter, event: RecordedEvent): boolean {
  if (filter.streams?.length && !filter.streams.includes(event.streamName)) return false;
  if (filter.categories?.length && !filter.categories.includes(categoryOf(event.streamName))) return false;
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  const time = Date.parse(event.metadata.time);
  if (filter.from !== undefined && time < Date.parse(filter.from)) return false;
  if (filter.to !== undefined && time >= Date.parse(filter.to)) return false;
  return true;
}
