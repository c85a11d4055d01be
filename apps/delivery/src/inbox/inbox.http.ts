import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { IsIn, IsString, Length } from 'class-validator';
import type { EventStore } from '@ventana/event-store';
import { CLOCK, type Clock, DeviceGuard, EVENT_STORE, type HttpRequest, requestCausation } from '@ventana/platform';
import { DeliveryReactor } from '../delivery.reactor';
import { DeviceInbox } from './device-inbox';

export class ReceiptDto {
  @IsString()
  @Length(1, 100)
  message_id!: string;

  @IsIn(['read'])
  status!: 'read';
}

@Controller('v1/customers/:wa_id')
@UseGuards(DeviceGuard)
export class InboxController {
  constructor(
    private readonly inbox: DeviceInbox,
    private readonly delivery: DeliveryReactor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('inbox')
  async fetch(@Param('wa_id') waId: string, @Req() req: HttpRequest) {
    // Everything already handed to the network is in the inbox before we read it.
    await this.delivery.caughtUp(await this.store.headPosition());
    return { messages: await this.inbox.fetch(waId, requestCausation(req, this.clock)) };
  }

  @Post('receipts')
  @HttpCode(204)
  async receipt(@Param('wa_id') waId: string, @Body() body: ReceiptDto, @Req() req: HttpRequest) {
    await this.inbox.markRead(waId, body.message_id, requestCausation(req, this.clock));
  }
}
