import { PGlite } from '@electric-sql/pglite';
import type { Database, NotificationListener, QueryResult, Transaction, Unsubscribe } from '../database.js';
import { GENERIC_PLANS_SQL } from '../generic-plans.js';
import { DirectoryLock } from './directory-lock.js';

/** Options of the embedded adapter. */
export interface PgliteDatabaseOptions {
  /** A directory to keep the database in; absent means in memory (lost on exit). */
  readonly dataDirectory?: string;
  /** An existing PGlite instance the caller owns (not closed by `close()`). */
  readonly instance?: PGlite;
}

/**
 * PostgreSQL compiled to WebAssembly, in this process. One connection: PGlite
 * serialises statements and holds an exclusive lock for a transaction, so the
 * same SQL (including `FOR UPDATE SKIP LOCKED`) behaves as on a server.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'Embedded' as const;
  private readonly db: PGlite;
  private readonly ownsInstance: boolean;
  private readonly subscriptions = new Set<Unsubscribe>();

  private constructor(
    db: PGlite,
    ownsInstance: boolean,
    private readonly lock?: DirectoryLock,
  ) {
    this.db = db;
    this.ownsInstance = ownsInstance;
  }

  /**
   * Opens (creating if needed) the database; resolves once PGlite is ready.
   * A data directory is locked for this process until `close()` (see
   * DirectoryLock): a second open of it is refused.
   */
  static async open(options: PgliteDatabaseOptions = {}): Promise<PgliteDatabase> {
    if (options.instance !== undefined) return new PgliteDatabase(options.instance, false);
    if (options.dataDirectory === undefined) return PgliteDatabase.ready(new PGlite());
    const lock = DirectoryLock.acquire(options.dataDirectory);
    try {
      return await PgliteDatabase.ready(new PGlite(options.dataDirectory), lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private static async ready(db: PGlite, lock?: DirectoryLock): Promise<PgliteDatabase> {
    await db.waitReady;
    await db.exec(GENERIC_PLANS_SQL);
    return new PgliteDatabase(db, true, lock);
  }

  async query<Row>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>> {
    const result = await this.db.query<Row>(text, values as unknown[] | undefined);
    return { rows: result.rows };
  }

  async execute(script: string): Promise<void> {
    await this.db.exec(script);
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <Row>(text: string, values?: readonly unknown[]) => ({
          rows: (await tx.query<Row>(text, values as unknown[] | undefined)).rows,
        }),
        execute: async (script: string) => {
          await tx.exec(script);
        },
      }),
    );
  }

  async listen(channel: string, listener: NotificationListener): Promise<Unsubscribe> {
    // One process, one connection: notifications cannot be lost to a dropped
    // connection, so there is nothing to reconnect.
    // PGlite sends `LISTEN <name>` as given, so an unquoted name is folded to
    // lower case while pg_notify matches it exactly: a schema name with capitals
    // would never hear a thing. Quoted, the case is kept. (The unlisten function
    // PGlite returns drops the quotes again, so unlisten by the quoted name.)
    const quoted = `"${channel.replaceAll('"', '""')}"`;
    await this.db.listen(quoted, listener);
    const unsubscribe = async (): Promise<void> => {
      if (!this.subscriptions.delete(unsubscribe)) return;
      await this.db.unlisten(quoted, listener);
    };
    this.subscriptions.add(unsubscribe);
    return unsubscribe;
  }

  async close(): Promise<void> {
    // Subscriptions are this adapter's even on an instance the caller owns:
    // without this, a closed storage's listeners would go on hearing events.
    for (const unsubscribe of [...this.subscriptions]) await unsubscribe();
    if (this.ownsInstance) await this.db.close();
    this.lock?.release();
  }
}
