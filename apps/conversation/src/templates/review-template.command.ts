import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type ReviewDecision, type TemplateCategory, type TemplateEvent, foldTemplate } from '@ventana/domain';
import { type Causation, type EventStore, decideOnStream } from '@ventana/event-store';
import { EVENT_STORE, Streams, notFound } from '@ventana/platform';
import { templateView } from './template-view';

export class ReviewTemplate extends Command<ReturnType<typeof templateView>> {
  constructor(
    readonly templateId: string,
    readonly decision: ReviewDecision,
    readonly category: TemplateCategory | undefined,
    readonly causation: Causation,
  ) {
    super();
  }
}

/**
 * The operator's review is authoritative: any decision may follow any status (approve after a
 * pause, disable an approved template, approve on appeal), and it may re-categorise.
 */
@CommandHandler(ReviewTemplate)
export class ReviewTemplateHandler implements ICommandHandler<ReviewTemplate> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ templateId, decision, category, causation }: ReviewTemplate) {
    const { result } = await decideOnStream<TemplateEvent, ReturnType<typeof templateView>>(
      this.store,
      Streams.template(templateId),
      (history) => {
        const template = foldTemplate(history);
        if (!template) throw notFound(`No template ${templateId}.`);
        const reviewed: TemplateEvent = {
          type: 'TemplateReviewed',
          data: { templateId, businessId: template.businessId, decision, category: category ?? template.category, at: causation.time },
        };
        return { events: [reviewed], result: templateView(foldTemplate([...history, reviewed])!) };
      },
      causation,
    );
    return result;
  }
}
