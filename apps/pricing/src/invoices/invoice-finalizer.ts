import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type InvoiceEvent, finalize, firstMonthInGrace, foldInvoice } from '@ventana/domain';
import { type EventStore, decideOnStream } from '@ventana/event-store';
import { type ProjectionRunner, type SqlDatabase, draftsBefore, readDraft } from '@ventana/projections';
import { CLOCK, CONFIG, type Clock, EVENT_STORE, PROJECTIONS, type PlatformConfig, READ_MODELS, Streams, WORKLOAD, type Workload } from '@ventana/platform';
import { randomUUID } from 'node:crypto';

const EVERY_MS = 1000;
/** Drafts finalized per turn: a month's end makes every business's draft due at once. */
const BATCH = 200;

/**
 * Once a second, finalizes every draft invoice whose grace period (INVOICE_GRACE_SECONDS of
 * platform time past the month's end) has ended. The decision is the invoice stream's, taken with
 * its revision: several pricing processes may run this, and an invoice is still finalized once.
 */
@Injectable()
export class InvoiceFinalizer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('invoice-finalizer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(WORKLOAD) private readonly workload: Workload,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.workload.reactors) return;
    this.timer = setInterval(() => {
      this.running ??= this.finalizeDue()
        .catch((error) => this.logger.error({ err: error }, 'finalizing invoices failed; trying again'))
        .finally(() => (this.running = undefined));
    }, EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async finalizeDue(): Promise<void> {
    const graceMs = this.config.invoiceGraceSeconds * 1000;
    const due = await draftsBefore(this.readModels, firstMonthInGrace(this.clock.now(), graceMs), BATCH);
    if (due.length === 0) return;
    // Freeze what the log already holds: charges recorded before now are in the drafts read below.
    await this.projections.upToDate();
    for (const { business_id: businessId, month } of due) {
      const draft = await readDraft(this.readModels, businessId, month);
      if (!draft) continue;
      const now = this.clock.now();
      const id = randomUUID();
      const { events } = await decideOnStream<InvoiceEvent>(
        this.store,
        Streams.invoice(businessId, month),
        (history) => ({ events: finalize(foldInvoice(history), draft, now, graceMs), result: undefined }),
        { correlationId: id, causationId: id, time: new Date(now).toISOString() },
      );
      if (events.length > 0) this.logger.log({ businessId, month, totalMicros: events[0].data.totalMicros }, 'invoice finalized');
    }
  }
}
