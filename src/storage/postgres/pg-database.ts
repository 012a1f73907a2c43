import pg from 'pg';
import type { Database, NotificationListener, QueryResult, Transaction, Unsubscribe } from '../database.js';
import { withGenericPlans } from '../generic-plans.js';
import { urlConfig, type ConnectionConfig } from './connection-string.js';
import { PgListener } from './pg-listener.js';

/** Options of the `pg` adapter. */
export interface PgDatabaseOptions {
  /** A URL connection string or its config (see connection-string.ts), or an existing pool the caller owns (not closed by `close()`). */
  readonly connection: string | ConnectionConfig | pg.Pool;
  /** Pool size when the adapter creates the pool. */
  readonly maxConnections?: number;
  /** Called when the adapter has a problem it recovers from (listener reconnects, idle client errors). */
  readonly onWarning?: (message: string, cause: unknown) => void;
}

/** Default pool size: enough for a server's fetch, completion, heartbeat and callers. */
export const DEFAULT_PG_POOL_SIZE = 10;

/**
 * PostgreSQL through a `pg` Pool. Statements run as named prepared statements
 * (the name derives from the text), so the hot paths are parsed and planned
 * once per connection.
 */
export class PgDatabase implements Database {
  readonly kind = 'PostgreSql' as const;
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly listener: PgListener;
  private readonly warn: (message: string, cause: unknown) => void;
  private closing: Promise<void> | undefined;

  constructor(options: PgDatabaseOptions) {
    const warn = options.onWarning ?? (() => undefined);
    this.warn = warn;
    if (!(options.connection instanceof pg.Pool)) {
      const config = typeof options.connection === 'string' ? urlConfig(options.connection) : options.connection;
      this.pool = new pg.Pool({ max: options.maxConnections ?? DEFAULT_PG_POOL_SIZE, ...config, options: withGenericPlans(config.options) });
      this.ownsPool = true;
      // An idle client that loses its connection emits 'error' on the pool; without
      // a handler node would crash the process. The pool replaces the client itself.
      this.pool.on('error', (error) => warn('idle PostgreSQL connection failed', error));
    } else {
      this.pool = options.connection;
      this.ownsPool = false;
    }
    // pg emits 'error' on a client whose connection dies between two of its
    // queries, and pg-pool only listens while the client is idle in the pool or
    // inside pool.query's own window; a termination landing in the gaps
    // (a query just done, a transaction's client being released) crashed the
    // process (the fault suite's stress probe: 34 uncaught errors in 8 s of
    // terminations). Every client therefore gets a listener of its own for its
    // whole life. It reports nothing: the failure reaches whoever uses the
    // client next (the client is no longer queryable) and the pool drops it.
    this.pool.on('connect', (client) => client.on('error', ignoreClientError));
    this.listener = new PgListener(() => this.pool.connect(), warn);
  }

  query<Row>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>> {
    return runPrepared<Row>(this.pool, text, values);
  }

  async execute(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // The pool listens for errors only on idle clients. A connection cut while
    // we hold the client (between two statements: a server restart,
    // pg_terminate_backend) would otherwise emit an unhandled 'error' and end
    // the process; the work sees the failure at its next statement instead.
    const onError = (error: Error) => this.warn('PostgreSQL connection lost inside a transaction', error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const tx: Transaction = {
        query: <Row>(text: string, values?: readonly unknown[]) => runPrepared<Row>(client, text, values),
        execute: async (script: string) => {
          await client.query(script);
        },
      };
      const result = await work(tx);
      await client.query('COMMIT');
      client.removeListener('error', onError);
      client.release();
      return result;
    } catch (error) {
      // Roll back, then hand the client back; a client whose rollback failed is
      // broken and is destroyed rather than reused.
      const rollbackError = await client.query('ROLLBACK').then(() => undefined, (e: unknown) => e);
      client.removeListener('error', onError);
      client.release(rollbackError instanceof Error ? rollbackError : undefined);
      throw error;
    }
  }

  listen(channel: string, listener: NotificationListener, onReconnect?: () => void): Promise<Unsubscribe> {
    return this.listener.subscribe(channel, listener, onReconnect);
  }

  /** Closes once; later calls wait for the same close (a pg Pool can only be ended once). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.listener.close();
      if (this.ownsPool) await this.pool.end();
    })();
    return this.closing;
  }
}

/** See the 'connect' listener in the constructor: the error reaches the client's next user instead. */
function ignoreClientError(): void {}

type PgRunner = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** Statement names are cached per connection by pg; a stable hash keeps them unique per text. */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    name = `mj_${(hash >>> 0).toString(36)}_${text.length}`;
    statementNames.set(text, name);
  }
  return name;
}

async function runPrepared<Row>(runner: PgRunner, text: string, values?: readonly unknown[]): Promise<QueryResult<Row>> {
  const result = await runner.query({ name: statementName(text), text, values: values as unknown[] | undefined });
  return { rows: result.rows as Row[] };
}
