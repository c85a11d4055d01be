import { Body, Controller, HttpCode, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Max, Min } from 'class-validator';
import { MAX_THROUGHPUT_PER_SECOND, MESSAGING_TIERS, type MessagingTier } from '@ventana/domain';
import { CLOCK, type Clock, type HttpRequest, IsBoxPublicKey, IsWaPhone, OperatorGuard, requestCausation } from '@ventana/platform';
import { RegisterBusiness } from './register-business.command';
import { SetBusinessLimits } from './set-business-limits.command';

export class RegisterBusinessDto {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsWaPhone()
  phone_number!: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  webhook_url?: string;

  @IsBoxPublicKey()
  public_key!: string;
}

export class SetBusinessLimitsDto {
  @IsIn(MESSAGING_TIERS)
  messaging_tier!: MessagingTier;

  @IsInt()
  @Min(1)
  @Max(MAX_THROUGHPUT_PER_SECOND)
  throughput_per_second!: number;
}

@Controller('v1/businesses')
@UseGuards(OperatorGuard)
export class BusinessesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  register(@Body() body: RegisterBusinessDto, @Req() req: HttpRequest) {
    const input = { name: body.name, phoneNumber: body.phone_number, webhookUrl: body.webhook_url ?? null, publicKey: body.public_key };
    return this.commands.execute(new RegisterBusiness(input, requestCausation(req, this.clock)));
  }

  /** Operator: set a business's messaging-limit tier and per-number throughput (beyond api.md). */
  @Put(':business_id/limits')
  @HttpCode(200)
  setLimits(@Param('business_id') businessId: string, @Body() body: SetBusinessLimitsDto, @Req() req: HttpRequest) {
    return this.commands.execute(
      new SetBusinessLimits(businessId, body.messaging_tier, body.throughput_per_second, requestCausation(req, this.clock)),
    );
  }
}
