import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { REFERRAL_SOURCES, type ReferralSource } from '@ventana/domain';
import {
  CLOCK,
  type Clock,
  DeviceGuard,
  type HttpRequest,
  IsBoxPublicKey,
  IsWaPhone,
  OperatorGuard,
  PhonePipe,
  SealedContentDto,
  requestCausation,
} from '@ventana/platform';
import { RegisterDevice } from './register-device.command';
import { ReceiveInboundMessage } from './receive-inbound-message.command';
import { RecordCustomerChoice } from './customer-choice.command';

export class RegisterDeviceDto {
  @IsBoxPublicKey()
  public_key!: string;
}

export class ReferralDto {
  @IsIn(REFERRAL_SOURCES)
  source_type!: ReferralSource;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  source_id?: string;
}

export class InboundMessageDto {
  @IsWaPhone()
  to!: string;

  @IsIn(['text'])
  type!: 'text';

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SealedContentDto)
  text!: SealedContentDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReferralDto)
  referral?: ReferralDto;
}

export class BlockDto {
  @IsWaPhone()
  business_phone!: string;
}

export class PreferenceDto {
  @IsWaPhone()
  business_phone!: string;

  @IsIn(['stop', 'resume'])
  marketing!: 'stop' | 'resume';
}

/** Operator: registers a customer's device (its public key) and hands out its token. */
@Controller('v1/customers')
@UseGuards(OperatorGuard)
export class CustomerRegistrationController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put(':wa_id')
  @HttpCode(200)
  register(@Param('wa_id', PhonePipe) waId: string, @Body() body: RegisterDeviceDto, @Req() req: HttpRequest) {
    return this.commands.execute(new RegisterDevice(waId, body.public_key, requestCausation(req, this.clock)));
  }
}

/** What a customer's device does towards businesses: write, block, stop marketing. */
@Controller('v1/customers/:wa_id')
@UseGuards(DeviceGuard)
export class CustomerDeviceController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('messages')
  @HttpCode(202)
  send(@Param('wa_id') waId: string, @Body() body: InboundMessageDto, @Req() req: HttpRequest) {
    const referral = body.referral ? { sourceType: body.referral.source_type, sourceId: body.referral.source_id ?? null } : null;
    const content = { ciphertext: body.text.ciphertext, nonce: body.text.nonce };
    return this.commands.execute(new ReceiveInboundMessage(waId, body.to, content, referral, requestCausation(req, this.clock)));
  }

  @Post('blocks')
  @HttpCode(204)
  async block(@Param('wa_id') waId: string, @Body() body: BlockDto, @Req() req: HttpRequest) {
    await this.commands.execute(new RecordCustomerChoice(waId, body.business_phone, 'block', requestCausation(req, this.clock)));
  }

  @Delete('blocks/:business_phone')
  @HttpCode(204)
  async unblock(@Param('wa_id') waId: string, @Param('business_phone', PhonePipe) phone: string, @Req() req: HttpRequest) {
    await this.commands.execute(new RecordCustomerChoice(waId, phone, 'unblock', requestCausation(req, this.clock)));
  }

  @Post('preferences')
  @HttpCode(204)
  async preferences(@Param('wa_id') waId: string, @Body() body: PreferenceDto, @Req() req: HttpRequest) {
    const choice = body.marketing === 'stop' ? 'stop_marketing' : 'resume_marketing';
    await this.commands.execute(new RecordCustomerChoice(waId, body.business_phone, choice, requestCausation(req, this.clock)));
  }
}
