/** A client, a recurring job manager and schedulers over a test storage, with a clock the test moves. */
import { BackgroundJobClient } from '../../src/client/background-job-client.js';
import { RecurringJobManager } from '../../src/client/recurring-job-manager.js';
import { JobFilterRegistry } from '../../src/filters/filter-registry.js';
import type { JobCatalog } from '../../src/jobs/job-invocation.js';
import { JobServiceRegistry } from '../../src/jobs/job-services.js';
import { MediatorRegistry, Request } from '../../src/mediator/index.js';
import { RecurringScheduler, type RecurringSchedulerOptions } from '../../src/server/recurring-scheduler.js';
import { StateMachine } from '../../src/states/state-machine.js';
import type { JobId, StateName } from '../../src/storage/job-types.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { openTestStorage, type StorageKind, type TestStorage } from '../support/test-storage.js';

/** The request the recurring jobs of these tests run. */
export class Ping extends Request<void> {
  constructor(readonly label: string) {
    super();
  }
}

/** A request registered only in the "old" deployment, to simulate a removed type. */
export class Retired extends Request<void> {
  constructor(readonly label: string) {
    super();
  }
}

/** A job service, for recurring method calls. */
export class ReportService {
  build(_size: number, _since: Date): void {
    // Never run here: these tests stop at job creation.
  }
}

/** One deployment: its registries, filters and client. */
export interface Deployment {
  readonly catalog: JobCatalog;
  readonly filters: JobFilterRegistry;
  readonly client: BackgroundJobClient;
}

/** A run of a recurring job, as stored. */
export interface Run {
  readonly id: JobId;
  readonly state: StateName;
  readonly typeName: string;
  /** The RecurringTick parameter (absent on a trigger). */
  readonly tick: string | undefined;
  /** The RecurringJobId parameter. */
  readonly recurringJobId: string | undefined;
}

export interface RecurringHarness {
  readonly t: TestStorage;
  readonly logger: RecordingLogger;
  /** Registers Ping, Retired and ReportService. */
  readonly deployment: Deployment;
  readonly manager: RecurringJobManager;
  /** The test's clock: the manager and every scheduler made by `scheduler` read it. */
  clock: Date;
  /** A further deployment with other registrations (e.g. without Retired). */
  deploy(register: (requests: MediatorRegistry, services: JobServiceRegistry) => void): Deployment;
  scheduler(options?: RecurringSchedulerOptions & { readonly deployment?: Deployment }): RecurringScheduler;
  /** Runs of `recurringId`, oldest first. */
  runs(recurringId: string): Promise<Run[]>;
  dispose(): Promise<void>;
}

export const T0 = new Date('2030-01-01T00:00:00Z');

/** `T0` plus seconds. */
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

export async function recurringHarness(kind: StorageKind): Promise<RecurringHarness> {
  const t = await openTestStorage(kind);
  const logger = new RecordingLogger();
  const deploy = (register: (requests: MediatorRegistry, services: JobServiceRegistry) => void): Deployment => {
    const requests = new MediatorRegistry();
    const services = new JobServiceRegistry();
    register(requests, services);
    const filters = new JobFilterRegistry();
    const states = new StateMachine(t.storage, filters, logger);
    const catalog = { requests, services };
    return { catalog, filters, client: new BackgroundJobClient(t.storage, catalog, filters, states, logger) };
  };
  const deployment = deploy((requests, services) => {
    requests.addHandler(Ping, { handle: () => undefined })._unsafeUnwrap();
    requests.addHandler(Retired, { handle: () => undefined })._unsafeUnwrap();
    services.add(ReportService)._unsafeUnwrap();
  });
  const harness: RecurringHarness = {
    t,
    logger,
    deployment,
    manager: new RecurringJobManager(t.storage, deployment.client, deployment.catalog, { now: () => harness.clock }),
    clock: T0,
    deploy,
    scheduler(options = {}) {
      const used = options.deployment ?? deployment;
      return new RecurringScheduler(t.storage, used.client, used.catalog, logger, { now: () => harness.clock, ...options });
    },
    async runs(recurringId) {
      const schema = t.storage.schema.quoted;
      const rows = await t.sql<{ id: string; state: StateName; type_name: string; tick: string | null; recurring: string | null }>(
        `SELECT j.id::text AS id, j.state, j.type_name, tick.value AS tick, rid.value AS recurring
         FROM ${schema}.jobs AS j
         LEFT JOIN ${schema}.job_parameters AS tick ON tick.job_id = j.id AND tick.name = 'RecurringTick'
         LEFT JOIN ${schema}.job_parameters AS rid ON rid.job_id = j.id AND rid.name = 'RecurringJobId'
         WHERE j.recurring_id = $1 ORDER BY j.id`,
        [recurringId],
      );
      return rows.map((row) => ({
        id: row.id,
        state: row.state,
        typeName: row.type_name,
        tick: row.tick === null ? undefined : (JSON.parse(row.tick) as string),
        recurringJobId: row.recurring === null ? undefined : (JSON.parse(row.recurring) as string),
      }));
    },
    dispose: () => t.dispose(),
  };
  return harness;
}

/** Runs `work` on a fresh harness and always disposes it. */
export async function withRecurring(kind: StorageKind, work: (h: RecurringHarness) => Promise<void>): Promise<void> {
  const h = await recurringHarness(kind);
  try {
    await work(h);
  } finally {
    await h.dispose();
  }
}

/** Every value of `values` that occurs more than once. */
export function duplicates<T>(values: readonly T[]): T[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

export { RecordingLogger };
