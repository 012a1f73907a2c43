/**
 * `npm start`: what mediator-jobs does today, on the embedded database.
 *
 * 1. Loads samples/appsettings.json (plus any MediatorJobs__* environment variables).
 * 2. Sends requests through the mediator with a logging behaviour, and publishes a notification.
 * 3. Opens the embedded storage, enqueues jobs into two queues, and drains them
 *    the way the job server's workers will: fetch under a lease, complete in one batch.
 *
 * The job server, mediator.enqueue/enqueueAwait and the dashboard are the next
 * steps (docs/ARCHITECTURE.md); this demo grows with them.
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import {
  Notification,
  Request,
  configureJobServices,
  displayNameOf,
  formatConfigError,
  formatMediatorError,
  formatStorageError,
  handles,
  handlesNotification,
  loadConfiguration,
  openStorage,
  storageOptionsFrom,
  type BehaviorFunction,
} from '../src/index.js';

class CalculateInvoice extends Request<{ customer: string; total: number }> {
  constructor(readonly customer: string, readonly lines: number[]) {
    super();
  }
  override toString(): string {
    return `Invoice for ${this.customer}`;
  }
}

class InvoiceSent extends Notification {
  constructor(readonly customer: string) {
    super();
  }
}

@handles(CalculateInvoice)
class CalculateInvoiceHandler {
  handle(request: CalculateInvoice) {
    if (request.lines.length === 0) throw new Error(`no invoice lines for ${request.customer}`);
    return { customer: request.customer, total: request.lines.reduce((sum, line) => sum + line, 0) };
  }
}

@handlesNotification(InvoiceSent)
class AuditLog {
  handle(notification: InvoiceSent) {
    console.log(`  audit: invoice sent to ${notification.customer}`);
  }
}

const timing: BehaviorFunction = async (request, next, context) => {
  const started = performance.now();
  const result = await next();
  console.log(`  ${context.requestType} (${displayNameOf(request)}) took ${(performance.now() - started).toFixed(2)} ms: ${result.isOk() ? 'ok' : 'failed'}`);
  return result;
};

async function main(): Promise<number> {
  const options = loadConfiguration({ basePath: import.meta.dirname });
  if (options.isErr()) {
    console.error(`Configuration: ${formatConfigError(options.error)}`);
    return 1;
  }
  console.log(`Configuration: ${options.value.storage.type} storage, queues ${options.value.queues.join(', ')}, ${options.value.workerCount} workers`);

  const mediator = configureJobServices(new Container(), { options: options.value, handlers: [CalculateInvoiceHandler], notificationHandlers: [AuditLog], behaviors: [timing] });
  if (mediator.isErr()) {
    console.error(`Registration: ${mediator.error.message}`);
    return 1;
  }

  console.log('\nMediator:');
  const invoice = await mediator.value.send(new CalculateInvoice('Ada', [120, 80]));
  console.log(`  -> ${invoice.match((value) => `total ${value.total}`, formatMediatorError)}`);
  const broken = await mediator.value.send(new CalculateInvoice('Bob', []));
  console.log(`  -> ${broken.match((value) => `total ${value.total}`, formatMediatorError)} (a throwing handler is an error value, not a crash)`);
  const published = await mediator.value.publish(new InvoiceSent('Ada'));
  if (published.isErr()) console.error(`  publish failed: ${formatMediatorError(published.error)}`);

  console.log('\nStorage:');
  const opened = await openStorage(storageOptionsFrom(options.value));
  if (opened.isErr()) {
    console.error(`  ${formatStorageError(opened.error)}`);
    return 1;
  }
  const { storage, migration } = opened.value;
  console.log(`  embedded database ready, schema version ${migration.version} (migrations applied: ${migration.applied.join(', ') || 'none'})`);
  const customers = ['Ada', 'Grace', 'Edsger', 'Barbara', 'Donald'];
  const created = await storage.createJobs(
    customers.map((customer, index) => {
      const request = new CalculateInvoice(customer, [index * 10 + 5]);
      return {
        queue: index === 3 ? 'critical' : 'default',
        state: { name: 'Enqueued' as const },
        typeName: 'CalculateInvoice',
        payload: { customer, lines: request.lines },
        displayName: displayNameOf(request),
        parameters: { requestedBy: 'demo' },
      };
    }),
  );
  if (created.isErr()) return fail(formatStorageError(created.error));
  console.log(`  enqueued ${created.value.length} jobs in one statement: ids ${created.value.join(', ')}`);

  const fetched = await storage.fetchJobs({ queues: options.value.queues, limit: 10, owner: 'demo-server', leaseMs: options.value.invisibilityTimeoutMs });
  if (fetched.isErr()) return fail(formatStorageError(fetched.error));
  const jobs = fetched.value.flatMap((outcome) => (outcome.isOk() ? [outcome.value] : []));
  console.log(`  fetched in queue order: ${jobs.map((job) => `${job.displayName ?? job.typeName} [${job.queue}]`).join(', ')}`);

  const outcomes = await Promise.all(
    jobs.map(async (job) => {
      const payload = job.payload as { customer: string; lines: number[] };
      const response = await mediator.value.send(new CalculateInvoice(payload.customer, payload.lines), { job: { jobId: job.id, attempt: job.fetchCount, queue: job.queue } });
      return { job, response };
    }),
  );
  const completed = await storage.changeStates(
    outcomes.map(({ job, response }) => ({
      jobId: job.id,
      from: ['Processing'],
      lease: job.lease,
      to: response.isOk() ? { name: 'Succeeded' as const, result: JSON.stringify(response.value) } : { name: 'Failed' as const },
      reason: response.isOk() ? 'Handler returned a response' : formatMediatorError(response.error),
    })),
  );
  if (completed.isErr()) return fail(formatStorageError(completed.error));
  console.log(`  completed ${completed.value.filter(Boolean).length} jobs in one statement`);

  const counts = await storage.stateCounts();
  if (counts.isErr()) return fail(formatStorageError(counts.error));
  console.log(`  states now: ${Object.entries(counts.value).filter(([, count]) => count > 0).map(([state, count]) => `${state} ${count}`).join(', ')}`);
  const firstId = created.value[0];
  if (firstId !== undefined) {
    const details = await storage.jobDetails(firstId);
    if (details.isOk() && details.value !== undefined) {
      console.log(`  job ${firstId} history (newest first): ${details.value.history.map((entry) => entry.name).join(' <- ')}; result ${details.value.resultText ?? '-'}`);
    }
  }
  const closed = await storage.close();
  if (closed.isErr()) return fail(formatStorageError(closed.error));
  console.log('\nNext: the job server, mediator.enqueue/enqueueAwait and the dashboard (see docs/ARCHITECTURE.md).');
  return 0;
}

function fail(message: string): number {
  console.error(`  ${message}`);
  return 1;
}

process.exitCode = await main();
