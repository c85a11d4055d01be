import Database from 'better-sqlite3';
import { existsSync, fdatasync, openSync, closeSync } from 'node:fs';
import { resolve } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import type { NewEvent, RecordedEvent } from '../event';
import { WalCheckpointer } from './wal-checkpointer';
import { RecentLog } from './recent-log';
import { StreamCache } from './stream-cache';
import {
  DuplicateEventIdError,
  StorageUnavailableError,
  WrongExpectedRevisionError,
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamResult,
} from '../event-store';

export interface SqliteEventStoreOptions {
  file: string;
  /**
   * FULL (default): an append is acknowledged only once its WAL frames are on disk (fdatasync), so it
   * survives power loss. NORMAL: acknowledged at commit; survives a process crash, not a power loss.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Whether this connection runs the file's WAL checkpoints (default true). Several connections to
   * one file (threads or processes) need only one checkpointer.
   */
  walCheckpoints?: boolean;
}

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: a position is never reused
    id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    UNIQUE (stream, revision)
  );
  -- Serves readAll with a types filter: per type, rows come out already in position order.
  CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);
  -- Earlier versions kept each stream's last revision here; UNIQUE (stream, revision) answers it
  -- with one index seek, and one B-tree fewer to write on every append.
  DROP TABLE IF EXISTS streams;
  CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
