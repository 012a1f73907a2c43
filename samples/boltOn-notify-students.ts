/**
 * BoltOn's Hangfire page (seed 001) in TypeScript: a request without a
 * response and its handler, run as a recurring job every minute and as a
 * one-time scheduled job.
 *
 *   npx tsx samples/boltOn-notify-students.ts
 *
 * Seed                                           here
 * o.BoltOnHangfireModule()                       configureJobServices(container, { handlers })
 * GlobalConfiguration...UseSqlServerStorage(cs)  openStorage(): the embedded database (PostgreSQL
 *                                                with StorageConnectionString in production)
 * RecurringJob.AddOrUpdate<AppHangfireJobProcessor>("StudentsNotifier", p => p.ProcessAsync(
 *     new NotifyStudentsRequest { JobType = "Recurring" }, default), Cron.Minutely())
 *                                                engine.recurring.addOrUpdate('StudentsNotifier', request, Cron.Minutely())
 * BackgroundJob.Schedule<AppHangfireJobProcessor>(p => p.ProcessAsync(
 *     new NotifyStudentsRequest { JobType = "OneTime" }, default), TimeSpan.FromSeconds(30))
 *                                                client.schedule(request, 300)  (300 ms, not 30 s)
 * IHandler<NotifyStudentsRequest>                a class marked @handles(NotifyStudentsRequest)
 * IAppLogger<NotifyStudentsHandler> injected     a Logger injected with @inject(APP_LOGGER)
 * ToString() shown on the Hangfire Dashboard     the job's displayName (monitoring API)
 *
 * Runs on the embedded database (no setup), checks its own output with
 * node:assert and exits 0; a broken library makes it exit 1.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Container, inject, injectable } from 'inversify';
import { expectOk, runSample, shutDown } from './sample-support.js';
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
  type JobId,
  type JobServer,
  type LogFields,
  type Logger,
  type RequestHandler,
} from '../src/index.js';

/** Hangfire's Cron helper, for the one expression this sample needs. */
const Cron = {
  /** Every minute, at second 0. */
  Minutely: (): string => '* * * * *',
};

// ---------------------------------------------------------------------------
// Request and handler (the seed's "Request and Handler" section)
// ---------------------------------------------------------------------------

/** A request without a response (BoltOn's IRequest): Request<void>. */
class NotifyStudentsRequest extends Request<void> {
  constructor(readonly JobType: string) {
    super();
  }

  // "Override ToString() of the request object for a descriptive name to be
  // displayed on the Hangfire Dashboard": it becomes the job's display name.
  override toString(): string {
    return 'Student Notifier ' + this.JobType;
  }
}

/** IAppLogger<T>: any object with the six Logger methods; bound in the container. */
const APP_LOGGER = Symbol('IAppLogger');

@injectable()
@handles(NotifyStudentsRequest)
class NotifyStudentsHandler implements RequestHandler<NotifyStudentsRequest> {
  // tsx emits no decorator metadata: constructor parameters say what to inject.
  constructor(@inject(APP_LOGGER) private readonly logger: Logger) {}

  handle(request: NotifyStudentsRequest): void {
    this.logger.debug(`Notifying students. JobType: ${request.JobType}`);
  }
}

