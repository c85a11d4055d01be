import { Body, Controller, Get, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsISO8601, IsIn, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { type RateCard, microsToUsd, rateCardInForce } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { CLOCK, type Clock, EVENT_STORE, type HttpRequest, OperatorGuard, Streams, notFound, requestCausation } from '@ventana/platform';
import { PublishRateCard } from './publish-rate-card.command';
import { type RateCardPublished, rateCardOf } from './rate-card-events';

export class PricesDto {
  @IsString() marketing!: string;
  @IsString() utility!: string;
  @IsString() authentication!: string;
}

export class MarketDto {
  @IsString()
  @Length(1, 64)
  market!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  calling_codes!: string[];

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PricesDto)
  prices!: PricesDto;
}

export class RateCardDto {
  @IsISO8601({ strict: true })
  effective_from!: string;

  @IsIn(['USD'])
  currency!: 'USD';

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  // ValidateNested alone passes a market that is itself an array (it validates that array's members).
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => MarketDto)
  markets!: MarketDto[];
}

export const rateCardView = (card: RateCard) => ({
  version: card.version,
  effective_from: card.effectiveFrom,
  currency: card.currency,
  markets: card.markets.map((m) => ({
    market: m.market,
    calling_codes: m.callingCodes,
    prices: {
      marketing: microsToUsd(m.pricesMicros.marketing),
      utility: microsToUsd(m.pricesMicros.utility),
      authentication: microsToUsd(m.pricesMicros.authentication),
    },
  })),
});

@Controller('v1/rate-cards')
@UseGuards(OperatorGuard)
export class RateCardsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  publish(@Body() body: RateCardDto, @Req() req: HttpRequest) {
    const draft = {
      effectiveFrom: body.effective_from,
      currency: body.currency,
      markets: body.markets.map((m) => ({ market: m.market, callingCodes: m.calling_codes, prices: { ...m.prices } })),
    };
    return this.commands.execute(new PublishRateCard(draft, requestCausation(req, this.clock)));
  }

  @Get('current')
  async current() {
    const { events } = await this.store.readStream(Streams.rateCards);
    const card = rateCardInForce((events as unknown as RateCardPublished[]).map(rateCardOf), this.clock.now());
    if (!card) throw notFound('No rate card is in force.');
    return rateCardView(card);
  }
}
