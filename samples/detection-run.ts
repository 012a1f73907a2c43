/**
 * The "Hangfire Integration" page (seed 002) in TypeScript: a dedicated job
 * server, a scheduled detection run with a cleanup continuation and job
 * parameters, monitoring by job state, and a custom exponential-backoff retry
 * written as an elect-state filter.
 *
 *   npx tsx samples/detection-run.ts
 *
 * Seed                                        here
 * services.AddHangfire(... UsePostgreSqlStorage(connection string, PostgreSqlStorageOptions))
 *                                             resolveOptions({ QueuePollInterval, SchemaName, ... }) + openStorage
 * services.AddHangfireServer(options => { WorkerCount, Queues, ServerName })
 *                                             registerProcessorAsServer(container, { workerCount, queues, serverName })
 * DetectionJobManager.ScheduleDetectionRun    DetectionJobManager.scheduleDetectionRun: client.schedule
 *                                             + client.continueWith + job parameters
 * DetectionJobManager.MonitorDetectionJob     DetectionJobManager.monitorDetectionJob: monitoring.jobDetails
 *                                             and a switch on its state
 * DetectionJobRetryAttribute : IElectStateFilter
 *                                             DetectionJobRetryFilter, registered for StartDetectionRun with
 *                                             engine.filters.add(filter, { for: StartDetectionRun })
 *
 * Time is scaled down so the sample takes seconds: the seed's backoff of
 * 2^retry MINUTES is 2^retry x 50 ms here, and its 10 s schedule is 100 ms.
 *
 * Runs on the embedded database by default (no setup). Set
 * ConnectionStrings__HangfireConnection=postgres://... to use PostgreSQL, as
 * the seed does. It checks its own output with node:assert and exits 0; a
 * broken library makes it exit 1.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { Container, inject, injectable } from 'inversify';
import { expectOk, runSample, shutDown } from './sample-support.js';
import { ResultAsync } from 'neverthrow';
import {
  COMPLETION_WATCHER,
  JOB_CLIENT,
  JOB_ENGINE,
  Request,
  configureJobServices,
  handles,
  openStorage,
  registerProcessorAsServer,
  resolveOptions,
  storageOptionsFrom,
  type BackgroundJobClient,
  type ElectStateContext,
  type ElectStateFilter,
  type HandlerContext,
  type JobEngine,
  type JobError,
  type JobId,
  type JobServer,
  type JobView,
  type JsonValue,
} from '../src/index.js';

/** The seed's time unit for the backoff (one minute), scaled down. */
const BACKOFF_UNIT_MS = 50;
/** The seed's TimeSpan.FromSeconds(10) before a run starts, scaled down. */
const SCHEDULE_DELAY_MS = 100;

// ---------------------------------------------------------------------------
// The domain: a detection run and the service that does the work
// ---------------------------------------------------------------------------

interface DetectionRunDTO {
  id: string;
  model: string;
  /** For the sample: how many attempts fail before one succeeds. */
  failingAttempts: number;
}

/** IDetectionRunService: the work itself, plus what to do when a run failed for good. */
@injectable()
class DetectionRunService {
  readonly attempts = new Map<string, number[]>();
  readonly cleanedUp: string[] = [];
  readonly failedRuns: { id: string; exception: Readonly<Record<string, JsonValue>> | undefined }[] = [];

  async startDetectionRun(run: DetectionRunDTO, attempt: number): Promise<{ detections: number }> {
    this.attempts.set(run.id, [...(this.attempts.get(run.id) ?? []), attempt]);
    console.log(`  run ${run.id}: attempt ${attempt} with model ${run.model}`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the detection takes a while
    if (attempt <= run.failingAttempts) throw new Error(`GPU node unavailable for model ${run.model}`);
    return { detections: 42 };
  }

  cleanupDetectionResources(detectionRunId: string): string {
    this.cleanedUp.push(detectionRunId);
    console.log(`  cleanup for run ${detectionRunId}`);
    return `resources of ${detectionRunId} released`;
  }

  handleFailedRun(id: string, exception: Readonly<Record<string, JsonValue>> | undefined): void {
    this.failedRuns.push({ id, exception });
  }
}

// The seed's two job methods, as requests and handlers (so a worker runs them
// through the mediator, and the retry filter can be registered for one type).

class StartDetectionRun extends Request<{ detections: number }> {
  static readonly requestTypeName = 'Detection.StartDetectionRun';
  constructor(readonly run: DetectionRunDTO) {
    super();
  }
  override toString(): string {
    return `Detection run ${this.run.id}`;
  }
}

@injectable()
@handles(StartDetectionRun)
class StartDetectionRunHandler {
  constructor(@inject(DetectionRunService) private readonly service: DetectionRunService) {}
  handle(request: StartDetectionRun, context: HandlerContext): Promise<{ detections: number }> {
    return this.service.startDetectionRun(request.run, context.job?.attempt ?? 1);
  }
}

class CleanupDetectionResources extends Request<string> {
  static readonly requestTypeName = 'Detection.CleanupDetectionResources';
  constructor(readonly detectionRunId: string) {
    super();
  }
}

@injectable()
@handles(CleanupDetectionResources)
class CleanupDetectionResourcesHandler {
  constructor(@inject(DetectionRunService) private readonly service: DetectionRunService) {}
  handle(request: CleanupDetectionResources): string {
    return this.service.cleanupDetectionResources(request.detectionRunId);
  }
}

// ---------------------------------------------------------------------------
// Error recovery: DetectionJobRetryAttribute as an elect-state filter
// ---------------------------------------------------------------------------

class DetectionJobRetryFilter implements ElectStateFilter {
  constructor(
    private readonly maxRetries = 3,
    private readonly unitMs = BACKOFF_UNIT_MS,
  ) {}

