import type { RecordedEvent } from '@ventana/event-store';
import type { Migration } from './sql/migrations';
import type { SqlExecutor } from './sql/sql-database';

/**
 * A read model built from the global log. `apply` runs inside the transaction that also moves
 * the projection's checkpoint, so an event is applied exactly once even across crashes.
 */
export interface Projection {
  name: string;
  eventTypes: readonly string[];
  /**
   * The projection's schema history, in portable SQL, recorded in `schema_migrations` under the
   * projection's name: each version is applied once, so a later one may ALTER its tables.
   */
  migrations: readonly Migration[];
  /** Tables emptied by a rebuild. */
  tables: readonly string[];
  apply(tx: SqlExecutor, event: RecordedEvent): Promise<void>;
}
