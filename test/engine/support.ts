/** Builds a whole job engine on a test storage, with short intervals so tests run in seconds. */
import { resolveOptions, type JobSettingsInput } from '../../src/config/index.js';
import { JobEngine, type JobEngineSetup } from '../../src/engine/job-engine.js';
import { Mediator, MediatorRegistry, constructingResolver } from '../../src/mediator/index.js';
import type { JobServer } from '../../src/server/job-server.js';
import type { JobId, StateName } from '../../src/storage/job-types.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { eventually, openTestStorage, type StorageKind, type TestStorage } from '../support/test-storage.js';

/** Settings that make every loop turn fast; a test overrides what it is about. */
export const FAST_SETTINGS: JobSettingsInput = {
  WorkerCount: 4,
  QueuePollInterval: '200ms',
  HeartbeatInterval: '200ms',
  ServerCheckInterval: '200ms',
  // Longer than a stall of a loaded machine, so no living server of a test is declared dead (crash tests set their own).
  ServerTimeout: '5s',
  InvisibilityTimeout: '5s',
  ShutdownTimeout: '2s',
  JobExpirationCheckInterval: '1h',
};

export interface TestEngine {
  readonly t: TestStorage;
  readonly engine: JobEngine;
  readonly registry: MediatorRegistry;
  readonly logger: RecordingLogger;
  readonly servers: JobServer[];
  /** Starts a server (stopped by dispose). */
  startServer(settings?: JobSettingsInput): Promise<JobServer>;
  /** Waits until the job is in `state`. */
  waitForState(jobId: JobId, state: StateName, timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** An engine over a fresh schema; `register` adds the handlers the test needs. */
export async function testEngine(
  kind: StorageKind,
  register: (registry: MediatorRegistry) => void,
  settings: JobSettingsInput = {},
  setup: Partial<Pick<JobEngineSetup, 'retry' | 'timeouts'>> = {},
): Promise<TestEngine> {
  const options = resolveOptions({ ...FAST_SETTINGS, ...settings })._unsafeUnwrap();
  const t = await openTestStorage(kind, { jobExpirationTimeoutMs: options.jobExpirationTimeoutMs });
  const registry = new MediatorRegistry();
  register(registry);
  const logger = new RecordingLogger();
  const mediator = new Mediator(registry, constructingResolver);
  const engine = new JobEngine({ storage: t.storage, mediator, registry, resolver: constructingResolver, options, logger, retry: setup.retry, timeouts: setup.timeouts });
  const servers: JobServer[] = [];
  return {
    t,
    engine,
    registry,
    logger,
    servers,
    async startServer(overrides = {}) {
      const serverOptions = resolveOptions({ ...FAST_SETTINGS, ...settings, ...overrides })._unsafeUnwrap();
      const server = engine.createServer(serverOptions);
      (await server.start())._unsafeUnwrap();
      servers.push(server);
      return server;
    },
    async waitForState(jobId, state, timeoutMs = 15_000) {
      await eventually(async () => ((await t.storage.getState(jobId))._unsafeUnwrap() === state ? true : undefined), `job ${jobId} to be ${state}`, timeoutMs);
    },
    async dispose() {
      for (const server of servers) (await server.stop())._unsafeUnwrap();
      await t.dispose();
    },
  };
}

export { RecordingLogger };
