import { type ConversationEvent, type MessageEvent, foldConversation, foldMessage } from '@ventana/domain';
import { PostgresStreams } from '../support/conversation-log';
import { describeWithPostgresAndKafka } from '../support/infra';
import { startDistributed } from '../support/platform-process';
import { type BusinessActor, type CustomerActor, Scenario, eventually, expectStatus } from '../support/scenario';
import { raceTwoDeciders } from '../support/stalled-decider';

/**
 * Issue 4, item 3: many clients write to ONE conversation while two window-policy instances consume.
 * Writers of the conversation stream: 20 business clients (requests), the customer's device (inbound
 * messages), and the deciders; requests and inbound messages land between a decider's read and its
 * append, so decisions meet newer revisions all along. On top, the two instances are made to decide
 * the same request at once (support/stalled-decider.ts). Afterwards, from the store itself: every
 * request has exactly one decision, after it; revisions have no gap; the read models equal a fold of
 * the events; and each instance decided some of it.
 *
 * It starts its own topology (two window-policy instances), so it runs once, in the embedded
 * project, like the other specs that need a particular distributed topology.
 */
// Per client, and from the customer, before and after the race; more while it lasts.
const CLIENTS = 20;
const PER_CLIENT = 10;
const INBOUND = 30;

describeWithPostgresAndKafka()('one conversation, many writers, two window-policy instances', () => {
  let platform: Awaited<ReturnType<typeof startDistributed>>;
  let world: Scenario;
  let streams: PostgresStreams;

  beforeAll(async () => {
    platform = await startDistributed({ instances: { 'window-policy': 2 } });
    world = new Scenario(platform);
    streams = await PostgresStreams.open(platform.topology.databaseUrl);
  }, 120_000);
  afterAll(async () => {
    await streams?.close();
    await platform?.stop();
  });

  /** Requests and decisions of the conversation, per message id. */
  async function decisionsOf(stream: string) {
    const events = await streams.read<ConversationEvent>(stream);
    const requested = new Map(events.filter((e) => e.type === 'MessageRequested').map((e) => [e.data.messageId as string, e]));
    const decisions = new Map<string, typeof events>();
    for (const e of events.filter((e) => e.type === 'MessageAccepted' || e.type === 'MessageRejected')) {
      decisions.set(e.data.messageId, [...(decisions.get(e.data.messageId) ?? []), e]);
    }
    return { events, requested, decisions };
  }

  /** Each window-policy process's own counts, from its /metrics. */
  async function deciderMetrics() {
    const deciders = platform.topology.processes.filter((p) => p.name.startsWith('window-policy#'));
    return Promise.all(
      deciders.map(async (p) => {
        const text = await (await fetch(`${p.url}/metrics`)).text();
        const count = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
        return {
          name: p.name,
          decisions:
            count(/^ventana_policy_decisions_total\{outcome="accepted"\} (\d+)/m) +
            count(/^ventana_policy_decisions_total\{outcome="rejected"\} (\d+)/m),
          conflicts: count(/^ventana_policy_decision_conflicts_total (\d+)/m),
        };
      }),
    );
  }

  /** What GET /messages/{id} must say, folded from the decision and the message's own stream. */
  async function folded(decision: { type: string; data: any }, id: string) {
    if (decision.type === 'MessageRejected') return { status: 'failed', code: decision.data.error.code };
    const lifecycle = foldMessage((await streams.read<MessageEvent>(`message-${id}`)) as unknown as MessageEvent[]);
    const { category, pricingType: type, billable } = decision.data;
    return { status: ['none', 'priced'].includes(lifecycle.status) ? 'accepted' : lifecycle.status, pricing: { category, type, billable } };
  }

  it('decides every request exactly once, on a stream without gaps, and the read models are the fold of it', async () => {
    await world.rateCard();
    const shop: BusinessActor = await world.business();
    const alice: CustomerActor = await world.customer();
    await world.inbound(alice, shop, 'hello'); // the window is open: free-form text may go out
    const utility = await world.approvedTemplate(shop, 'UTILITY', 'Order {{1}} ships on {{2}}');
    const stream = `conversation-${shop.id}-${alice.waId}`;

    const acknowledged: string[] = [];
    let inbound = 0;
    // While the two instances race (below), the writers keep writing: there is always a request to race on.
    let racing = false;
    const clientSends = (client: number, count: number) =>
      (async () => {
        for (let n = 0; n < count || racing; n++) {
          const r =
            (client + n) % 3 === 0
              ? await world.sendTemplate(shop, alice, utility)
              : await world.sendText(shop, alice, `update ${client}.${n}`);
          expectStatus(r, 202);
          acknowledged.push(r.body.messages[0].id);
        }
      })();
    const customerWrites = (count: number) =>
      (async () => {
        for (let i = 0; i < count || racing; i++) await world.inbound(alice, shop, `reply ${inbound++}`);
      })();
    const everyone = (messages: number, replies: number) =>
      Promise.all([...Array.from({ length: CLIENTS }, (_, client) => clientSends(client, messages)), customerWrites(replies)]);
    const undecided = async () => {
      const { requested, decisions } = await decisionsOf(stream);
      return [...requested.keys()].some((id) => !decisions.has(id));
    };

    // Everyone at once; then, mid-burst, the two instances race on one request; then everyone again.
    await everyone(PER_CLIENT / 2, INBOUND / 2);
    racing = true;
    const midBurst = everyone(1, 1);
    const race = await raceTwoDeciders(platform.topology, stream, undecided).finally(() => (racing = false));
    await midBurst;
    await everyone(PER_CLIENT / 2, INBOUND / 2);

    // The store, the source of truth: every request decided exactly once, after it was made.
    const log = await eventually(
      'every request decided',
      async () => {
        const found = await decisionsOf(stream);
        return found.requested.size === acknowledged.length && [...found.requested.keys()].every((id) => found.decisions.has(id))
          ? found
          : undefined;
      },
      60_000,
    );
    expect([...log.requested.keys()].sort()).toEqual([...acknowledged].sort());
    const twice = [...log.decisions]
      .filter(([, ds]) => ds.length > 1)
      .map(([id, ds]) => `${id}: ${ds.map((d) => `${d.type}@${d.revision}`).join(', ')}`);
    expect(twice).toEqual([]);
    expect([...log.decisions.keys()].filter((id) => !log.requested.has(id))).toEqual([]);
    for (const [id, [decision]] of log.decisions) expect(decision.revision).toBeGreaterThan(log.requested.get(id)!.revision);
    // Revisions 0..n-1 without a gap, and the global log holds them in the same order.
    expect(log.events.map((e) => e.revision)).toEqual(log.events.map((_, i) => i));
    expect(log.events.every((e, i) => i === 0 || e.position > log.events[i - 1].position)).toBe(true);

    // The read models equal the fold of the events: each message, and the conversation.
    for (const id of acknowledged) {
      const expected = await folded(log.decisions.get(id)![0], id);
      const answer = await eventually(
        `message ${id} projected as ${expected.status}`,
        async () => {
          const r = await world.message(shop, id);
          return r.status === 200 && r.body.status === expected.status ? r.body : undefined;
        },
        30_000,
      );
      const projected = {
        status: answer.status,
        ...(answer.errors && { code: answer.errors[0].code }),
        ...(answer.pricing && {
          pricing: { category: answer.pricing.category, type: answer.pricing.type, billable: answer.pricing.billable },
        }),
      };
      expect(projected).toEqual(expected);
    }
    const conversation = foldConversation((await streams.read<ConversationEvent>(stream)) as unknown as ConversationEvent[]);
    const r = await world.conversation(shop, alice);
    expectStatus(r, 200);
    expect(r.body).toEqual(
      expect.objectContaining({
        customer_service_window: { open: true, expires_at: new Date(conversation.customerServiceWindowExpiresAt!).toISOString() },
        consent: { granted: conversation.consent.granted, source: conversation.consent.source },
        marketing_opt_out: conversation.marketingOptOut,
        blocked: conversation.blocked,
      }),
    );

    // Both instances decided part of this one conversation; between them, each decision once; and
    // appends met newer revisions (the race above guarantees at least one) and were decided again.
    const metrics = await deciderMetrics();
    const accepted = [...log.decisions.values()].filter(([d]) => d.type === 'MessageAccepted').length;
    console.log(
      `concurrency: ${acknowledged.length} messages, ${log.decisions.size} decided (${accepted} accepted), ${inbound} inbound meanwhile; ` +
        `race ${race.owner} (frozen) vs ${race.rival}; ${metrics.map((m) => `${m.name} ${m.decisions} decisions, ${m.conflicts} conflicts retried`).join('; ')}`,
    );
    expect(metrics).toHaveLength(2);
    for (const m of metrics) expect(m.decisions).toBeGreaterThan(0);
    expect(metrics.reduce((sum, m) => sum + m.decisions, 0)).toBe(log.decisions.size);
    expect(metrics.reduce((sum, m) => sum + m.conflicts, 0)).toBeGreaterThan(0);
  }, 240_000);
});
