import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendResult,
  AppendToStreamOptions,
  EventData,
  ReadAllOptions,
  ReadStreamOptions,
  ResolvedEvent,
  SetStreamMetadataOptions,
  StreamMetadata,
  StreamingRead,
  SubscribeToAllOptions,
} from '@eventstore/db-client';

/**
 * The part of @eventstore/db-client's EventStoreDBClient the adapter uses, with the client's own types.
 * EventStoreDBClient satisfies it (the adapter's `open` passes one); tests pass an in-memory stand-in.
 */
export interface EsdbClient {
  appendToStream(streamName: string, events: EventData | EventData[], options?: AppendToStreamOptions): Promise<AppendResult>;
  readStream(streamName: string, options?: ReadStreamOptions): StreamingRead<ResolvedEvent>;
  readAll(options?: ReadAllOptions): StreamingRead<AllStreamResolvedEvent>;
  subscribeToAll(options?: SubscribeToAllOptions): AllStreamSubscription;
  setStreamMetadata(streamName: string, metadata: StreamMetadata, options?: SetStreamMetadataOptions): Promise<AppendResult>;
  dispose(): Promise<void>;
}