  onStateElection(context: ElectStateContext): void {
    // var failedState = context.CandidateState as FailedState; if (failedState == null) return;
    const failed = context.candidate;
    if (failed.to.name !== 'Failed') return;

    // var retryAttempt = context.GetRetryCount();
    const retryAttempt = context.retryCount;
    if (retryAttempt < this.maxRetries) {
      // Exponential backoff: TimeSpan.FromMinutes(Math.Pow(2, retryAttempt)), in 50 ms units.
      const delayMs = this.unitMs * 2 ** retryAttempt;
      // Keep the failure in the job's history (with its error details) before the retry.
      context.replaced.push({ name: 'Failed', reason: failed.reason, data: failed.data });
      // context.SetRetryAttempt(retryAttempt + 1); context.CandidateState = new ScheduledState(delay);
      context.candidate = {
        to: { name: 'Scheduled', runAt: new Date(Date.now() + delayMs), retryCount: retryAttempt + 1 },
        reason: `Detection retry ${retryAttempt + 1} of ${this.maxRetries} in ${delayMs} ms`,
        data: { retryAttempt: retryAttempt + 1, delayMs },
      };
    }
    // Otherwise the Failed candidate stands: the job ends Failed.
  }
}

// ---------------------------------------------------------------------------
// Job scheduling and monitoring
// ---------------------------------------------------------------------------

interface ScheduledRun {
  readonly jobId: JobId;
  readonly cleanupJobId: JobId;
}

@injectable()
class DetectionJobManager {
  constructor(
    @inject(JOB_CLIENT) private readonly backgroundJobClient: BackgroundJobClient,
    @inject(JOB_ENGINE) private readonly engine: JobEngine,
    @inject(DetectionRunService) private readonly detectionRunService: DetectionRunService,
  ) {}

  scheduleDetectionRun(detectionRunDTO: DetectionRunDTO): ResultAsync<ScheduledRun, JobError> {
    return (
      this.backgroundJobClient
        // BackgroundJob.Schedule(() => StartDetectionRun(dto), delay), on the "detection" queue.
        // The seed adds the job metadata afterwards, on a connection; here it is
        // stored with the job, in the same statement (client.setParameter(jobId,
        // name, value) exists for later changes).
        .schedule(new StartDetectionRun(detectionRunDTO), SCHEDULE_DELAY_MS, {
          queue: 'detection',
          parameters: { detectionRunId: detectionRunDTO.id, priority: 'high' },
        })
        // BackgroundJob.ContinueJobWith(jobId, () => CleanupDetectionResources(dto.Id)).
        // Hangfire's default releases a continuation only when its parent succeeds;
        // resources must be cleaned up after a failed run too, hence on: 'finished'.
        .andThen((jobId) =>
          this.backgroundJobClient
            .continueWith(jobId, new CleanupDetectionResources(detectionRunDTO.id), { on: 'finished' })
            .map((cleanupJobId) => ({ jobId, cleanupJobId })),
        )
    );
  }

  /** Reads the job and acts on its state; resolves with the state it saw. */
  monitorDetectionJob(jobId: JobId): ResultAsync<string, JobError> {
    return this.engine.monitoring.jobDetails(jobId).map((job) => {
      switch (job.state) {
        case 'Processing':
          this.handleProcessingState(job);
          break;
        case 'Failed':
          this.handleFailedState(job);
          break;
        case 'Succeeded':
          this.handleSucceededState(job);
          break;
        default:
          console.log(`  monitor: job ${job.id} is ${job.state}`);
      }
      return job.state;
    });
  }

  private handleProcessingState(job: JobView): void {
    console.log(`  monitor: job ${job.id} is Processing (retry ${job.retryCount})`);
  }

