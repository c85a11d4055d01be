import type { RateCard } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { Streams } from '@ventana/platform';
import { type RateCardPublished, rateCardOf } from './rate-card-events';

/**
 * The rate cards logged before a given position, read from the `rate-cards` stream. The events to
 * price may arrive on other partitions than the cards, so the book re-reads the stream whenever
 * asked about a position beyond what it last read: every card below the head read first is in it.
 */
export class RateCardBook {
  private cards: { card: RateCard; position: number }[] = [];
  private readThrough = -1;

  constructor(private readonly store: EventStore) {}

  async loggedBefore(position: number): Promise<RateCard[]> {
    if (position > this.readThrough) {
      const head = await this.store.headPosition();
      const { events } = await this.store.readStream(Streams.rateCards);
      this.cards = events.map((e) => ({ card: rateCardOf(e as unknown as RateCardPublished), position: e.position }));
      this.readThrough = Math.max(this.readThrough, head);
    }
    return this.cards.filter((c) => c.position < position).map((c) => c.card);
  }
}
