/**
 * The narrow database seam every storage statement goes through. Two adapters
 * implement it (a `pg` Pool and PGlite), so there is one SQL code path.
 *
 * Adapters throw (reject) on database errors; the storage layer turns every
 * rejection into a `StorageError` value at its boundary.
 */

/** Rows returned by a statement. Adapters normalise both drivers to this shape. */
export interface QueryResult<Row> {
  readonly rows: Row[];
}

/**
 * Anything that runs one parameterised statement: a pool, a transaction, or a
 * caller's own `pg` client inside `BEGIN` (structurally compatible with
 * `pg.PoolClient` and PGlite's `Transaction`).
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>>;
}

/** A transaction in progress: statements, and scripts for migrations. */
export interface Transaction extends Queryable {
  /** Runs a multi-statement script with no parameters. */
  execute(script: string): Promise<void>;
}

/** Called with the payload of each notification on a channel. */
export type NotificationListener = (payload: string) => void;

/** Stops a subscription. */
export type Unsubscribe = () => Promise<void>;

export interface Database extends Queryable {
  /** Which adapter this is, for logs and the dashboard. */
  readonly kind: 'PostgreSql' | 'Embedded';
  /** Runs a multi-statement script (migrations) with no parameters. */
  execute(script: string): Promise<void>;
  /** Runs `work` in one transaction: commit when it resolves, roll back when it rejects. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a LISTEN channel. `onReconnect` is called after the listening
   * connection was lost and re-established, because notifications sent in
   * between are gone and the caller must poll once to catch up.
   */
  listen(channel: string, listener: NotificationListener, onReconnect?: () => void): Promise<Unsubscribe>;
  /** Closes every connection the adapter opened (not ones the caller passed in). */
  close(): Promise<void>;
}
