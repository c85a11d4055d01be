import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type TemplateCategory, type TemplateEvent, foldTemplate, parameterCountOf } from '@ventana/domain';
import { type Causation, type EventStore, decideOnStream } from '@ventana/event-store';
import { EVENT_STORE, Streams, badRequest, conflict, templateIdFor } from '@ventana/platform';
import { templateView } from './template-view';

export class SubmitTemplate extends Command<ReturnType<typeof templateView>> {
  constructor(
    readonly businessId: string,
    readonly input: { name: string; language: string; category: TemplateCategory; body: string },
    readonly causation: Causation,
  ) {
    super();
  }
}

@CommandHandler(SubmitTemplate)
export class SubmitTemplateHandler implements ICommandHandler<SubmitTemplate> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ businessId, input, causation }: SubmitTemplate) {
    const parameterCount = parameterCountOf(input.body);
    if (parameterCount === undefined) {
      throw badRequest('Template parameters must be numbered {{1}} to {{n}} with none missing.', [
        { field: 'body', detail: 'parameters must be numbered {{1}}..{{n}} with none missing' },
      ]);
    }
    const templateId = templateIdFor(businessId, input.name, input.language);
    const submitted: TemplateEvent = {
      type: 'TemplateSubmitted',
      data: { templateId, businessId, ...input, parameterCount, at: causation.time },
    };
    await decideOnStream<TemplateEvent>(this.store, Streams.template(templateId), (history) => {
      if (history.length > 0) throw conflict(`A template named ${input.name} in ${input.language} already exists.`);
      return { events: [submitted], result: undefined };
    }, causation);
    return templateView(foldTemplate([submitted])!);
  }
}