`;

/** Embedded event store: one SQLite file, one writer at a time (other processes wait up to busy_timeout). */
export class SqliteEventStore implements EventStore {
  readonly checkpoints: CheckpointStore;
  private readonly db: Database.Database;
  private readonly sql;
  private readonly commitGroup;
  private readonly commitEach: (group: QueuedWrite[]) => WriteOutcome[];
  private readonly durable: boolean;
  private readonly checkpointer: WalCheckpointer | undefined;
  /** Tells the other connections of this process (other threads) that something was appended. */
  private readonly appends: BroadcastChannel;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly walFile: string;
  private walFd: number | undefined;
  /** Committed groups waiting for the next WAL sync before they are acknowledged (or refused, if the sync fails). */
  private unsynced: ((syncError?: Error) => void)[] = [];
  private syncing = false;
  private readonly streamCache = new StreamCache(10_000);
  private readonly tail = new RecentLog(5_000);
  /** Whether anyone here follows the log (subscriptions): only then is the tail worth keeping. */
  private followed = false;
  /** The log's head as this process last knew it (its own appends included). */
  private knownHead: number;
  /** `PRAGMA data_version` when the head was last read: unchanged means no other connection wrote since. */
  private dataVersion: number | undefined;
  private observedThisTurn = false;
  private queue: QueuedWrite[] = [];
  private readonly readTypesTx;
  /** Woken after every successful append in this process; other processes are seen when waits time out. */
  private readonly waiters = new Set<() => void>();

  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    return new SqliteEventStore(options);
  }

  constructor({ file, synchronous = 'FULL', walCheckpoints = true }: SqliteEventStoreOptions) {
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
      throw new Error(`invalid synchronous mode: ${String(synchronous)}`);
    const db = new Database(file);
    this.db = db;
    db.pragma('journal_mode = WAL');
    // No waiting inside SQLite for another writer's lock (that would block the event loop): a busy
    // group commit is retried a moment later instead (flush). Readers never wait in WAL mode.
    db.pragma('busy_timeout = 0');
    // SQLite itself never fsyncs on commit (NORMAL); with FULL the store syncs the WAL off the event loop instead.
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    this.durable = synchronous === 'FULL';
    this.walFile = `${file}-wal`;
    db.exec(SCHEMA);
    this.checkpointer = walCheckpoints ? new WalCheckpointer(file) : undefined;
    this.appends = new BroadcastChannel(`ventana-event-store:${resolve(file)}`);
    this.appends.onmessage = () => this.notify();
    this.appends.unref();
    this.knownHead = (db.prepare('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get() as number) ?? 0;

    const sql = (this.sql = {
      streamRevision: db.prepare<[string], number>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck(),
      insert: db.prepare<[string, string, number, string, number, string, string]>(
        'INSERT INTO events (id, stream, revision, type, schema_version, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      readStream: db.prepare<[string, number], EventRow>('SELECT * FROM events WHERE stream = ? AND revision > ? ORDER BY revision'),
      readAll: db.prepare<[number, number], EventRow>(
        'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
      ),
      readType: db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE type = ? AND position > ? ORDER BY position LIMIT ?',
      ),
      head: db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck(),
      // Changes exactly when another connection commits to the file: the cheap test for foreign writes.
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      loadCheckpoint: db.prepare<[string], number>('SELECT position FROM checkpoints WHERE name = ?').pluck(),
      saveCheckpoint: db.prepare<[string, number]>(
        'INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
      ),
    });

    const appendOne = (stream: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult => {
      const actual = sql.streamRevision.get(stream) ?? -1;
      if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(stream, expected, actual);
      let revision = actual;
      let position = events.length === 0 ? (sql.head.get() ?? 0) : 0;
      for (const event of events) {
        revision += 1;
        try {
          const { lastInsertRowid } = sql.insert.run(
            event.id,
            stream,
            revision,
            event.type,
            event.schemaVersion ?? 1,
            JSON.stringify(event.data ?? null),
            JSON.stringify(event.metadata),
          );
          position = Number(lastInsertRowid);
        } catch (error) {
          if (isUniqueViolation(error, 'events.id')) throw new DuplicateEventIdError(event.id);
          throw error;
        }
      }
      return { nextExpectedRevision: revision, position };
    };

    const apply = (write: QueuedWrite): AppendResult | undefined =>
      write.kind === 'append' ? appendOne(write.stream, write.events, write.expected) : void sql.saveCheckpoint.run(write.name, write.position);

    // Group commit: every write queued in one turn of the event loop commits in one transaction.
    // A revision conflict is found before its append writes anything, so it fails alone; any other
    // failure rolls the group back, and the slow path then commits each write on its own.
    this.commitGroup = db.transaction((group: QueuedWrite[]) =>
      group.map((write): WriteOutcome => {
        try {
          return { ok: true, value: apply(write) };
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError) return { ok: false, error };
          throw error;
        }
      }),
    );
    this.commitEach = (group: QueuedWrite[]) =>
      group.map((write): WriteOutcome => {
        try {
          return { ok: true, value: db.transaction(apply).immediate(write) };
        } catch (error) {
          return isBusy(error) ? { ok: false, busy: true, error } : { ok: false, error };
        }
      });

    // One read transaction, so every per-type query sees the same snapshot and none can skip a commit.
    this.readTypesTx = db.transaction((types: readonly string[], after: number, limit: number): EventRow[] =>
      [...new Set(types)]
        .flatMap((type) => sql.readType.all(type, after, limit))
        .sort((a, b) => a.position - b.position)
        .slice(0, limit),
    );

    this.checkpoints = {
      load: async (name) => sql.loadCheckpoint.get(name) ?? 0,
      save: async (name, position) => void (await this.enqueue({ kind: 'checkpoint', name, position })),
    };
  }

  async append(streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return (await this.enqueue({ kind: 'append', stream: streamName, events, expected })) as AppendResult;
  }

  private enqueue(write: Write): Promise<AppendResult | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...write, resolve, reject } as QueuedWrite);
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    const group = this.queue;
    this.queue = [];
    let outcomes: WriteOutcome[];
    try {
      // IMMEDIATE takes the write lock up front, so every revision check sees the state its inserts change.
      outcomes = this.commitGroup.immediate(group);
    } catch (error) {
      if (isBusy(error)) return this.retrySoon(group);
      if (isStorageFailure(error)) return group.forEach((write) => write.reject(new StorageUnavailableError(error)));
      outcomes = this.commitEach(group);
    }
    const busy = group.filter((_, i) => isBusyOutcome(outcomes[i]));
    const done = group.filter((_, i) => !isBusyOutcome(outcomes[i]));
    outcomes = outcomes.filter((outcome) => !isBusyOutcome(outcome));
    if (busy.length > 0) this.retrySoon(busy);
    done.forEach((write, i) => {
      const outcome = outcomes[i];
      if (write.kind === 'append' && outcome.ok && write.events.length > 0) this.remember(write.stream, write.events, outcome.value!);
    });
    if (done.some((w) => w.kind === 'append' && w.events.length > 0)) {
      this.notify();
      this.appends.postMessage(this.knownHead);
    }
    const acknowledge = (syncError?: Error) =>
      outcomes.forEach((outcome, i) => {
        if (!outcome.ok) return done[i].reject(isStorageFailure(outcome.error) ? new StorageUnavailableError(outcome.error) : outcome.error);
        // Committed, but its durability is unknown: refused, so the caller retries (idempotently).
        if (syncError) return done[i].reject(new StorageUnavailableError(syncError));
        done[i].resolve(outcome.value);
      });
    if (!this.durable) return acknowledge();
    this.unsynced.push(acknowledge);
    this.syncWal();
  }

  /** Another connection holds the write lock: these writes go first in the next group, a moment later. */
  private retrySoon(writes: QueuedWrite[]): void {
    this.queue = [...writes, ...this.queue];
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, 1);
  }

  /**
   * Group commit, second half: one fdatasync of the WAL on libuv's thread pool makes every group
   * committed before it durable; only then are their appends acknowledged. The event loop keeps
   * serving meanwhile, and groups committed during a sync share the next one.
   */
  private syncWal(): void {
    if (this.syncing || this.unsynced.length === 0) return;
    this.syncing = true;
    const waiting = this.unsynced;
    this.unsynced = [];
    if (this.walFd === undefined && existsSync(this.walFile)) this.walFd = openSync(this.walFile, 'r');
    const done = (error?: Error) => {
      this.syncing = false;
      for (const acknowledge of waiting) acknowledge(error);
      this.syncWal();
    };
    if (this.walFd === undefined) return done();
    // The disk refusing the sync means nothing in these groups may be acknowledged as durable.
    fdatasync(this.walFd, (error) => done(error ?? undefined));
  }

  async readStream(streamName: string, { fromRevision = 0 }: { fromRevision?: number } = {}): Promise<ReadStreamResult> {
    this.observeHead();
    const cached = this.streamCache.get(streamName);
    if (cached) return { events: cached.slice(fromRevision), revision: cached.at(-1)?.revision ?? -1 };
    if (fromRevision > 0) {
      // Only the end of a stream that is not cached: read just that, and do not cache a partial stream.
      const events = this.sql.readStream.all(streamName, fromRevision - 1).map(toRecorded);
      return { events, revision: events.at(-1)?.revision ?? this.sql.streamRevision.get(streamName) ?? -1 };
    }
    const events = this.sql.readStream.all(streamName, -1).map(toRecorded);
    this.streamCache.put(streamName, events);
    return { events: events.slice(), revision: events.at(-1)?.revision ?? -1 };
  }

  /**
   * The caches stay complete when other connections (threads, processes) append: whatever they
   * committed since we last looked is read once and taken into both caches, in position order.
   * Positions are handed out under the write lock, so a commit never lands behind one already seen.
   */
  private observeHead(): number {
    // Once per turn of the event loop: within a turn every read sees the same prefix of the log.
    if (this.observedThisTurn) return this.knownHead;
    this.observedThisTurn = true;
    setImmediate(() => (this.observedThisTurn = false));
    const version = this.sql.dataVersion.get();
    if (version === this.dataVersion) return this.knownHead;
    this.dataVersion = version;
    this.takeInUpTo(this.sql.head.get() ?? 0);
    return this.knownHead;
  }

  /** Takes what other connections appended after `knownHead`, up to `position`, into the caches. */
  private takeInUpTo(position: number): void {
    if (position <= this.knownHead) return;
    if (position - this.knownHead > this.tail.capacity) {
      // Far behind: reading it all back is not worth it.
      this.streamCache.clear();
      this.tail.clear();
    } else {
      // Parsed only where it is kept: every event for a followed tail, else those of cached streams.
      const rows = this.sql.readAll.all(this.knownHead, position - this.knownHead);
      const foreign = (this.followed ? rows : rows.filter((row) => this.streamCache.has(row.stream))).map(toRecorded);
      if (this.followed) this.tail.add(foreign);
      for (const event of foreign) this.streamCache.extend(event.streamName, [event]);
    }
    this.knownHead = position;
  }

  /** Write-through: what this process just committed goes into the caches, as recorded events. */
  private remember(stream: string, appended: readonly NewEvent[], result: AppendResult): void {
    const first = result.position - appended.length + 1;
    const recorded = appended.map(
      (event, i): RecordedEvent => ({
        id: event.id,
        type: event.type,
        data: event.data ?? null,
        schemaVersion: event.schemaVersion ?? 1,
        metadata: event.metadata,
        streamName: stream,
        revision: result.nextExpectedRevision - appended.length + 1 + i,
        position: first + i,
      }),
    );
    // Another connection committed between our last look and this commit.
    this.takeInUpTo(first - 1);
    this.knownHead = result.position;
    if (this.followed) this.tail.add(recorded);
    this.streamCache.extend(stream, recorded);
  }

  async readAll({ after, limit, types }: ReadAllOptions): Promise<RecordedEvent[]> {
    this.followed = true;
    const recent = this.tail.read(after, limit, types, this.observeHead());
    if (recent) return recent;
    const rows = types ? this.readTypesTx(types, after, limit) : this.sql.readAll.all(after, limit);
    return rows.map(toRecorded);
  }

  async waitForAppend(position: number, timeoutMs: number): Promise<void> {
    // Checked synchronously with the registration below, so an append cannot slip in between.
    if (this.observeHead() > position) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.add(wake);
    });
  }

  async headPosition(): Promise<number> {
    return this.observeHead();
  }

  async close(): Promise<void> {
    // Writes already queued are committed, not dropped (waiting out another writer's lock if need be).
    while (this.queue.length > 0) {
      this.flush();
      if (this.queue.length > 0) await new Promise((r) => setTimeout(r, 1));
    }
    while (this.syncing || this.unsynced.length > 0) await new Promise((r) => setTimeout(r, 1));
    if (this.walFd !== undefined) closeSync(this.walFd);
    clearTimeout(this.retryTimer);
    await this.checkpointer?.stop();
    this.appends.close();
    this.notify(); // release waiters (and their timers) so nothing keeps the process alive
    this.db.close();
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

type Write =
  | { kind: 'append'; stream: string; events: readonly NewEvent[]; expected: ExpectedRevision }
  | { kind: 'checkpoint'; name: string; position: number };
type QueuedWrite = Write & { resolve: (value: AppendResult | undefined) => void; reject: (error: unknown) => void };
type WriteOutcome = { ok: true; value: AppendResult | undefined } | { ok: false; error: unknown; busy?: true };

const isBusyOutcome = (outcome: WriteOutcome) => !outcome.ok && outcome.busy === true;
/** The file cannot be written at all (read-only, disk full, I/O error): nothing the caller can fix. */
export const isStorageFailure = (error: unknown): boolean =>
  /^SQLITE_(READONLY|IOERR|FULL|CANTOPEN)/.test(String((error as { code?: unknown } | null)?.code ?? ''));
const isBusy = (error: unknown) => (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY';

function revisionMatches(expected: ExpectedRevision, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === -1;
  return expected === actual;
}

// Duck-typed rather than `instanceof SqliteError`: the native addon keeps the class of the first load,
// so instanceof fails when the module is loaded more than once (e.g. one Jest registry per test file).
function isUniqueViolation(error: unknown, column: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes(column);
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data),
    schemaVersion: row.schema_version,
    metadata: JSON.parse(row.metadata),
    streamName: row.stream,
    revision: row.revision,
    position: row.position,
  };
}
