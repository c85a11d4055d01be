import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type RateCardDraft, parseRateCard } from '@ventana/domain';
import { type Causation, type EventStore, decideOnStream } from '@ventana/event-store';
import { EVENT_STORE, Streams, badRequest } from '@ventana/platform';
import type { RateCardPublished } from './rate-card-events';

export class PublishRateCard extends Command<{ version: number; effective_from: string }> {
  constructor(
    readonly draft: RateCardDraft,
    readonly causation: Causation,
  ) {
    super();
  }
}

/** Versions are the stream's own sequence: appending with the revision read makes them gap-free and unique. */
@CommandHandler(PublishRateCard)
export class PublishRateCardHandler implements ICommandHandler<PublishRateCard> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ draft, causation }: PublishRateCard) {
    const parsed = parseRateCard(draft);
    if ('problems' in parsed) throw badRequest('The rate card is invalid.', parsed.problems);
    const effectiveFrom = new Date(draft.effectiveFrom).toISOString();
    const { result } = await decideOnStream<RateCardPublished, number>(
      this.store,
      Streams.rateCards,
      (history) => {
        const version = history.length + 1;
        const event: RateCardPublished = {
          type: 'RateCardPublished',
          data: { version, effectiveFrom, currency: 'USD', markets: parsed.markets, at: causation.time },
        };
        return { events: [event], result: version };
      },
      causation,
    );
    return { version: result, effective_from: effectiveFrom };
  }
}
