import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  type Business,
  type BusinessEvent,
  type ConversationEvent,
  type EventOf,
  type TemplateEvent,
  type Conversation,
  decideMessage,
  decideTierUpgrade,
  foldBusiness,
  foldTemplate,
  limitSignals,
  ms,
  viewOfRequest,
} from '@ventana/domain';
import { type EventStore, type RecordedEvent, decideOnStream } from '@ventana/event-store';
import { CLOCK, type Clock, EVENT_STORE, SUBSCRIPTIONS, Streams, fromEvent, templateIdFor, WORKLOAD, type Workload } from '@ventana/platform';
import type { Subscription, Subscriptions } from '@ventana/subscriptions';
import { BusinessUsageRegistry } from './business-usage.registry';
import { ConversationSnapshots } from './conversation-snapshots';
import { policyDecisionConflicts, policyDecisions } from './policy-metrics';

type Requested = EventOf<'MessageRequested'>['data'];
type Blocked = EventOf<'BusinessBlocked'>['data'];

class EarlierRequestUndecided extends Error {
  constructor(messageId: string) {
    super(`message ${messageId} waits for the decision on an earlier request of its conversation`);
  }
}

/**
 * Decides every requested message, in log order, from the conversation stream read consistently,
 * and appends the decision with the revision it read: two concurrent deciders cannot both win.
 * A request is judged at the moment it was made (its own timestamp), so replays decide alike.
 */
@Injectable()
export class MessagePolicyReactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('window-policy');
  private readonly usage = new BusinessUsageRegistry();
  /** Per conversation: everything before its last decided request, folded (a request itself changes nothing). */
  private readonly snapshots = new ConversationSnapshots(20_000);
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SUBSCRIPTIONS) private readonly subscriptions: Subscriptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WORKLOAD) private readonly workload: Workload,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.workload.reactors) return;
    this.subscription = this.subscriptions.react({
      name: 'window-policy',
      // Blocks feed the quality rating; they come in log order with the requests of the same business.
      types: ['MessageRequested', 'BusinessBlocked'],
      handle: async (event) => (event.type === 'BusinessBlocked' ? this.usage.recordBlock(event.data as Blocked) : this.decide(event)),
      // Limits are per business: one business's requests are decided in order, businesses side by side.
      partitionBy: (event) => (event.data as Requested | Blocked).businessId,
      // Businesses handed over by another instance bring their recent usage: reload it from the log.
      onAssigned: () => this.usage.rebuild(this.store, this.clock.now()),
      onError: (error, attempt) => this.logger.error({ err: error, attempt }, 'deciding a message failed; retrying'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  private async decide(event: RecordedEvent): Promise<void> {
    const request = event.data as Requested;
    const now = ms(request.at);
    const [business, template] = await Promise.all([this.business(request.businessId), this.template(request)]);
    if (!business) throw new Error(`message ${request.messageId} names unknown business ${request.businessId}`);
    const stream = Streams.conversation(request.businessId, request.waId);
    // Start from the snapshot taken at an earlier request of this conversation, if it lies before this one.
    const snapshot = this.snapshots.get(stream);
    const start = snapshot && snapshot.revision < event.revision ? snapshot : undefined;
    // Every read after the first follows an append refused for a newer revision.
    let reads = 0;
    const { result } = await decideOnStream<ConversationEvent, { decision?: ConversationEvent; before: Conversation }>(
      this.store,
      stream,
      (events) => {
        if (reads++ > 0) policyDecisionConflicts.inc();
        const view = viewOfRequest(events, request.messageId, start?.state);
        if (view.decided) return { events: [], result: { before: view.beforeRequest } };
        // Only a redelivery racing the first delivery gets here; failing sends this event back for a retry.
        if (view.earlierUndecided) throw new EarlierRequestUndecided(request.messageId);
        const usage = this.usage.of(request.businessId);
        const decision = decideMessage(request, { conversation: view.asOfRequest, template, business, usage }, now);
        return { events: [decision], result: { decision, before: view.beforeRequest } };
      },
      fromEvent(event, now),
      { fromRevision: start ? start.revision + 1 : 0 },
    );
    this.snapshots.set(stream, { revision: event.revision, state: result.before });
    if (result.decision) policyDecisions.inc({ outcome: result.decision.type === 'MessageAccepted' ? 'accepted' : 'rejected' });
    if (result.decision?.type === 'MessageAccepted') this.usage.record(result.decision.data);
    if (result.decision) await this.upgradeIfEarned(business, now, event);
  }

  /**
   * After each new decision: a business that has earned the next messaging tier gets it, recorded
   * on its stream at the time of the request just decided (limits/messaging-tier.ts).
   */
  private async upgradeIfEarned(business: Business, now: number, cause: RecordedEvent): Promise<void> {
    const signals = limitSignals(this.usage.of(business.id), now);
    if (decideTierUpgrade(business, signals, now).length === 0) return;
    // Decided again on the stream as it is now: the operator may have set the limits meanwhile.
    await decideOnStream<BusinessEvent>(
      this.store,
      Streams.business(business.id),
      (history) => {
        const current = foldBusiness(history);
        return { events: current ? decideTierUpgrade(current, signals, now) : [], result: undefined };
      },
      fromEvent(cause, now),
    );
  }

  private async business(businessId: string) {
    const { events } = await this.store.readStream(Streams.business(businessId));
    return foldBusiness(events as unknown as BusinessEvent[]);
  }

  private async template(request: Requested) {
    if (!request.template) return undefined;
    const id = templateIdFor(request.businessId, request.template.name, request.template.language);
    const { events } = await this.store.readStream(Streams.template(id));
    return foldTemplate(events as unknown as TemplateEvent[]);
  }
}
