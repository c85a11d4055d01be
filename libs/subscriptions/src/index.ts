export * from './subscriptions';
export * from './store/store-subscriptions';
export * from './kafka/cloud-events';
export * from './kafka/routing';
export * from './kafka/kafka-client';
export * from './kafka/kafka-subscriptions';
export * from './relay/lease';
export * from './relay/relay';
