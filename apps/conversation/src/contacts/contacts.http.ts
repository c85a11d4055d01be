import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { type CustomerEvent, foldCustomer } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { BusinessGuard, EVENT_STORE, PhonePipe, Streams, notFound } from '@ventana/platform';

/**
 * A customer's public key, so a business can seal content for their device (an addition to
 * api.md: without it a business could not encrypt end to end). Only the key, never the token.
 */
@Controller('v1/:business_id/contacts')
@UseGuards(BusinessGuard)
export class ContactsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get(':wa_id')
  async get(@Param('wa_id', PhonePipe) waId: string) {
    const { events } = await this.store.readStream(Streams.customer(waId));
    const device = foldCustomer(events as unknown as CustomerEvent[]);
    if (!device) throw notFound(`No registered device for ${waId}.`);
    return { wa_id: waId, public_key: device.publicKey };
  }
}
