import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CustomerEvent } from '@ventana/domain';
import { type Causation, type EventStore, appendFacts } from '@ventana/event-store';
import { EVENT_STORE, Streams, deviceToken, hashToken, newSecretToken } from '@ventana/platform';

export class RegisterDevice extends Command<{ wa_id: string; device_token: string }> {
  constructor(
    readonly waId: string,
    readonly publicKey: string,
    readonly causation: Causation,
  ) {
    super();
  }
}

/** Registering (again) stores the device's key and rotates its token: the previous token stops working. */
@CommandHandler(RegisterDevice)
export class RegisterDeviceHandler implements ICommandHandler<RegisterDevice> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ waId, publicKey, causation }: RegisterDevice) {
    const token = deviceToken(waId, newSecretToken(''));
    const registered: CustomerEvent = {
      type: 'CustomerDeviceRegistered',
      data: { waId, publicKey, deviceTokenHash: hashToken(token), at: causation.time },
    };
    await appendFacts(this.store, Streams.customer(waId), [registered], causation);
    return { wa_id: waId, device_token: token };
  }
}