  private handleSucceededState(job: JobView): void {
    console.log(`  monitor: job ${job.id} Succeeded after ${job.retryCount} retries: ${JSON.stringify(job.result)}`);
  }

  private handleFailedState(job: JobView): void {
    const detectionRunId = String(job.parameters.detectionRunId);
    // History is newest first, as in Hangfire: the first Failed entry is the latest failure.
    const exception = job.history.find((state) => state.name === 'Failed')?.data;
    // The Failed state's data: errorType, message and stack of what the handler threw.
    const errorType = typeof exception?.errorType === 'string' ? exception.errorType : 'Error';
    const message = typeof exception?.message === 'string' ? exception.message : '(no details)';
    console.log(`  monitor: job ${job.id} Failed: detection run ${detectionRunId}, ${errorType}: ${message}`);
    this.detectionRunService.handleFailedRun(detectionRunId, exception);
  }
}

// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  // services.AddHangfire(...UsePostgreSqlStorage(...)): the storage options that
  // have an equivalent. (QueuePollInterval is only the backstop: LISTEN/NOTIFY
  // wakes the workers at once. CountersAggregateInterval, DashboardJobListLimit,
  // TransactionTimeout and the serializer settings have none.)
  const connectionString = process.env.ConnectionStrings__HangfireConnection;
  const options = expectOk(
    resolveOptions({
      ...(connectionString ? { StorageTypeName: 'PostgreSql', StorageConnectionString: connectionString } : { StorageTypeName: 'Embedded' }),
      QueuePollInterval: '15s',
      JobExpirationCheckInterval: '1h',
      PrepareSchemaIfNecessary: true,
      SchemaName: 'hangfire',
      ShutdownTimeout: '5s',
    }),
    'resolveOptions',
  );
  const { storage } = expectOk(await openStorage(storageOptionsFrom(options)), 'openStorage');
  let server: JobServer | undefined;
  try {
    const container = new Container();
    container.bind(DetectionRunService).toSelf().inSingletonScope();
    container.bind(DetectionJobManager).toSelf();
    expectOk(
      configureJobServices(container, {
        options,
        storage,
        handlers: [StartDetectionRunHandler, CleanupDetectionResourcesHandler],
        // The built-in automatic retry (Hangfire's AutomaticRetry) is off, so
        // DetectionJobRetryFilter alone decides whether a failed run is retried.
        retry: false,
      }),
      'configureJobServices',
    );
    const engine = container.get(JOB_ENGINE);
    expectOk(engine.filters.add(new DetectionJobRetryFilter(), { for: StartDetectionRun }), 'filters.add');

    // services.AddHangfireServer(options => { ... }).
    server = expectOk(
      registerProcessorAsServer(container, {
        workerCount: availableParallelism() * 2,
        queues: ['detection', 'default'],
        serverName: 'DetectionServer',
      }),
      'registerProcessorAsServer',
    );
    expectOk(await server.start(), 'server.start');
    const servers = expectOk(await engine.monitoring.servers(), 'monitoring.servers');
    const announced = servers.find((s) => s.name === 'DetectionServer');
    assert.ok(announced !== undefined, 'the server announced itself');
    console.log(`Server ${announced.name}: ${announced.workerCount} workers on queues ${announced.queues.join(', ')}`);

    const manager = container.get(DetectionJobManager);
    const service = container.get(DetectionRunService);
    const flaky: DetectionRunDTO = { id: '7d3f0c2e-5b1a-4c8e-9f00-000000000001', model: 'yolo-v8', failingAttempts: 2 };
    const broken: DetectionRunDTO = { id: '7d3f0c2e-5b1a-4c8e-9f00-000000000002', model: 'missing-model', failingAttempts: Number.MAX_SAFE_INTEGER };

    console.log('ScheduleDetectionRun (two runs):');
    const first = expectOk(await manager.scheduleDetectionRun(flaky), 'scheduleDetectionRun');
    const second = expectOk(await manager.scheduleDetectionRun(broken), 'scheduleDetectionRun');
    console.log(`  run ${flaky.id}: job ${first.jobId}, cleanup job ${first.cleanupJobId}`);
    console.log(`  run ${broken.id}: job ${second.jobId}, cleanup job ${second.cleanupJobId}`);
    // Right after scheduling, the run waits for its delay (Scheduled).
    expectOk(await manager.monitorDetectionJob(first.jobId), 'monitorDetectionJob');

    // Watch the two runs as a dashboard refreshes: MonitorDetectionJob on every state change.
    console.log('MonitorDetectionJob on every state change, until both runs finished:');
    const finalStates = await watchUntilFinished(manager, engine, [first.jobId, second.jobId]);
    assert.deepEqual(finalStates, ['Succeeded', 'Failed']);
    // The cleanup continuations follow their parents.
    const watcher = container.get(COMPLETION_WATCHER);
    const cleanups = await ResultAsync.combine([first.cleanupJobId, second.cleanupJobId].map((id) => watcher.waitFor(id, { timeoutMs: 10_000 })));
    assert.deepEqual(expectOk(cleanups, 'waiting for the cleanups'), ['Succeeded', 'Succeeded']);

    // The run that failed twice: two recorded failures, then success; backoff 50 then 100 ms.
    assert.deepEqual(service.attempts.get(flaky.id), [1, 2, 3]);
    const firstView = expectOk(await engine.monitoring.jobDetails(first.jobId), 'jobDetails');
    assert.equal(firstView.queue, 'detection');
    assert.deepEqual(firstView.parameters, { detectionRunId: flaky.id, priority: 'high' });
    assert.deepEqual(firstView.result, { detections: 42 });
    console.log(`History of job ${first.jobId}: ${describeHistory(firstView)}`);
    assert.equal(firstView.history.filter((state) => state.name === 'Failed').length, 2);
    assert.deepEqual(retryDelays(firstView), [50, 100]);

    // The run that always fails: 1 attempt + 3 retries (50, 100, 200 ms), then Failed for good.
    assert.deepEqual(service.attempts.get(broken.id), [1, 2, 3, 4]);
    const secondView = expectOk(await engine.monitoring.jobDetails(second.jobId), 'jobDetails');
    console.log(`History of job ${second.jobId}: ${describeHistory(secondView)}`);
    assert.equal(secondView.history.filter((state) => state.name === 'Failed').length, 4);
    assert.deepEqual(retryDelays(secondView), [50, 100, 200]);
    assert.equal(secondView.retryCount, 3);

    // HandleFailedState saw the run id (a job parameter) and the exception (the history).
    assert.equal(service.failedRuns.length, 1);
    assert.equal(service.failedRuns[0]?.id, broken.id);
    assert.equal(service.failedRuns[0]?.exception?.message, 'GPU node unavailable for model missing-model');

    // The cleanup continuations ran after their parents finished.
    assert.deepEqual([...service.cleanedUp].sort(), [flaky.id, broken.id].sort());
    for (const run of [first, second]) {
      const parent = expectOk(await engine.monitoring.jobDetails(run.jobId), 'jobDetails');
      const cleanup = expectOk(await engine.monitoring.jobDetails(run.cleanupJobId), 'jobDetails');
      const cleanupStarted = cleanup.history.find((state) => state.name === 'Processing')?.createdAt;
      assert.ok(cleanupStarted !== undefined && cleanupStarted >= parent.stateChangedAt, `the cleanup of ${run.jobId} ran after it finished`);
    }
    console.log('Checked: run 1 succeeded on its third attempt, run 2 failed after 3 retries, both cleaned up.');
  } finally {
    await shutDown(server, storage);
  }
}

