/**
 * `npm start`: mediator-jobs on the embedded database, end to end.
 *
 * 1. Loads samples/appsettings.json (plus any MediatorJobs__* environment variables).
 * 2. Configures the mediator and the job engine in an inversify container and
 *    registers this process as a job server (the .NET ConfigureHangFireServices /
 *    RegisterProcessorAsServer pair).
 * 3. Sends a request directly, then enqueues jobs: a batch, a delayed job, a
 *    continuation and a job that fails once and is retried; the server runs them
 *    all through the same mediator pipeline. `enqueueAwait` waits for typed
 *    responses of jobs the server ran.
 * 4. Prints what the monitoring API sees and serves the dashboard on
 *    http://127.0.0.1:3000/jobs (PORT to change it) until Ctrl+C; then stops
 *    the server gracefully and exits 0. With --once it checks the dashboard
 *    answers and exits at once (what the test suite runs).
 */
import { createServer, type Server } from 'node:http';
import 'reflect-metadata';
import { Container, inject, injectable } from 'inversify';
import {
  JOB_CLIENT,
  JOB_ENGINE,
  JOB_MEDIATOR,
  Request,
  configureJobServices,
  createDashboard,
  displayNameOf,
  formatConfigError,
  formatMediatorError,
  formatStorageError,
  handles,
  loadConfiguration,
  openStorage,
  registerProcessorAsServer,
  storageOptionsFrom,
  type BehaviorFunction,
  type HandlerContext,
  type JobId,
} from '../src/index.js';

interface Invoice {
  customer: string;
  total: number;
  issuedAt: Date;
}

class CalculateInvoice extends Request<Invoice> {
  constructor(readonly customer: string, readonly lines: number[]) {
    super();
  }
  override toString(): string {
    return `Invoice for ${this.customer}`;
  }
}

class SendInvoice extends Request<string> {
  constructor(readonly customer: string) {
    super();
  }
}

const TAX_RATE = Symbol('tax rate');
const attempts = new Map<string, number>();

@injectable()
@handles(CalculateInvoice)
class CalculateInvoiceHandler {
  constructor(@inject(TAX_RATE) private readonly taxRate: number) {}

  handle(request: CalculateInvoice, context: HandlerContext): Invoice {
    if (request.lines.length === 0) throw new Error(`no invoice lines for ${request.customer}`);
    // The first attempt for "Flaky Ltd" fails, to show automatic retries.
    const attempt = context.job?.attempt ?? 1;
    attempts.set(request.customer, attempt);
    if (request.customer === 'Flaky Ltd' && attempt === 1) throw new Error('the billing service timed out');
    const net = request.lines.reduce((sum, line) => sum + line, 0);
    return { customer: request.customer, total: Math.round(net * (1 + this.taxRate) * 100) / 100, issuedAt: new Date() };
  }
}

@handles(SendInvoice)
class SendInvoiceHandler {
  handle(request: SendInvoice): string {
    return `invoice e-mailed to ${request.customer}`;
  }
}

const timing: BehaviorFunction = async (request, next, context) => {
  const started = performance.now();
  const result = await next();
  const where = context.job === undefined ? 'sent directly' : `job ${context.job.jobId}, attempt ${context.job.attempt}`;
  console.log(`  ${displayNameOf(request)} (${where}): ${result.isOk() ? 'ok' : 'failed'} in ${(performance.now() - started).toFixed(1)} ms`);
  return result;
};

