import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import type { ConversationRow, ProjectionRunner, SqlDatabase } from '@ventana/projections';
import { BusinessGuard, CLOCK, type Clock, PROJECTIONS, PhonePipe, READ_MODELS } from '@ventana/platform';

const window = (expiresAt: string | null, now: number) => {
  const open = expiresAt !== null && Date.parse(expiresAt) > now;
  return { open, expires_at: open ? expiresAt : null };
};

/** The pair's state from the conversations projection; a pair with no history reads as all closed. */
@Controller('v1/:business_id/conversations')
@UseGuards(BusinessGuard)
export class ConversationsController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':wa_id')
  async get(@Param('business_id') businessId: string, @Param('wa_id', PhonePipe) waId: string) {
    await this.projections.upToDate();
    const row = await this.readModels.one<ConversationRow>(`SELECT * FROM conversations WHERE business_id = ? AND wa_id = ?`, [businessId, waId]);
    const now = this.clock.now();
    return {
      wa_id: waId,
      customer_service_window: window(row?.csw_expires_at ?? null, now),
      free_entry_point_window: window(row?.fep_expires_at ?? null, now),
      consent: { granted: row?.consent_granted === 1, source: row?.consent_granted === 1 ? row.consent_source : null },
      marketing_opt_out: row?.marketing_opt_out === 1,
      blocked: row?.blocked === 1,
    };
  }
}
