/**
 * The .NET README (seed 000), step by step, in TypeScript.
 *
 *   npx tsx samples/dotnet-readme/main.ts
 *
 * 1. appsettings.json, section "HangFireOptions"        -> loadConfiguration()
 * 2. services.ConfigureHangFireServices(configuration)  -> configureJobServices(container, ...)
 *    services.RegisterProcessorAsServer(configuration)  -> registerProcessorAsServer(container)
 * 3. MediatR's Enqueue / EnqueueAwait, returning IResult -> mediator.enqueue / enqueueAwait,
 *    returning a neverthrow Result: nothing throws, a failed job is an Err value
 * 4. IDispatcherService: dispatch a method call of a service
 * 5. IJobExecutionService: GetLastSuccessfulRun, GetJobResultReturnedItems, GetJobResultReturnedItem
 * 6. app.UseCustomHangFireDashboard("/hangfire", ...)   -> not built yet
 *
 * Runs on the embedded database (no setup), checks its own output with
 * node:assert and exits 0; a broken library makes it exit 1.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Container, inject, injectable } from 'inversify';
import { expectOk, runSample, shutDown } from '../sample-support.js';
import {
  COMPLETION_WATCHER,
  DISPATCHER_SERVICE,
  JOB_EXECUTION_SERVICE,
  JOB_MEDIATOR,
  Request,
  configureJobServices,
  formatConfigError,
  handles,
  loadConfiguration,
  openStorage,
  registerProcessorAsServer,
  requestTypeNameOf,
  storageOptionsFrom,
  type JobId,
  type JobServer,
} from '../../src/index.js';

// ---------------------------------------------------------------------------
// Requests and handlers: the MediatR side. A job is a request; a server runs
// it through the same handler (and pipeline) as mediator.send would.
// ---------------------------------------------------------------------------

interface Meeting {
  title: string;
  startsAt: Date;
}

/** A request with a typed response. */
class ScheduleMeeting extends Request<Meeting> {
  // The name the job is stored under: give long-lived requests a stable one
  // (class names change with refactoring and minification).
  static readonly requestTypeName = 'Calendar.ScheduleMeeting';
  constructor(readonly title: string, readonly inDays: number) {
    super();
  }
}

@handles(ScheduleMeeting)
class ScheduleMeetingHandler {
  handle(request: ScheduleMeeting): Meeting {
    return { title: request.title, startsAt: new Date(Date.UTC(2030, 0, 1 + request.inDays, 9)) };
  }
}

/** A request without a response, for fire-and-forget `enqueue`. */
class RebuildSearchIndex extends Request<void> {
  constructor(readonly index: string) {
    super();
  }
}

@handles(RebuildSearchIndex)
class RebuildSearchIndexHandler {
  handle(): void {
    // Pretend to rebuild it.
  }
}

/** A request whose handler always throws. */
class ImportLedger extends Request<number> {
  constructor(readonly file: string) {
    super();
  }
}

@handles(ImportLedger)
class ImportLedgerHandler {
  handle(request: ImportLedger): number {
    throw new Error(`ledger file ${request.file} not found`);
  }
}

interface Invoice {
  number: string;
  dueOn: Date;
  amount: number;
}

/** A request whose response is a list (for GetJobResultReturnedItems). */
class ListOverdueInvoices extends Request<Invoice[]> {
  constructor(readonly customer: string) {
    super();
  }
}

@handles(ListOverdueInvoices)
class ListOverdueInvoicesHandler {
  handle(request: ListOverdueInvoices): Invoice[] {
    return [
      { number: `${request.customer}-001`, dueOn: new Date(Date.UTC(2030, 1, 1)), amount: 120 },
      { number: `${request.customer}-002`, dueOn: new Date(Date.UTC(2030, 2, 1)), amount: 80.5 },
    ];
  }
}

