import { Body, Controller, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { BusinessGuard, CLOCK, CONFIG, type Clock, type HttpRequest, type PlatformConfig, requestCausation } from '@ventana/platform';
import { RotateWebhookSecret } from './rotate-webhook-secret.command';

const WEEK_SECONDS = 7 * 24 * 3600;

export class RotateWebhookSecretDto {
  /** How long the previous secret keeps signing beside the new one; 0 ends it at once (a leaked secret). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(WEEK_SECONDS)
  overlap_seconds?: number;
}

/** A business replaces its webhook secret (an addition to api.md); the new secret is returned once. */
@Controller('v1/:business_id/webhook-secret')
@UseGuards(BusinessGuard)
export class WebhookSecretController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Post('rotate')
  @HttpCode(200)
  rotate(@Param('business_id') businessId: string, @Body() body: RotateWebhookSecretDto, @Req() req: HttpRequest) {
    const overlap = body.overlap_seconds ?? this.config.webhookSecretOverlapSeconds;
    return this.commands.execute(new RotateWebhookSecret(businessId, overlap, requestCausation(req, this.clock)));
  }
}
