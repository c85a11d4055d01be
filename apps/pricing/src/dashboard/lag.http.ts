import { Controller, Get, Header, Inject, UseGuards } from '@nestjs/common';
import { iso } from '@ventana/domain';
import type { ProjectionRunner } from '@ventana/projections';
import { CLOCK, type Clock, OperatorGuard, PROJECTIONS } from '@ventana/platform';

/**
 * How far the read models behind the dashboard (and every GET) are behind the event store: the
 * store's head position minus each projection's progress, wherever the projections run.
 */
@Controller('v1/dashboard/lag')
@UseGuards(OperatorGuard)
export class LagController {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async lag() {
    const { head, projections } = await this.projections.lag();
    const known = projections.map((p) => p.behind).filter((behind): behind is number => behind !== undefined);
    return {
      measured_at: iso(this.clock.now()),
      head_position: head,
      // The worst projection's lag; null when no projection's progress is visible from this process.
      behind_events: known.length > 0 ? Math.max(...known) : null,
      projections: projections.map((p) => ({ projection: p.name, behind_events: p.behind ?? null })),
    };
  }
}
