/** What a writer hands to the store. `id` is unique across the whole store. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  /** Schema version of `data` for this `type`; bumped when the payload shape changes. */
  schemaVersion?: number;
  metadata: EventMetadata;
}

export interface EventMetadata {
  /** Platform time (ISO-8601 UTC) at which the fact happened. */
  time: string;
  /** The request or flow this event belongs to. */
  correlationId: string;
  /** The event (or request) that directly caused this one. */
  causationId: string;
}

/** What the store hands back: the event plus where it sits. Readers may share one object: never mutate it. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  schemaVersion: number;
  streamName: string;
  /** 0-based position inside its stream. */
  revision: number;
  /** Position in the global log: strictly increasing in commit order, never reused. */
  position: number;
}

/**
 * A new event or message id: a UUIDv7, which sorts by creation time. Indexes keyed by such ids
 * (the store's event-id index, streams named after a message) grow at one end, so an append
 * rewrites one hot page instead of a random page per event.
 */
export { v7 as newId } from 'uuid';