/** A console logger for the application that also remembers its lines, so the sample can check them. */
class AppLogger implements Logger {
  readonly lines: string[] = [];
  constructor(private readonly category: string) {}
  trace(message: string, fields?: LogFields): void {
    this.write('trace', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }
  fatal(message: string, fields?: LogFields): void {
    this.write('fatal', message, fields);
  }
  private write(level: string, message: string, fields: LogFields | undefined): void {
    this.lines.push(message);
    console.log(`  [${level}] ${this.category}: ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}`);
  }
}

// ---------------------------------------------------------------------------
// While bootstrapping the application
// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  // Hangfire configuration. The seed uses SQL Server; here the embedded
  // database (PostgreSQL in this process). In production:
  // resolveOptions({ StorageTypeName: 'PostgreSql', StorageConnectionString: '...' }).
  const options = expectOk(resolveOptions({ StorageTypeName: 'Embedded', WorkerCount: 2, ShutdownTimeout: '5s' }), 'resolveOptions');
  const { storage } = expectOk(await openStorage(storageOptionsFrom(options)), 'openStorage');
  let server: JobServer | undefined;
  try {
    // BoltOnHangfireModule(): the mediator, the handler and the job engine in one container.
    const container = new Container();
    const logger = new AppLogger('NotifyStudentsHandler');
    container.bind(APP_LOGGER).toConstantValue(logger);
    expectOk(configureJobServices(container, { options, storage, handlers: [NotifyStudentsHandler] }), 'configureJobServices');
    // This process also runs the jobs (and the recurring scheduler).
    server = expectOk(registerProcessorAsServer(container), 'registerProcessorAsServer');
    expectOk(await server.start(), 'server.start');

    const engine = container.get(JOB_ENGINE);
    const client = container.get(JOB_CLIENT);
    const watcher = container.get(COMPLETION_WATCHER);

    // A job to be executed every minute.
    expectOk(await engine.recurring.addOrUpdate('StudentsNotifier', new NotifyStudentsRequest('Recurring'), Cron.Minutely()), 'recurring.addOrUpdate');
    const definition = expectOk(await engine.monitoring.recurringJobs(), 'monitoring.recurringJobs').find((job) => job.id === 'StudentsNotifier');
    assert.ok(definition?.nextExecutionAt !== undefined, 'the recurring job is stored with its next tick');
    console.log(`Recurring job "StudentsNotifier" (${definition.cron}, ${definition.timeZone}): "${definition.displayName}", next execution ${definition.nextExecutionAt.toISOString()}`);
    // So the sample need not wait for the next minute: run it now, outside its schedule.
    const recurringRun = expectOk(await engine.recurring.trigger('StudentsNotifier'), 'recurring.trigger');
    console.log(`Triggered "StudentsNotifier" now: job ${recurringRun}`);

    // To schedule a one-time background job (the seed waits 30 s; 300 ms here).
    const scheduledAt = Date.now();
    const oneTime = expectOk(await client.schedule(new NotifyStudentsRequest('OneTime'), 300), 'client.schedule');
    console.log(`Scheduled a one-time job in 300 ms: job ${oneTime}`);

    // Both run on the server; wait until they have.
    const waitUntilSucceeded = async (jobId: JobId): Promise<void> => {
      const state = expectOk(await watcher.waitFor(jobId, { timeoutMs: 15_000 }), `waiting for job ${jobId}`);
      assert.equal(state, 'Succeeded', `job ${jobId}`);
    };
    await waitUntilSucceeded(recurringRun);
    await waitUntilSucceeded(oneTime);
    assert.ok(logger.lines.includes('Notifying students. JobType: Recurring'), 'the recurring run reached the handler');
    assert.ok(logger.lines.includes('Notifying students. JobType: OneTime'), 'the one-time job reached the handler');

    // What the dashboard would list: the display names come from toString().
    console.log('The monitoring API (what the dashboard shows):');
    const succeeded = expectOk(await engine.monitoring.jobs('Succeeded'), 'monitoring.jobs');
    for (const job of [...succeeded.items].reverse()) {
      console.log(`  job ${job.id}: ${job.displayName ?? job.typeName} [${job.state}]${job.recurringId === undefined ? '' : ` recurring "${job.recurringId}"`}`);
    }
    const recurringView = expectOk(await engine.monitoring.jobDetails(recurringRun), 'monitoring.jobDetails');
    assert.equal(recurringView.displayName, 'Student Notifier Recurring');
    assert.equal(recurringView.recurringId, 'StudentsNotifier');
    const oneTimeView = expectOk(await engine.monitoring.jobDetails(oneTime), 'monitoring.jobDetails');
    assert.equal(oneTimeView.displayName, 'Student Notifier OneTime');
    const oneTimeHistory = [...oneTimeView.history].reverse();
    assert.deepEqual(oneTimeHistory.map((state) => state.name), ['Scheduled', 'Enqueued', 'Processing', 'Succeeded']);
    const startedAfterMs = (oneTimeHistory[2]?.createdAt.getTime() ?? 0) - scheduledAt;
    assert.ok(startedAfterMs >= 250, `the one-time job waited for its delay (started after ${startedAfterMs} ms)`);
    console.log(`  "${oneTimeView.displayName}": ${oneTimeHistory.map((state) => state.name).join(' -> ')}, started ${startedAfterMs} ms after it was scheduled`);
  } finally {
    await shutDown(server, storage);
  }
}

await runSample(main);
