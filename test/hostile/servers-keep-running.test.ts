/**
 * Servers keep running through hostile jobs, filters, notifications, loggers
 * and notifications on our channel: after each, the worker loop still takes
 * jobs, and the logger was told what failed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobFilter } from '../../src/filters/job-filter.js';
import type { LogFields } from '../../src/logging/logger.js';
import { Mediator, MediatorRegistry, Notification, Request, constructingResolver, type HandlerContext, type PublishError } from '../../src/mediator/index.js';
import { channelFor } from '../../src/storage/storage-events.js';
import type { JobId } from '../../src/storage/job-types.js';
import { JobEngine } from '../../src/engine/job-engine.js';
import { resolveOptions } from '../../src/config/index.js';
import { FAST_SETTINGS } from '../engine/support.js';
import { Gated } from '../dispatch/support.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { eventually, openTestStorage, STORAGE_KINDS } from '../support/test-storage.js';
import { Carry, failOnUnhandledRejections, hostileEngine, registerCarry, type HostileEngine } from './support.js';

failOnUnhandledRejections();

/** Throws what it carries (or fails in the way it names). */
class Throw extends Request<unknown> {
  static readonly requestTypeName = 'hostile.Throw';
  constructor(readonly how: string) {
    super();
  }
}

/** A job only the hostile filters apply to. */
class Victim extends Request<string> {
  static readonly requestTypeName = 'hostile.Victim';
  constructor(readonly label: string) {
    super();
  }
}

class Announced extends Notification {
  constructor(readonly label: string) {
    super();
  }
}

/** Publishes a notification one of whose handlers throws, and fails with what publish reported. */
class Announce extends Request<void, PublishError> {
  static readonly requestTypeName = 'hostile.Announce';
  constructor(readonly label: string) {
    super();
  }
}

function registerHostile(registry: MediatorRegistry, heard: string[]): void {
  registry.addHandler(Throw, {
    handle: (request: Throw): unknown => {
      switch (request.how) {
        case 'string':
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the hostile case: not an Error
          throw 'a bare string';
        case 'undefined':
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the hostile case: not an Error
          throw undefined;
        case 'nul':
          throw new Error('message with a NUL \u0000 inside');
        case 'lone surrogate':
          // Half of a surrogate pair (a message cut in the middle of an emoji): not valid UTF-8, not valid JSON for PostgreSQL.
          throw new Error('half an emoji \ud83d inside');
        case 'unprintable':
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the hostile case: not an Error
          throw Object.assign(Object.create(null) as object, { toString: undefined });
        case 'cyclic': {
          const cyclic: Record<string, unknown> = { message: 'cyclic error' };
          cyclic.self = cyclic;
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the hostile case: not an Error
          throw cyclic;
        }
        case 'throwing getters':
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the hostile case: not an Error
          throw {
            get kind(): string {
              throw new Error('kind getter');
            },
            get message(): string {
              throw new Error('message getter');
            },
          };
        case 'unreadable message': {
          const error = new Error('never read');
          Object.defineProperty(error, 'message', { get: () => { throw new Error('message getter'); } });
          throw error;
        }
        case 'hostile proxy':
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the hostile case: not an Error
          throw new Proxy({}, { get: () => { throw new Error('get trap'); }, has: () => { throw new Error('has trap'); }, getPrototypeOf: () => { throw new Error('getPrototypeOf trap'); } });
        case 'unstorable result':
          return { callback: () => 1 };
        default:
          throw new TypeError(`thrown by job: ${request.how}`);
      }
    },
  })._unsafeUnwrap();
  registry.addHandler(Victim, { handle: (request: Victim) => request.label })._unsafeUnwrap();
  registry.addNotificationHandler(Announced, { handle: (n: Announced) => void heard.push(n.label) })._unsafeUnwrap();
  registry.addNotificationHandler(Announced, {
    handle: () => {
      throw new Error('notification handler exploded');
    },
  })._unsafeUnwrap();
}

/** The engine's mediator, for the Announce handler to publish through. */
function registerAnnounce(registry: MediatorRegistry): void {
  const mediator = new Mediator(registry, constructingResolver);
  registry.addHandler(Announce, { handle: (request: Announce, _context: HandlerContext) => mediator.publish(new Announced(request.label)) })._unsafeUnwrap();
}

/** Runs a Carry job to the end: the proof that the worker loop still takes jobs. */
async function stillTakesJobs(e: Pick<HostileEngine, 'engine' | 'waitForState'>, label: string): Promise<void> {
  const id = (await e.engine.client.enqueue(new Carry(label)))._unsafeUnwrap();
  await e.waitForState(id, 'Succeeded', 30_000);
}

