import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PricingReactor } from './pricing.reactor';
import { RateCardsController } from './rate-cards/rate-cards.http';
import { PublishRateCardHandler } from './rate-cards/publish-rate-card.command';
import { ChargesController } from './charges/charges.http';
import { InvoicesController } from './invoices/invoices.http';

/** Rate cards, quotes at acceptance, charges at delivery, and the billing queries finance reads. */
@Module({
  imports: [CqrsModule],
  controllers: [RateCardsController, ChargesController, InvoicesController],
  providers: [PricingReactor, PublishRateCardHandler],
  exports: [PricingReactor],
})
export class PricingModule {}
