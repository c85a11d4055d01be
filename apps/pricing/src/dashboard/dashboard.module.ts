import { Module } from '@nestjs/common';
import { LagController } from './lag.http';
import { OutcomesController } from './outcomes.http';
import { DashboardPageController } from './page.http';
import { RevenueController } from './revenue.http';
import { TopBusinessesController } from './top-businesses.http';

/** The finance and operations dashboard: its page, and the operator-only read-model queries it draws. */
@Module({
  controllers: [DashboardPageController, RevenueController, TopBusinessesController, OutcomesController, LagController],
})
export class DashboardModule {}
