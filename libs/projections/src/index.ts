export * from './sql/sql-database';
export * from './sql/dialect';
export * from './sql/migrations';
export * from './sql/sqlite-database';
export * from './sql/postgres-database';
export * from './projection';
export * from './projection-runner';
export * from './projections/conversations.projection';
export * from './projections/messages.projection';
export * from './projections/charges.projection';
export * from './projections/templates.projection';
export * from './billing';
export * from './projections/messaging-limits.projection';
export * from './shadow/shadow-sql';
export * from './shadow/shadow-projection';
export * from './projections/businesses.projection';

import { chargesProjection } from './projections/charges.projection';
import { conversationsProjection } from './projections/conversations.projection';
import { messagesProjection } from './projections/messages.projection';
import { templatesProjection } from './projections/templates.projection';
import { messagingLimitsProjection } from './projections/messaging-limits.projection';
import { businessesProjection } from './projections/businesses.projection';

export const ALL_PROJECTIONS = [
  conversationsProjection,
  messagesProjection,
  chargesProjection,
  templatesProjection,
  businessesProjection,
  messagingLimitsProjection,
];
