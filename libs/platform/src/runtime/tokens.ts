/** Injection tokens for the adapters a deployment provides (embedded: SQLite; distributed: see issue 3). */
export const EVENT_STORE = Symbol('EventStore');
export const READ_MODELS = Symbol('ReadModels');
/** Delivery's own working state (inboxes, webhook outbox): not a read model, never rebuilt from scratch. */
export const DELIVERY_STATE = Symbol('DeliveryState');
export const PROJECTIONS = Symbol('Projections');
export const CLOCK = Symbol('Clock');
export const CONFIG = Symbol('PlatformConfig');
/** How services learn of events (embedded: store catch-up; distributed: Kafka consumer groups). */
export const SUBSCRIPTIONS = Symbol('Subscriptions');

/**
 * The background work a process (or thread) runs besides serving its HTTP routes: the reactors
 * (deciders, timers, webhooks) and the projections. The embedded default serves HTTP on its main
 * thread and runs all of it on a second one.
 */
export interface Workload {
  reactors: boolean;
  projections: boolean;
}
export const WORKLOAD = Symbol('Workload');
