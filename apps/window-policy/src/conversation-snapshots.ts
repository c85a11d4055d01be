import type { Conversation } from '@ventana/domain';

/** A bounded map, least recently written evicted first: a missing snapshot only costs a full read. */
export class ConversationSnapshots {
  private readonly entries = new Map<string, { revision: number; state: Conversation }>();

  constructor(private readonly capacity: number) {}

  get(stream: string) {
    return this.entries.get(stream);
  }

  set(stream: string, snapshot: { revision: number; state: Conversation }): void {
    this.entries.delete(stream);
    this.entries.set(stream, snapshot);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