// ---------------------------------------------------------------------------
// A job service for IDispatcherService: its method calls run as jobs, on an
// instance the worker resolves from the container (constructor injection).
// ---------------------------------------------------------------------------

const OUTBOX = Symbol('Outbox');

@injectable()
class EmailSender {
  constructor(@inject(OUTBOX) private readonly outbox: string[]) {}

  send(userId: number, text: string): string {
    this.outbox.push(`to user ${userId}: ${text}`);
    return `sent "${text}" to user ${userId}`;
  }
}

// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  // 1. appsettings.json next to this file, section "HangFireOptions" (plus
  //    appsettings.{NODE_ENV}.json and HangFireOptions__* environment variables).
  const basePath = import.meta.dirname;
  const options = expectOk(loadConfiguration({ basePath }), 'loadConfiguration');
  console.log(
    `1. appsettings.json (HangFireOptions): ${options.storage.type} storage, HeartbeatInterval ${options.heartbeatIntervalMs} ms, ` +
      `ServerCheckInterval ${options.serverCheckIntervalMs} ms, ${options.workerCount} workers`,
  );
  // The seed also allows "MsSql": here it is an error value naming the supported types.
  const msSql = loadConfiguration({ basePath, overrides: { StorageTypeName: 'MsSql' } });
  assert.ok(msSql.isErr(), 'StorageTypeName "MsSql" must be refused');
  console.log(`   StorageTypeName "MsSql" -> ${formatConfigError(msSql.error)}`);

  const { storage } = expectOk(await openStorage(storageOptionsFrom(options)), 'openStorage');
  let server: JobServer | undefined;
  try {
    // 2. ConfigureHangFireServices + RegisterProcessorAsServer.
    const container = new Container();
    const outbox: string[] = [];
    container.bind(OUTBOX).toConstantValue(outbox);
    expectOk(
      configureJobServices(container, {
        options,
        storage,
        handlers: [ScheduleMeetingHandler, RebuildSearchIndexHandler, ImportLedgerHandler, ListOverdueInvoicesHandler],
        services: [EmailSender],
        // Hangfire retries a failed job 10 times over hours; one quick retry here,
        // so the failing request below settles in a moment.
        retry: { defaults: { attempts: 1, delaysMs: [100] } },
      }),
      'configureJobServices',
    );
    server = expectOk(registerProcessorAsServer(container), 'registerProcessorAsServer');
    expectOk(await server.start(), 'server.start');
    console.log(`2. configureJobServices + registerProcessorAsServer: server ${server.name} started`);

    const watcher = container.get(COMPLETION_WATCHER);
    const waitUntilFinished = async (jobId: JobId): Promise<void> => {
      const state = expectOk(await watcher.waitFor(jobId, { timeoutMs: 15_000 }), `waiting for job ${jobId}`);
      assert.equal(state, 'Succeeded', `job ${jobId}`);
    };

    // 3. The mediator's job extensions. JOB_MEDIATOR is the IMediator with
    //    enqueue/enqueueAwait (MEDIATOR resolves to the same object).
    const mediator = container.get(JOB_MEDIATOR);
    console.log('3. The mediator, out of process:');

    // Enqueue: store the request as a job, get its id back; any server runs it.
    const indexJob = expectOk(await mediator.enqueue(new RebuildSearchIndex('products')), 'enqueue');
    console.log(`   mediator.enqueue(new RebuildSearchIndex('products')) -> job ${indexJob}`);
    await waitUntilFinished(indexJob);

    // EnqueueAwait: the same, then the handler's typed response once a server ran it.
    const meeting = expectOk(await mediator.enqueueAwait(new ScheduleMeeting('Kick-off', 3)), 'enqueueAwait');
    assert.ok(meeting.startsAt instanceof Date, 'the Date survives the trip through the database');
    assert.equal(meeting.startsAt.toISOString(), '2030-01-04T09:00:00.000Z');
    console.log(`   mediator.enqueueAwait(new ScheduleMeeting('Kick-off', 3)) -> Ok: "${meeting.title}" starts ${meeting.startsAt.toISOString()} (a Date)`);

    // A failing job is an Err value, after its retries: no exception to catch.
    const imported = await mediator.enqueueAwait(new ImportLedger('q1.csv'));
    const importedText = imported.match(
      (rows) => `Ok: ${rows} rows`,
      (error) => (error.kind === 'JobFailed' ? `Err: JobFailed (job ${error.jobId}): ${error.error.errorType}: ${error.error.message}` : `Err: ${error.kind}: ${error.message}`),
    );
    console.log(`   mediator.enqueueAwait(new ImportLedger('q1.csv')) -> ${importedText}`);
    assert.ok(imported.isErr() && imported.error.kind === 'JobFailed', 'the failing request is Err({ kind: "JobFailed" })');
    assert.match(importedText, /JobFailed \(job \d+\): Error: ledger file q1.csv not found/);

    // 4. IDispatcherService: a method call, recorded (not run) here and run by a
    //    worker on an EmailSender built by the container.
    const dispatcher = container.get(DISPATCHER_SERVICE);
    const emailJob = expectOk(await dispatcher.dispatch(EmailSender, (s) => s.send(13, 'Hello')), 'dispatch');
    await waitUntilFinished(emailJob);
    assert.deepEqual(outbox, ['to user 13: Hello']);
    console.log(`4. dispatcher.dispatch(EmailSender, (s) => s.send(13, 'Hello')) -> job ${emailJob}; the worker's EmailSender wrote: ${outbox.join('; ')}`);

    // 5. IJobExecutionService.
    const executions = container.get(JOB_EXECUTION_SERVICE);
    console.log('5. The job execution service:');
    const typeName = requestTypeNameOf(ScheduleMeeting);
    const lastRun = expectOk(await executions.getLastSuccessfulRun(typeName), 'getLastSuccessfulRun');
    assert.ok(lastRun instanceof Date, `${typeName} ran successfully, so it has a last run`);
    console.log(`   getLastSuccessfulRun('${typeName}') -> ${lastRun.toISOString()}`);
    const neverRan = expectOk(await executions.getLastSuccessfulRun('Reports.Nightly'), 'getLastSuccessfulRun');
    assert.equal(neverRan, null);
    console.log(`   getLastSuccessfulRun('Reports.Nightly') -> ${String(neverRan)} (it never ran)`);

    const invoicesJob = expectOk(await mediator.enqueue(new ListOverdueInvoices('ACME')), 'enqueue');
    await waitUntilFinished(invoicesJob);
    const invoices = expectOk(await executions.getJobResultReturnedItems<Invoice>(invoicesJob), 'getJobResultReturnedItems');
    assert.deepEqual(invoices.map((invoice) => invoice.number), ['ACME-001', 'ACME-002']);
    assert.ok(invoices.every((invoice) => invoice.dueOn instanceof Date));
    console.log(
      `   getJobResultReturnedItems(${invoicesJob}) -> ${invoices.length} items: ` +
        invoices.map((invoice) => `${invoice.number} due ${invoice.dueOn.toISOString().slice(0, 10)}`).join(', '),
    );
    const sent = expectOk(await executions.getJobResultReturnedItem<string>(emailJob), 'getJobResultReturnedItem');
    assert.equal(sent, 'sent "Hello" to user 13');
    console.log(`   getJobResultReturnedItem(${emailJob}) -> ${JSON.stringify(sent)}`);

    // 6. The dashboard.
    console.log(
      `6. The dashboard (app.UseCustomHangFireDashboard("/hangfire", filters)) is not built yet; DashboardPath is ${options.dashboardPath}. ` +
        'Meanwhile the monitoring API (container.get(JOB_ENGINE).monitoring) reads the same data.',
    );
  } finally {
    await shutDown(server, storage);
  }
}

await runSample(main);
