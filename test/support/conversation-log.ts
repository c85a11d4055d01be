import { Client } from 'pg';
import type { ConversationEvent, MessageEvent } from '@ventana/domain';

/** One event of a stream, as the PostgreSQL store keeps it. */
export interface LoggedEvent<E = ConversationEvent | MessageEvent> {
  revision: number;
  position: number;
  type: E extends { type: infer T } ? T : string;
  data: any;
}

/** Reads streams straight from the distributed deployment's store (the schema first on the URL's search path). */
export class PostgresStreams {
  private constructor(private readonly client: Client) {}

  static async open(databaseUrl: string): Promise<PostgresStreams> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    return new PostgresStreams(client);
  }

  /** Every event of `stream`, in revision order. */
  async read<E extends ConversationEvent | MessageEvent>(stream: string): Promise<LoggedEvent<E>[]> {
    const { rows } = await this.client.query(
      `SELECT revision, position, type, data FROM event_store_events WHERE stream = $1 ORDER BY revision`,
      [stream],
    );
    return rows.map((r) => ({ ...r, revision: Number(r.revision), position: Number(r.position) }));
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
