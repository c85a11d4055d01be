import { type ConversationEvent, evolveBlock } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { Streams } from '@ventana/platform';

/**
 * Whether a customer blocks a business now, read from their conversation stream (a decision must
 * see every block already answered 2xx). Conversations grow with every message, so the answer is
 * kept per stream with the revision it covers, and only newer events are folded into it.
 */
export class BlockStatus {
  private readonly known = new Map<string, { revision: number; blocked: boolean }>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 50_000,
  ) {}

  async blocked(businessId: string, waId: string): Promise<boolean> {
    const stream = Streams.conversation(businessId, waId);
    const before = this.known.get(stream) ?? { revision: -1, blocked: false };
    const { events, revision } = await this.store.readStream(stream, { fromRevision: before.revision + 1 });
    const blocked = (events as unknown as ConversationEvent[]).reduce(evolveBlock, before.blocked);
    this.known.delete(stream);
    this.known.set(stream, { revision, blocked });
    if (this.known.size > this.capacity) this.known.delete(this.known.keys().next().value!);
    return blocked;
  }
}
