/**
 * mediator-jobs through its public API: a registered request with a no-op
 * handler, the default filters (automatic retry), full state history. Jobs
 * are enqueued by the job client; the worker is a JobServer in this process.
 */
import { PGlite } from '@electric-sql/pglite';
import type { Result } from 'neverthrow';
import pg from 'pg';
import type { JobEngine, JobMediator, JobServer, JobSettingsInput, JobStorage, StorageOptions } from '../../src/index.js';
import { ours } from './built-package.js';
import type { AwaitingSubject, SubjectTarget } from '../subject.js';
import { OUR_EMBEDDED_SETTINGS, OUR_POOL_SIZE, OUR_SETTINGS } from './ours-config.js';

/** The benchmark's job: carries its number so the handler can report it. */
const { GENERIC_PLANS_OPTION, GENERIC_PLANS_SQL, Mediator, MediatorRegistry, constructingResolver, openStorage, resolveOptions, silentLogger } = ours;

class BenchNoop extends ours.Request<number> {
  constructor(readonly n: number) {
    super();
  }
}

/** How the harness reads our tables directly (only to see when a drain is over, and to fill history). */
export interface RawSql {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export class OursSubject implements AwaitingSubject {
  readonly name: string;
  #engine: JobEngine | undefined;
  #mediator: JobMediator | undefined;
  #storage: JobStorage | undefined;
  #server: JobServer | undefined;
  #onJob: (n: number) => void = () => undefined;
  #pool: pg.Pool | undefined;
  #pglite: PGlite | undefined;
  /** With enqueueFromOtherEngine: the engine (own pool, no server) whose client enqueues. */
  #enqueuer: { engine: JobEngine; storage: JobStorage; pool: pg.Pool } | undefined;

  constructor(
    private readonly target: SubjectTarget,
    private readonly kind: 'PostgreSql' | 'Embedded',
    /**
     * Jobs enqueued by a second engine over its own pool, as another process
     * would: the server's idle workers cannot claim them as they are created
     * (local claims work within one engine), so each goes through the
     * notification and a fetch.
     */
    private readonly variant: { readonly enqueueFromOtherEngine?: boolean } = {},
  ) {
    this.name = kind === 'Embedded' ? 'mediator-jobs (embedded)' : variant.enqueueFromOtherEngine === true ? 'mediator-jobs (enqueued by another engine)' : 'mediator-jobs';
  }

  /** SQL on the same database, for the harness's own bookkeeping. */
  get raw(): RawSql {
    if (this.#pglite !== undefined) return this.#pglite;
    if (this.#pool !== undefined) return this.#pool;
    throw new Error('not open');
  }

  async open(): Promise<void> {
    const settings: JobSettingsInput = this.kind === 'Embedded' ? OUR_EMBEDDED_SETTINGS : OUR_SETTINGS;
    const options = resolveOptions(settings).match((o) => o, (error) => { throw new Error(`our settings: ${JSON.stringify(error)}`); });
    let storageOptions: StorageOptions;
    if (this.kind === 'Embedded') {
      this.#pglite = new PGlite();
      await this.#pglite.waitReady;
      // As a storage that opens PGlite itself does (see StorageOptions.pglite).
      await this.#pglite.exec(GENERIC_PLANS_SQL);
      storageOptions = { type: 'Embedded', pglite: this.#pglite, schemaName: this.target.schema };
    } else {
      // The session option our storage gives the pools it opens itself (see StorageOptions.pool).
      this.#pool = new pg.Pool({ connectionString: this.target.url, max: OUR_POOL_SIZE, options: GENERIC_PLANS_OPTION });
      storageOptions = { type: 'PostgreSql', pool: this.#pool, schemaName: this.target.schema };
    }
    const { storage } = await unwrap(openStorage(storageOptions), 'opening storage');
    const registry = new MediatorRegistry();
    const registered = registry.addHandler(BenchNoop, { handle: (job: BenchNoop) => { this.#onJob(job.n); return job.n; } });
    if (registered.isErr()) throw new Error(`registering the handler: ${JSON.stringify(registered.error)}`);
    const mediator = new Mediator(registry, constructingResolver);
    this.#engine = new ours.JobEngine({ storage, mediator, registry, resolver: constructingResolver, options, logger: silentLogger });
    this.#mediator = new ours.JobMediator(mediator, this.#engine);
    this.#storage = storage;
    if (this.variant.enqueueFromOtherEngine === true) {
      const pool = new pg.Pool({ connectionString: this.target.url, max: 4, options: GENERIC_PLANS_OPTION });
      const other = await unwrap(openStorage({ type: 'PostgreSql', pool, schemaName: this.target.schema }), 'opening the enqueuing storage');
      const engine = new ours.JobEngine({ storage: other.storage, mediator, registry, resolver: constructingResolver, options, logger: silentLogger });
      this.#enqueuer = { engine, storage: other.storage, pool };
    }
  }

  async enqueue(n: number): Promise<void> {
    await unwrap((this.#enqueuer?.engine ?? this.engine).client.enqueue(new BenchNoop(n)), 'enqueue');
  }

  async enqueueBatch(ns: readonly number[]): Promise<void> {
    await unwrap(this.engine.client.enqueueBatch(ns.map((n) => new BenchNoop(n))), 'enqueueBatch');
  }

  async enqueueAwait(n: number): Promise<void> {
    const response = await unwrap(this.#mediator!.enqueueAwait(new BenchNoop(n)), 'enqueueAwait');
    if (response !== n) throw new Error(`enqueueAwait(${n}) answered ${String(response)}`);
  }

  async startWorker(onJob: (n: number) => void): Promise<void> {
    this.#onJob = onJob;
    this.#server = this.engine.createServer();
    await unwrap(this.#server.start(), 'starting the server');
  }

  async stopWorker(): Promise<void> {
    if (this.#server !== undefined) await unwrap(this.#server.stop(), 'stopping the server');
    this.#server = undefined;
  }

  async unfinishedJobs(): Promise<number> {
    const { rows } = await this.raw.query(`SELECT count(*)::int AS n FROM ${this.target.schema}.jobs WHERE state IN ('Enqueued', 'Processing')`);
    return Number(rows[0]?.n);
  }

  async close(): Promise<void> {
    await this.stopWorker();
    if (this.#enqueuer !== undefined) {
      await unwrap(this.#enqueuer.storage.close(), 'closing the enqueuing storage');
      await this.#enqueuer.pool.end();
    }
    if (this.#storage !== undefined) await unwrap(this.#storage.close(), 'closing storage');
    await this.#pool?.end();
    await this.#pglite?.close();
  }

  private get engine(): JobEngine {
    if (this.#engine === undefined) throw new Error('not open');
    return this.#engine;
  }
}

/** A benchmark has no use for an error value but to stop with its description. */
async function unwrap<T, E>(result: PromiseLike<Result<T, E>>, what: string): Promise<T> {
  return (await result).match((value) => value, (error) => { throw new Error(`${what}: ${JSON.stringify(error)}`); });
}
