import { Controller, Get, Inject, Param, Req, UseGuards } from '@nestjs/common';
import type { EventStore } from '@ventana/event-store';
import type { ProjectionRunner, SqlDatabase } from '@ventana/projections';
import {
  type AuthenticatedRequest,
  BusinessGuard,
  CLOCK,
  type Clock,
  EVENT_STORE,
  OperatorGuard,
  PROJECTIONS,
  READ_MODELS,
} from '@ventana/platform';
import { businessById } from '../businesses/business-directory';
import { limitsView } from './limits-view';

/** A business reads its own tier, quality rating and usage (an addition to api.md). */
@Controller('v1/:business_id/limits')
@UseGuards(BusinessGuard)
export class BusinessLimitsController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async get(@Req() req: AuthenticatedRequest) {
    const principal = req.principal!;
    if (principal.kind !== 'business') throw new Error('BusinessGuard lets only businesses through');
    await this.projections.upToDate();
    return limitsView(this.readModels, principal.business, this.clock.now());
  }
}

/** The operator reads any business's limits, next to `PUT /v1/businesses/{business_id}/limits`. */
@Controller('v1/businesses')
@UseGuards(OperatorGuard)
export class OperatorLimitsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':business_id/limits')
  async get(@Param('business_id') businessId: string) {
    const business = await businessById(this.store, businessId);
    await this.projections.upToDate();
    return limitsView(this.readModels, business, this.clock.now());
  }
}
