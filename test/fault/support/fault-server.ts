/**
 * One job server in its own process, for the fault suite. It runs the fault
 * jobs, records every execution in `fault_runs` before the handler acts, and
 * prints `ready` once it is serving. Argument: a JSON {@link FaultServerConfig}.
 * Warnings and errors of the engine go to stderr, which the parent keeps.
 */
import { err } from 'neverthrow';
import { resolveOptions, type JobSettingsInput } from '../../../src/config/index.js';
import { JobEngine } from '../../../src/engine/job-engine.js';
import type { AutomaticRetryOptions } from '../../../src/filters/automatic-retry.js';
import { Mediator, MediatorRegistry, constructingResolver, type HandlerContext } from '../../../src/mediator/index.js';
import { openStorage } from '../../../src/storage/open-storage.js';
import { FailingJob, FaultJob, FaultTick, HANDLER_EXIT_CODE, type FailureKind } from './fault-requests.js';
import { RunRecorder } from './run-log.js';

export interface FaultServerConfig {
  /** Connection string of the engine (its application_name names this instance). */
  readonly url: string;
  /** Connection string of the evidence recorder. */
  readonly evidenceUrl: string;
  readonly schema: string;
  readonly instance: string;
  readonly settings: JobSettingsInput;
  readonly retry: AutomaticRetryOptions;
}

const config = JSON.parse(process.argv[2] ?? '{}') as FaultServerConfig;
const log = (level: string) => (message: string) => process.stderr.write(`[${config.instance}] ${level} ${message}\n`);
const logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: log('WARN'), error: log('ERROR'), fatal: log('FATAL') };
const recorder = new RunRecorder(config.evidenceUrl, config.schema, config.instance);

const opened = await openStorage({ type: 'PostgreSql', connectionString: config.url, schemaName: config.schema, onWarning: (message) => logger.warn(message) });
if (opened.isErr()) {
  process.stderr.write(`[${config.instance}] cannot open storage: ${JSON.stringify(opened.error)}\n`);
  process.exit(1);
}
const storage = opened.value.storage;
const registry = new MediatorRegistry();

/** Records the start, runs `body`, records the finish. */
async function recorded<T>(key: string, context: HandlerContext, body: (earlierRuns: number) => Promise<T> | T): Promise<T> {
  const job = context.job!;
  const { runId, earlierRuns } = await recorder.started(key, job.jobId, job.attempt);
  const value = await body(earlierRuns);
  await recorder.finished(runId);
  return value;
}

registry.addHandler(FaultJob, {
  handle: (request: FaultJob, context: HandlerContext) =>
    recorded(request.key, context, async (earlierRuns) => {
      if (request.kind === 'exit' && earlierRuns === 0) process.exit(HANDLER_EXIT_CODE);
      // Atomics.wait blocks the whole thread: no timer, no heartbeat, no lease renewal runs meanwhile.
      if (request.kind === 'block' && earlierRuns === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, request.ms);
      else await new Promise((resolve) => setTimeout(resolve, request.ms));
      return request.key;
    }),
})._unsafeUnwrap();

registry.addHandler(FailingJob, {
  handle: (request: FailingJob, context: HandlerContext) => recorded(request.key, context, () => fail(request.kind)),
})._unsafeUnwrap();

registry.addHandler(FaultTick, {
  handle: (_request: FaultTick, context: HandlerContext) => recorded(`tick:${context.job!.jobId}`, context, () => 'tick'),
})._unsafeUnwrap();

// Throwing non-Error values is the point of these jobs.
/* eslint-disable @typescript-eslint/only-throw-error */
function fail(kind: FailureKind) {
  switch (kind) {
    case 'throw-string':
      throw 'thrown as a string';
    case 'throw-undefined':
      throw undefined;
    case 'throw-object':
      throw { code: 'E_FAULT', detail: 'thrown as a plain object' };
    case 'throw-symbol':
      throw Symbol('thrown as a symbol');
    case 'return-err':
      return err({ kind: 'FaultRefused' as const, message: 'refused on purpose' });
  }
}
/* eslint-enable @typescript-eslint/only-throw-error */

const options = resolveOptions({ ...config.settings, ServerName: config.instance })._unsafeUnwrap();
const engine = new JobEngine({ storage, mediator: new Mediator(registry, constructingResolver), registry, resolver: constructingResolver, options, logger, retry: config.retry });
const started = await engine.createServer().start();
if (started.isErr()) {
  process.stderr.write(`[${config.instance}] cannot start: ${JSON.stringify(started.error)}\n`);
  process.exit(1);
}
process.stdout.write('ready\n');
