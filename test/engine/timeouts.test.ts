/** Job timeouts: a job past its type's limit has its signal aborted and fails as TimedOut; the worker moves on. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Container } from 'inversify';
import { configureJobServices } from '../../src/di/configure-job-services.js';
import { DispatcherService } from '../../src/dispatch/dispatcher-service.js';
import { jobSignal } from '../../src/jobs/job-signal.js';
import { Request, type HandlerContext } from '../../src/mediator/index.js';
import { JobTimeoutElapsed, type JobTimeoutOptions } from '../../src/server/job-timeouts.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { lineFrom } from '../support/child-process.js';
import { testEngine } from './support.js';

/** Waits for its signal, then ends with the signal's reason (a well-behaved long job). */
class Patient extends Request<string> {
  constructor(readonly label: string) {
    super();
  }
}
/** Never settles and ignores its signal. */
class Stubborn extends Request<string> {}
class Quick extends Request<string> {}

/** A job service whose method waits for the signal it is given, and records why it stopped. */
class Exporter {
  static readonly stops: { label: string; reason: unknown }[] = [];
  export(label: string, signal: AbortSignal): Promise<string> {
    return new Promise((_resolve, reject) =>
      signal.addEventListener('abort', () => {
        Exporter.stops.push({ label, reason: signal.reason });
        reject(new Error(`export ${label} stopped`));
      }, { once: true }));
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`job timeouts (${kind})`, () => {
    it('a job past its limit is aborted and Failed as TimedOut, and a handler that ignores its signal does not keep its worker', async () => {
      const reasons: unknown[] = [];
      const e = await testEngine(
        kind,
        (registry) => {
          registry.addHandler(Patient, {
            handle: (_r: Patient, context: HandlerContext) =>
              new Promise<string>((_resolve, reject) => context.signal.addEventListener('abort', () => (reasons.push(context.signal.reason), reject(new Error('aborted', { cause: context.signal.reason }))), { once: true })),
          })._unsafeUnwrap();
          registry.addHandler(Quick, { handle: async () => 'quick' })._unsafeUnwrap();
          registry.addHandler(Stubborn, { handle: () => new Promise<string>(() => undefined) })._unsafeUnwrap();
        },
        { WorkerCount: 1 },
        { retry: { defaults: { attempts: 0 } }, timeouts: { defaultMs: 300, byType: [[Quick, undefined], ['no-such-type', 5]] } },
      );
      try {
        await e.startServer();
        const patient = (await e.engine.client.enqueue(new Patient('p')))._unsafeUnwrap();
        await e.waitForState(patient, 'Failed');
        const details = (await e.engine.monitoring.jobDetails(patient))._unsafeUnwrap();
        assert.match(details.history[0]?.reason ?? '', /did not finish within its timeout of 300 ms/);
        assert.equal(details.error?.data?.errorType ?? details.history[0]?.data?.errorType, 'TimedOut');
        assert.equal(reasons.length, 1, 'the handler heard the abort');
        assert.ok(reasons[0] instanceof JobTimeoutElapsed, `the signal's reason says why: ${String(reasons[0])}`);

        // One worker: a handler that ignores its signal must not keep it.
        const stubborn = (await e.engine.client.enqueue(new Stubborn()))._unsafeUnwrap();
        const quick = (await e.engine.client.enqueue(new Quick()))._unsafeUnwrap();
        await e.waitForState(stubborn, 'Failed');
        await e.waitForState(quick, 'Succeeded');
        assert.deepEqual(e.logger.errors(), [], 'no error logged');
      } finally {
        await e.dispose();
      }
    });

    it('a job service method given jobSignal gets the job\'s own signal: aborted at its timeout and when the job is deleted', async () => {
      Exporter.stops.length = 0;
      const e = await testEngine(kind, () => undefined, { WorkerCount: 2 }, { retry: false, timeouts: { byType: [[Exporter, 300]] } });
      e.engine.services.add(Exporter)._unsafeUnwrap();
      const dispatcher = new DispatcherService(e.engine);
      try {
        await e.startServer();
        const timed = (await dispatcher.dispatch(Exporter, (x) => x.export('timed', jobSignal)))._unsafeUnwrap();
        await e.waitForState(timed, 'Failed');
        const failed = (await e.engine.monitoring.jobDetails(timed))._unsafeUnwrap();
        assert.equal(failed.history[0]?.data?.errorType, 'TimedOut');
        await eventually(async () => (Exporter.stops.some((stop) => stop.label === 'timed') ? true : undefined), 'the method to hear the timeout');
        assert.ok(Exporter.stops.find((stop) => stop.label === 'timed')?.reason instanceof JobTimeoutElapsed, 'the signal says why');

        const deleted = (await dispatcher.dispatch(Exporter, (x) => x.export('deleted', jobSignal)))._unsafeUnwrap();
        await e.waitForState(deleted, 'Processing');
        (await e.engine.client.delete(deleted))._unsafeUnwrap();
        await eventually(async () => (Exporter.stops.some((stop) => stop.label === 'deleted') ? true : undefined), 'the method to hear the delete');
        assert.equal((await e.t.storage.getState(deleted))._unsafeUnwrap(), 'Deleted');
        assert.deepEqual(e.logger.errors(), []);
      } finally {
        await e.dispose();
      }
    });

    it('retries a timed-out job like any failure', async () => {
      let runs = 0;
      const e = await testEngine(
        kind,
        (registry) => {
          registry.addHandler(Patient, {
            handle: (_r: Patient, context: HandlerContext) => {
              runs++;
              if (runs > 1) return Promise.resolve('second run in time');
              return new Promise<string>((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted', { cause: context.signal.reason })), { once: true }));
            },
          })._unsafeUnwrap();
        },
        {},
        { retry: { defaults: { attempts: 1, delaysMs: [0] } }, timeouts: { byType: [[Patient, 200]] } },
      );
      try {
        await e.startServer();
        const id = (await e.engine.client.enqueue(new Patient('r')))._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded');
        const names = (await e.engine.monitoring.jobDetails(id))._unsafeUnwrap().history.map((h) => h.name).reverse();
        assert.deepEqual(names, ['Enqueued', 'Processing', 'Failed', 'Scheduled', 'Enqueued', 'Processing', 'Succeeded']);
        await eventually(async () => (runs === 2 ? true : undefined), 'two runs');
      } finally {
        await e.dispose();
      }
    });
  });
}

describe('job timeout options', () => {
  it('configureJobServices refuses a timeout that is not a whole number of ms from 1 to 2^31-1, naming it', async () => {
    const { openTestStorage } = await import('../support/test-storage.js');
    const t = await openTestStorage('Embedded');
    try {
      const malformed: unknown[] = [{ defaultMs: 0 }, { defaultMs: -5 }, { defaultMs: 1.5 }, { defaultMs: 2 ** 31 }, { byType: [[Quick, Number.NaN]] }, { byType: [['', 10]] }, { byType: { Quick: 1000 } }, 60_000, 'soon'];
      for (const timeouts of malformed) {
        const refused = configureJobServices(new Container(), { storage: t.storage, timeouts: timeouts as JobTimeoutOptions });
        assert.ok(refused.isErr(), `${JSON.stringify(timeouts)} is refused`);
        assert.equal(refused.error.kind, 'InvalidSetup');
        assert.match(refused.error.message, /timeout|byType/, refused.error.message);
      }
      assert.ok(configureJobServices(new Container(), { storage: t.storage, timeouts: { defaultMs: 60_000, byType: [[Quick, 1_000]] } }).isOk(), 'valid options are accepted');
    } finally {
      await t.dispose();
    }
  });
});

describe('job timeouts and process exit', () => {
  it('a timed job whose handler ignores its signal does not keep the process alive after stop and close', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'timed-out-handler-process.ts')], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await lineFrom(child, /closed/, 60_000);
      // The job's timeout is an hour away: only an unreferenced timer lets the process end now.
      const deadline = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000).unref());
      assert.equal(await Promise.race([exited, deadline]), 0, 'the process exits once everything is closed');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