async function main(): Promise<number> {
  const options = loadConfiguration({ basePath: import.meta.dirname });
  if (options.isErr()) return fail(`Configuration: ${formatConfigError(options.error)}`);
  console.log(`Configuration: ${options.value.storage.type} storage, queues ${options.value.queues.join(', ')}, ${options.value.workerCount} workers`);

  const opened = await openStorage(storageOptionsFrom(options.value));
  if (opened.isErr()) return fail(formatStorageError(opened.error));
  const { storage } = opened.value;

  const container = new Container();
  container.bind(TAX_RATE).toConstantValue(0.2);
  const configured = configureJobServices(container, {
    options: options.value,
    storage,
    handlers: [CalculateInvoiceHandler, SendInvoiceHandler],
    behaviors: [timing],
    // Hangfire's default waits 15 s and more before a retry; the demo retries after 200 ms.
    retry: { defaults: { attempts: 3, delaysMs: [200] } },
  });
  if (configured.isErr()) return fail(`Registration: ${configured.error.message}`);
  const server = registerProcessorAsServer(container);
  if (server.isErr()) return fail(server.error.message);
  const started = await server.value.start();
  if (started.isErr()) return fail(started.error.message);
  console.log(`Server ${server.value.name} started`);

  console.log('\nA request sent directly through the mediator:');
  const mediator = container.get(JOB_MEDIATOR);
  const direct = await mediator.send(new CalculateInvoice('Ada', [100, 50]));
  console.log(`  -> ${direct.match((invoice) => `total ${invoice.total}`, formatMediatorError)}`);
  const broken = await mediator.send(new CalculateInvoice('Bob', []));
  console.log(`  -> ${broken.match((invoice) => `total ${invoice.total}`, formatMediatorError)} (a throwing handler is an error value, not a crash)`);

  console.log('\nJobs, run by the server:');
  const client = container.get(JOB_CLIENT);
  const batch = await client.enqueueBatch([
    new CalculateInvoice('Grace', [10, 20]),
    { job: new CalculateInvoice('Edsger', [5]), options: { queue: 'critical' } },
    new CalculateInvoice('Flaky Ltd', [99]),
  ]);
  if (batch.isErr()) return fail(batch.error.message);
  const delayed = await client.schedule(new CalculateInvoice('Barbara', [42]), 300);
  if (delayed.isErr()) return fail(delayed.error.message);
  const followUp = await client.continueWith(delayed.value, new SendInvoice('Barbara'));
  if (followUp.isErr()) return fail(followUp.error.message);
  const ids = [...batch.value, delayed.value, followUp.value];

  console.log('\nAwaiting a response computed by the server (enqueueAwait):');
  const awaited = await mediator.enqueueAwait(new CalculateInvoice('Margaret', [1000]), { timeout: 20_000 });
  if (awaited.isErr()) return fail(`enqueueAwait failed: ${awaited.error.kind}`);
  console.log(`  -> ${awaited.value.customer}: total ${awaited.value.total}, issued ${awaited.value.issuedAt instanceof Date ? 'at a Date' : '?'}`);
  const rejected = await mediator.enqueueAwait(new CalculateInvoice('Nobody', []), { timeout: 20_000 });
  console.log(`  -> ${rejected.match(() => 'unexpected success', (error) => `${error.kind} after its retries`)}`);

  const monitoring = container.get(JOB_ENGINE).monitoring;
  const settled = await waitUntilFinished(ids, async (id) => (await storage.getState(id)).unwrapOr(undefined));
  if (!settled) return fail('jobs did not finish within 20 s');

  console.log('\nWhat the monitoring API shows:');
  for (const id of ids) {
    const view = await monitoring.jobDetails(id);
    if (view.isErr()) return fail(view.error.message);
    const result = view.value.result as Invoice | string | undefined;
    const shown = typeof result === 'object' && result !== null ? `total ${result.total}, issued ${result.issuedAt instanceof Date ? 'at a Date' : '?'}` : String(result);
    console.log(`  job ${id} ${view.value.displayName ?? view.value.typeName} [${view.value.queue}]: ${view.value.state} -> ${shown}`);
  }
  const flaky = await monitoring.jobDetails(batch.value[2]!);
  if (flaky.isOk()) console.log(`  Flaky Ltd history (oldest first): ${[...flaky.value.history].reverse().map((h) => h.name).join(' -> ')}`);
  const stats = await monitoring.statistics();
  if (stats.isOk()) console.log(`  statistics: ${stats.value.Succeeded} succeeded, ${stats.value.Failed} failed, ${stats.value.servers} server(s)`);

  const dashboard = createDashboard(container.get(JOB_ENGINE), { options: options.value });
  if (dashboard.isErr()) return fail(`Dashboard: ${dashboard.error.message}`);
  const handler = dashboard.value;
  const http = createServer((req, res) => handler(req, res));
  const port = await listen(http, process.env.PORT === undefined ? 3000 : Number(process.env.PORT));
  const url = `http://127.0.0.1:${port}${options.value.dashboardPath}`;
  console.log(`\nDashboard: ${url}`);
  if (process.argv.includes('--once')) {
    const page = await fetch(url);
    console.log(`  the dashboard answered ${page.status} (${(await page.text()).includes('mediator-jobs') ? 'overview page' : 'unexpected page'})`);
  } else {
    console.log('  open it in a browser; press Ctrl+C to stop the server and exit');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  }
  await new Promise<void>((resolve) => http.close(() => resolve()));

  const stopped = await server.value.stop();
  if (stopped.isErr()) return fail(stopped.error.message);
  const closed = await storage.close();
  if (closed.isErr()) return fail(formatStorageError(closed.error));
  console.log('\nServer stopped.');
  return 0;
}

/** Polls until every job is in a final state, for at most 20 s (enqueueAwait does this for one job, by notification). */
async function waitUntilFinished(ids: readonly JobId[], stateOf: (id: JobId) => Promise<string | undefined>): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const states = await Promise.all(ids.map(stateOf));
    if (states.every((state) => state === 'Succeeded' || state === 'Failed' || state === 'Deleted')) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Listens on 127.0.0.1 (local only: the dashboard allows only local requests by default); a busy port falls back to a free one. */
function listen(http: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' || port === 0) return reject(error);
      http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port));
    });
    http.listen(port, '127.0.0.1', () => resolve((http.address() as { port: number }).port));
  });
}

function fail(message: string): number {
  console.error(message);
  return 1;
}

process.exitCode = await main();
