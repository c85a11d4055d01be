import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { IsIn } from 'class-validator';
import { type ConversationEvent, OPT_IN_SOURCES, type OptInSource } from '@ventana/domain';
import { type EventStore, appendFacts } from '@ventana/event-store';
import { BusinessGuard, CLOCK, type Clock, EVENT_STORE, type HttpRequest, IsWaPhone, PhonePipe, Streams, requestCausation } from '@ventana/platform';

export class OptInDto {
  @IsWaPhone()
  wa_id!: string;

  @IsIn(OPT_IN_SOURCES)
  source!: OptInSource;
}

/**
 * Explicit consent recorded by the business. Opt-in and opt-out are facts: the latest of an
 * inbound message, an opt-in or an opt-out decides consent, so each is simply appended.
 */
@Controller('v1/:business_id/opt-ins')
@UseGuards(BusinessGuard)
export class OptInsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  async optIn(@Param('business_id') businessId: string, @Body() body: OptInDto, @Req() req: HttpRequest) {
    const causation = requestCausation(req, this.clock);
    const event: ConversationEvent = { type: 'OptInRecorded', data: { businessId, waId: body.wa_id, at: causation.time, source: body.source } };
    await appendFacts(this.store, Streams.conversation(businessId, body.wa_id), [event], causation);
    return { wa_id: body.wa_id, source: body.source, recorded_at: causation.time };
  }

  @Delete(':wa_id')
  @HttpCode(204)
  async optOut(@Param('business_id') businessId: string, @Param('wa_id', PhonePipe) waId: string, @Req() req: HttpRequest) {
    const causation = requestCausation(req, this.clock);
    const event: ConversationEvent = { type: 'OptOutRecorded', data: { businessId, waId, at: causation.time } };
    await appendFacts(this.store, Streams.conversation(businessId, waId), [event], causation);
  }
}
