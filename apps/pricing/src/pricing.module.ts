import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PricingReactor } from './pricing.reactor';
import { DashboardModule } from './dashboard/dashboard.module';
import { RateCardsController } from './rate-cards/rate-cards.http';
import { PublishRateCardHandler } from './rate-cards/publish-rate-card.command';
import { ChargesController } from './charges/charges.http';
import { InvoicesController } from './invoices/invoices.http';
import { InvoiceFinalizer } from './invoices/invoice-finalizer';
import { ExportsController } from './exports/exports.http';

/** Rate cards, quotes at acceptance, charges at delivery, and the billing queries finance reads. */
@Module({
  imports: [CqrsModule, DashboardModule],
  controllers: [RateCardsController, ChargesController, ExportsController, InvoicesController],
  providers: [PricingReactor, PublishRateCardHandler, InvoiceFinalizer],
  exports: [PricingReactor],
})
export class PricingModule {}
