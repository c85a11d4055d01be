import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type BusinessEvent, foldBusiness, ms, rotateWebhookSecret } from '@ventana/domain';
import { type Causation, type EventStore, decideOnStream } from '@ventana/event-store';
import { EVENT_STORE, Streams, newSecretToken, notFound } from '@ventana/platform';

export interface RotatedWebhookSecret {
  webhook_secret: string;
  /** Until when webhooks also carry a signature with the previous secret (null: not at all). */
  previous_secret_valid_until: string | null;
  rotated_at: string;
}

export class RotateWebhookSecret extends Command<RotatedWebhookSecret> {
  constructor(
    readonly businessId: string,
    readonly overlapSeconds: number,
    readonly causation: Causation,
  ) {
    super();
  }
}

@CommandHandler(RotateWebhookSecret)
export class RotateWebhookSecretHandler implements ICommandHandler<RotateWebhookSecret> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ businessId, overlapSeconds, causation }: RotateWebhookSecret): Promise<RotatedWebhookSecret> {
    // Shown once, like the first one; it stays readable in the business's stream because delivery signs with it.
    const secret = newSecretToken('whsec_');
    const { events } = await decideOnStream<BusinessEvent>(
      this.store,
      Streams.business(businessId),
      (history) => {
        const business = foldBusiness(history);
        if (!business) throw notFound(`No business ${businessId}.`);
        return { events: [rotateWebhookSecret(business, secret, overlapSeconds * 1000, ms(causation.time))], result: undefined };
      },
      causation,
    );
    const rotated = events[0] as Extract<BusinessEvent, { type: 'WebhookSecretRotated' }>;
    return {
      webhook_secret: secret,
      previous_secret_valid_until: rotated.data.previousWebhookSecret?.validUntil ?? null,
      rotated_at: rotated.data.at,
    };
  }
}