/** Waits until the logger holds an entry matching `pattern`. */
async function logged(logger: RecordingLogger, pattern: RegExp, what: string): Promise<string> {
  return eventually(async () => logger.entries.find((entry) => pattern.test(entry.message))?.message, `a log entry about ${what} (${pattern})`, 30_000);
}

for (const kind of STORAGE_KINDS) {
  describe(`servers keep running (${kind})`, () => {
    it('through jobs that throw anything, fail with NUL in the message, or return what cannot be stored', async () => {
      const heard: string[] = [];
      const e = await hostileEngine(kind, { WorkerCount: 2 });
      try {
        registerHostile(e.registry, heard);
        await e.startServer();
        // Before describing a failure was guarded, the last three left their job Processing, run again and again.
        for (const how of ['error', 'string', 'undefined', 'nul', 'lone surrogate', 'unprintable', 'cyclic', 'throwing getters', 'unreadable message', 'hostile proxy', 'unstorable result']) {
          const id = (await e.engine.client.enqueue(new Throw(how)))._unsafeUnwrap();
          // Retried (AutomaticRetry): the failure is recorded and the job is Scheduled, not stuck in Processing.
          const state = await eventually(async () => {
            const current = (await e.t.storage.getState(id))._unsafeUnwrap();
            return current === 'Scheduled' || current === 'Failed' ? current : undefined;
          }, `job ${id} (${how}) to have its failure recorded`, 30_000);
          // Only an unstorable result says it must not be retried; a hostile throw must not make the retry filter throw.
          assert.equal(state, how === 'unstorable result' ? 'Failed' : 'Scheduled', `job ${id} (${how})`);
          await logged(e.logger, new RegExp(`Job ${id}\\b.*failed`), `job ${id} throwing ${how}`);
          const failure = (await e.engine.monitoring.jobDetails(id))._unsafeUnwrap().history.find((entry) => entry.name === 'Failed');
          assert.ok(failure !== undefined, `job ${id} (${how}) has a Failed entry in its history`);
          if (how === 'nul') assert.match(failure.data?.message as string, /message with a NUL .* inside/);
          if (how === 'lone surrogate') {
            assert.equal(failure.data?.message, 'half an emoji \ufffd inside', 'the lone half is stored as U+FFFD');
            assert.equal(failure.reason, 'half an emoji \ufffd inside');
          }
          await stillTakesJobs(e, `after ${how}`);
        }
      } finally {
        await e.dispose();
      }
    });

    it('through client, server, elect-state and apply-state filters that throw, and a notification handler that throws', async () => {
      const heard: string[] = [];
      const e = await hostileEngine(kind, { WorkerCount: 2 });
      try {
        registerHostile(e.registry, heard);
        registerAnnounce(e.registry);
        const boom = (where: string) => () => {
          throw new Error(`${where} filter exploded`);
        };
        const hostile: JobFilter = {
          onCreated: boom('onCreated'),
          onPerforming: boom('onPerforming'),
          onPerformed: boom('onPerformed'),
          onStateElection: boom('onStateElection'),
          onStateApplied: boom('onStateApplied'),
        };
        e.engine.filters.add(hostile, { for: Victim })._unsafeUnwrap();
        e.engine.filters.add({ onCreating: boom('onCreating') }, { for: 'hostile.Refused' })._unsafeUnwrap();
        await e.startServer();

        const id = (await e.engine.client.enqueue(new Victim('victim')))._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded', 30_000);
        for (const where of ['onCreated', 'onPerforming', 'onPerformed', 'onStateElection', 'onStateApplied']) {
          await logged(e.logger, new RegExp(`${where} filter exploded`), `the ${where} filter`);
        }
        assert.equal((await e.execution.getJobResultReturnedItem(id))._unsafeUnwrap(), 'victim', 'the job ran despite its filters');
        await stillTakesJobs(e, 'after filters');

        const announced = (await e.engine.client.enqueue(new Announce('hello')))._unsafeUnwrap();
        await logged(e.logger, new RegExp(`Job ${announced}\\b.*failed.*notification handler exploded`, 's'), 'the notification handler');
        assert.deepEqual(heard, ['hello'], 'the other notification handler ran');
        await stillTakesJobs(e, 'after the notification');
      } finally {
        await e.dispose();
      }
    });

    it('with a logger that throws on every call', async () => {
      const heard: string[] = [];
      const logger = new ThrowingLogger();
      const options = resolveOptions({ ...FAST_SETTINGS, WorkerCount: 2 })._unsafeUnwrap();
      const t = await openTestStorage(kind, { jobExpirationTimeoutMs: options.jobExpirationTimeoutMs });
      const engine = buildEngine(t.storage, options, logger, heard);
      const server = engine.createServer();
      try {
        (await server.start())._unsafeUnwrap();
        engine.filters.add({ onPerforming: () => { throw new Error('filter under a throwing logger'); } }, { for: Victim })._unsafeUnwrap();
        const victim = (await engine.client.enqueue(new Victim('v')))._unsafeUnwrap();
        const thrower = (await engine.client.enqueue(new Throw('error')))._unsafeUnwrap();
        const waitFor = async (id: JobId, states: string[]) =>
          eventually(async () => (states.includes((await t.storage.getState(id))._unsafeUnwrap() ?? '') ? true : undefined), `job ${id} in ${states.join('/')}`, 30_000);
        await waitFor(victim, ['Succeeded']);
        await waitFor(thrower, ['Scheduled', 'Failed']);
        await logged(logger, /filter under a throwing logger/, 'the filter');
        await logged(logger, new RegExp(`Job ${thrower}\\b.*failed`), 'the failing job');
        assert.ok(logger.threw > 0, 'the logger did throw');
        for (let n = 0; n < 4; n++) {
          const id = (await engine.client.enqueue(new Carry(n)))._unsafeUnwrap();
          await waitFor(id, ['Succeeded']);
        }
      } finally {
        (await server.stop())._unsafeUnwrap();
        await t.dispose();
      }
    });

    it('through junk and forged notifications on its own channel', async () => {
      const e = await hostileEngine(kind, { WorkerCount: 3 });
      try {
        await e.startServer();
        const running = (await e.engine.client.enqueue(new Gated('held')))._unsafeUnwrap();
        await e.waitForState(running, 'Processing', 30_000);
        const awaited = e.mediator.enqueueAwait(new Gated('held'), { timeout: 60_000 });
        const channel = channelFor(e.t.storage.schema.name);
        const junk = [
          '', 'F', 'FS', 'FSabc', 'FX1', 'Fs1', 'F1', 'E', 'E bad queue', 'E\u0001', 'X', 'not ours at all', '{"json":true}', 'FS-1', 'FS1.5',
          `FS${'9'.repeat(30)}`, `FD${'9'.repeat(30)}`, 'x'.repeat(7000), 'émoji✓🚀',
          // Well formed, but false: the jobs are running, not finished or deleted.
          `FS${running}`, `FD${running}`, `FF${running}`,
        ];
        // Ten times over: a flood is warned of once, not once per notification.
        for (let round = 0; round < 10; round++) for (const payload of junk) await e.t.sql('SELECT pg_notify($1, $2)', [channel, payload]);
        await logged(e.logger, /not one mediator-jobs sends/, 'a junk notification');
        await logged(e.logger, /Ignored a notification that running job/, 'a forged deletion');
        await stillTakesJobs(e, 'after junk notifications');
        const warned = (pattern: RegExp) => e.logger.at('warn').filter((message) => pattern.test(message)).length;
        assert.equal(warned(/not one mediator-jobs sends/), 1, 'one warning for 190 junk notifications');
        assert.equal(warned(/Ignored a notification that running job/), 1, 'one warning for 10 forged deletions');
        assert.equal((await e.t.storage.getState(running))._unsafeUnwrap(), 'Processing', 'a forged Deleted did not abort the running job');
        e.gates.open('held');
        await e.waitForState(running, 'Succeeded', 30_000);
        assert.equal((await awaited)._unsafeUnwrap(), 'passed held', 'a forged Succeeded did not settle the wait early');
      } finally {
        await e.dispose();
      }
    });
  });
}

/** Records every entry, then throws: a logger that is broken, as a misconfigured transport can be. */
class ThrowingLogger extends RecordingLogger {
  threw = 0;
  private readonly explode = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal') => {
    const record = this[level];
    return (message: string, fields?: LogFields) => {
      record(message, fields);
      this.threw += 1;
      throw new Error(`the logger exploded at ${level}`);
    };
  };
  override trace = this.explode('trace');
  override debug = this.explode('debug');
  override info = this.explode('info');
  override warn = this.explode('warn');
  override error = this.explode('error');
  override fatal = this.explode('fatal');
}

function buildEngine(storage: ConstructorParameters<typeof JobEngine>[0]['storage'], options: ConstructorParameters<typeof JobEngine>[0]['options'], logger: RecordingLogger, heard: string[]) {
  const registry = new MediatorRegistry();
  registerCarry(registry);
  registerHostile(registry, heard);
  const mediator = new Mediator(registry, constructingResolver);
  return new JobEngine({ storage, mediator, registry, resolver: constructingResolver, options, logger });
}
