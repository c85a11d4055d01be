import { Counter } from 'prom-client';
import { metricsRegistry } from '@ventana/platform';

/** What this process decided, on `GET /metrics`: with several instances, each shows its own share. */
export const policyDecisions = new Counter({
  name: 'ventana_policy_decisions_total',
  help: 'Message requests this process decided, by outcome.',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** A decision whose append found the conversation stream moved on (another writer), taken again on the fresh stream. */
export const policyDecisionConflicts = new Counter({
  name: 'ventana_policy_decision_conflicts_total',
  help: 'Decisions retried because the conversation stream had a newer revision than the one they were taken on.',
  registers: [metricsRegistry],
});