/**
 * Polls the jobs' states (every 20 ms, at most 20 s) and calls
 * monitorDetectionJob whenever one changed, until every job is in a final
 * state; resolves with those final states.
 */
async function watchUntilFinished(manager: DetectionJobManager, engine: JobEngine, jobIds: readonly JobId[]): Promise<string[]> {
  const seen = new Map<JobId, string>();
  const isFinal = (state: string | undefined) => state === 'Succeeded' || state === 'Failed' || state === 'Deleted';
  const deadline = Date.now() + 20_000;
  while (!jobIds.every((id) => isFinal(seen.get(id)))) {
    assert.ok(Date.now() < deadline, 'the detection runs did not finish within 20 s');
    for (const id of jobIds.filter((jobId) => !isFinal(seen.get(jobId)))) {
      const current = expectOk(await engine.monitoring.jobDetails(id), 'jobDetails').state;
      if (current !== seen.get(id)) seen.set(id, expectOk(await manager.monitorDetectionJob(id), 'monitorDetectionJob'));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return jobIds.map((id) => seen.get(id) ?? '');
}

/** The state names of a job, oldest first, with the retry delays the filter chose. */
function describeHistory(job: JobView): string {
  return [...job.history]
    .reverse()
    .map((state) => (state.name === 'Scheduled' && typeof state.data?.delayMs === 'number' ? `Scheduled(+${state.data.delayMs} ms)` : state.name))
    .join(' -> ');
}

/** The delays of the retries the filter scheduled, oldest first. */
function retryDelays(job: JobView): unknown[] {
  return [...job.history]
    .reverse()
    .filter((state) => state.name === 'Scheduled' && state.data?.delayMs !== undefined)
    .map((state) => state.data?.delayMs);
}

await runSample(main);
