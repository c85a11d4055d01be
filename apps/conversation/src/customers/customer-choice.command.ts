import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Conversation, type ConversationEvent, foldConversation } from '@ventana/domain';
import { type Causation, type EventStore, decideOnStream } from '@ventana/event-store';
import { EVENT_STORE, Streams } from '@ventana/platform';
import { businessByPhone } from '../businesses/business-directory';

/** What a customer can decide about one business from their device. */
export type CustomerChoice = 'block' | 'unblock' | 'stop_marketing' | 'resume_marketing';

const CHOICES: Record<CustomerChoice, { type: ConversationEvent['type']; alreadySo: (c: Conversation) => boolean }> = {
  block: { type: 'BusinessBlocked', alreadySo: (c) => c.blocked },
  unblock: { type: 'BusinessUnblocked', alreadySo: (c) => !c.blocked },
  stop_marketing: { type: 'MarketingStopped', alreadySo: (c) => c.marketingOptOut },
  resume_marketing: { type: 'MarketingResumed', alreadySo: (c) => !c.marketingOptOut },
};

export class RecordCustomerChoice extends Command<void> {
  constructor(
    readonly waId: string,
    readonly businessPhone: string,
    readonly choice: CustomerChoice,
    readonly causation: Causation,
  ) {
    super();
  }
}

/** Repeating a choice already in force records nothing (a double block must not count twice against quality). */
@CommandHandler(RecordCustomerChoice)
export class RecordCustomerChoiceHandler implements ICommandHandler<RecordCustomerChoice> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ waId, businessPhone, choice, causation }: RecordCustomerChoice): Promise<void> {
    const business = await businessByPhone(this.store, businessPhone);
    const { type, alreadySo } = CHOICES[choice];
    await decideOnStream<ConversationEvent>(this.store, Streams.conversation(business.id, waId), (history) => ({
      events: alreadySo(foldConversation(history)) ? [] : [{ type, data: { businessId: business.id, waId, at: causation.time } } as ConversationEvent],
      result: undefined,
    }), causation);
  }
}
