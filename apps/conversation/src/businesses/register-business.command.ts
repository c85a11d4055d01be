import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type BusinessEvent } from '@ventana/domain';
import { type Causation, type EventStore, decideOnStream, WrongExpectedRevisionError } from '@ventana/event-store';
import { EVENT_STORE, Streams, businessApiKey, businessIdFor, conflict, hashToken, newSecretToken } from '@ventana/platform';

export interface RegisteredBusiness {
  id: string;
  phone_number: string;
  api_key: string;
  webhook_secret: string;
}

export class RegisterBusiness extends Command<RegisteredBusiness> {
  constructor(
    readonly input: { name: string; phoneNumber: string; webhookUrl: string | null; publicKey: string },
    readonly causation: Causation,
  ) {
    super();
  }
}

@CommandHandler(RegisterBusiness)
export class RegisterBusinessHandler implements ICommandHandler<RegisterBusiness> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ input, causation }: RegisterBusiness): Promise<RegisteredBusiness> {
    const businessId = businessIdFor(input.phoneNumber);
    // The API key is shown once; only its hash is kept. The webhook secret must stay readable to sign.
    const apiKey = businessApiKey(businessId, newSecretToken(''));
    const webhookSecret = newSecretToken('whsec_');
    const registered: BusinessEvent = {
      type: 'BusinessRegistered',
      data: { businessId, ...input, apiKeyHash: hashToken(apiKey), webhookSecret, at: causation.time },
    };
    try {
      await decideOnStream<BusinessEvent>(this.store, Streams.business(businessId), (history) => {
        if (history.length > 0) throw conflict(`Phone number ${input.phoneNumber} is already registered.`);
        return { events: [registered], result: undefined };
      }, causation, { maxAttempts: 1 });
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw conflict(`Phone number ${input.phoneNumber} is already registered.`);
      throw error;
    }
    return { id: businessId, phone_number: input.phoneNumber, api_key: apiKey, webhook_secret: webhookSecret };
  }
}
