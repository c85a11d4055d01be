import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type BusinessEvent, type MessagingTier, foldBusiness } from '@ventana/domain';
import { type Causation, type EventStore, decideOnStream } from '@ventana/event-store';
import { EVENT_STORE, Streams, notFound } from '@ventana/platform';

export interface BusinessLimits {
  business_id: string;
  messaging_tier: MessagingTier;
  throughput_per_second: number;
}

export class SetBusinessLimits extends Command<BusinessLimits> {
  constructor(
    readonly businessId: string,
    readonly messagingTier: MessagingTier,
    readonly throughputPerSecond: number,
    readonly causation: Causation,
  ) {
    super();
  }
}

@CommandHandler(SetBusinessLimits)
export class SetBusinessLimitsHandler implements ICommandHandler<SetBusinessLimits> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ businessId, messagingTier, throughputPerSecond, causation }: SetBusinessLimits): Promise<BusinessLimits> {
    await decideOnStream<BusinessEvent>(this.store, Streams.business(businessId), (history) => {
      if (!foldBusiness(history)) throw notFound(`No business ${businessId}.`);
      return {
        events: [{ type: 'BusinessLimitsSet', data: { businessId, messagingTier, throughputPerSecond, at: causation.time } }],
        result: undefined,
      };
    }, causation);
    return { business_id: businessId, messaging_tier: messagingTier, throughput_per_second: throughputPerSecond };
  }
}
