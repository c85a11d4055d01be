import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ConversationEvent, ReferralSource, SealedContent } from '@ventana/domain';
import { type Causation, type EventStore, appendFacts, newId } from '@ventana/event-store';
import { EVENT_STORE, Streams } from '@ventana/platform';
import { businessByPhone } from '../businesses/business-directory';

export class ReceiveInboundMessage extends Command<{ id: string }> {
  constructor(
    readonly waId: string,
    readonly businessPhone: string,
    readonly content: SealedContent,
    readonly referral: { sourceType: ReferralSource; sourceId: string | null } | null,
    readonly causation: Causation,
  ) {
    super();
  }
}

/** A customer's message opens (or resets) the 24 h window and grants consent: a fact, no decision. */
@CommandHandler(ReceiveInboundMessage)
export class ReceiveInboundMessageHandler implements ICommandHandler<ReceiveInboundMessage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ waId, businessPhone, content, referral, causation }: ReceiveInboundMessage) {
    const business = await businessByPhone(this.store, businessPhone);
    const messageId = newId();
    const received: ConversationEvent = {
      type: 'InboundMessageReceived',
      data: { businessId: business.id, waId, at: causation.time, messageId, content, referral },
    };
    await appendFacts(this.store, Streams.conversation(business.id, waId), [received], causation);
    return { id: messageId };
  }
}
