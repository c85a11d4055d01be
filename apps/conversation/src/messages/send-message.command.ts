import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type ConversationEvent, DAY, type EventOf, ms } from '@ventana/domain';
import { type Causation, type EventStore, appendFacts, decideOnStream, newId } from '@ventana/event-store';
import { EVENT_STORE, Streams, unprocessable } from '@ventana/platform';

type Requested = Omit<EventOf<'MessageRequested'>['data'], 'messageId' | 'at'>;

export class SendMessage extends Command<{ messages: { id: string }[] }> {
  constructor(
    readonly request: Requested,
    readonly idempotency: { key: string; bodyHash: string } | null,
    readonly causation: Causation,
  ) {
    super();
  }
}

interface KeyUsed {
  type: 'IdempotencyKeyUsed';
  data: { messageId: string; bodyHash: string; at: string };
}

/**
 * Records the request on the conversation stream and answers at once; the window-policy service
 * decides it from there. An Idempotency-Key claims its own stream first, so two concurrent retries
 * cannot both create a message.
 */
@CommandHandler(SendMessage)
export class SendMessageHandler implements ICommandHandler<SendMessage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ request, idempotency, causation }: SendMessage) {
    const { messageId, replay } = idempotency
      ? await this.claimKey(request.businessId, idempotency, causation)
      : { messageId: newId(), replay: false };
    const conversation = Streams.conversation(request.businessId, request.waId);
    // A replay re-requests only if a crash came between claiming the key and recording the request.
    if (!replay || !(await this.alreadyRequested(conversation, messageId))) {
      const requested: ConversationEvent = { type: 'MessageRequested', data: { ...request, messageId, at: causation.time } };
      await appendFacts(this.store, conversation, [requested], causation);
    }
    return { messages: [{ id: messageId }] };
  }

  private async claimKey(businessId: string, { key, bodyHash }: { key: string; bodyHash: string }, causation: Causation) {
    const now = ms(causation.time);
    const { result } = await decideOnStream<KeyUsed, { messageId: string; replay: boolean }>(
      this.store,
      Streams.idempotency(businessId, key),
      (history) => {
        const last = history.at(-1);
        if (last && ms(last.data.at) > now - DAY) {
          if (last.data.bodyHash !== bodyHash) {
            throw unprocessable('This Idempotency-Key was already used with a different request body in the last 24 hours.');
          }
          return { events: [], result: { messageId: last.data.messageId, replay: true } };
        }
        const messageId = newId();
        return { events: [{ type: 'IdempotencyKeyUsed', data: { messageId, bodyHash, at: causation.time } }], result: { messageId, replay: false } };
      },
      causation,
    );
    return result;
  }

  private async alreadyRequested(conversation: string, messageId: string): Promise<boolean> {
    const { events } = await this.store.readStream(conversation);
    return events.some((e) => e.type === 'MessageRequested' && (e.data as { messageId: string }).messageId === messageId);
  }
}
