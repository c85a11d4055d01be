import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { SqlDatabase } from '@ventana/projections';
import { DELIVERY_STATE } from '@ventana/platform';
import { migrateDeliveryState } from './delivery-schema';
import { DeliveryReactor } from './delivery.reactor';
import { DeviceInbox } from './inbox/device-inbox';
import { InboxController } from './inbox/inbox.http';
import { InboxExpiry } from './inbox/inbox-expiry';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';

/** Hand-off to devices, the status lifecycle, and signed business webhooks with retries. */
@Module({
  controllers: [InboxController],
  providers: [DeliveryReactor, DeviceInbox, InboxExpiry, WebhookDispatcher],
  exports: [DeliveryReactor],
})
export class DeliveryModule implements OnModuleInit {
  constructor(@Inject(DELIVERY_STATE) private readonly db: SqlDatabase) {}

  /** Delivery's schema migrations, applied before any reactor, timer or request touches its state (onApplicationBootstrap). */
  async onModuleInit(): Promise<void> {
    await migrateDeliveryState(this.db);
  }
}
