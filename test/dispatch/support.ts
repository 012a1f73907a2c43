/** An engine with a JobMediator over it, and the requests the dispatch tests send. */
import type { JobSettingsInput } from '../../src/config/index.js';
import { CompletionWatcher, type CompletionWatcherOptions } from '../../src/dispatch/completion-watcher.js';
import { JobMediator } from '../../src/dispatch/job-mediator.js';
import type { JobEngineSetup } from '../../src/engine/job-engine.js';
import { Mediator, MediatorRegistry, constructingResolver } from '../../src/mediator/index.js';
import { Echo, Explode, Gated, type Echoed } from './fixtures/requests.js';
import type { HandlerContext } from '../../src/mediator/index.js';
import type { StorageKind } from '../support/test-storage.js';
import { testEngine, type TestEngine } from '../engine/support.js';

export { Echo, Explode, Gated, type Echoed } from './fixtures/requests.js';

/** Gates the Gated handler waits on, by name; `open(name)` lets every job with that gate finish. */
export class Gates {
  private readonly opened = new Set<string>();
  private readonly waiting = new Map<string, (() => void)[]>();
  readonly started: string[] = [];

  open(name: string): void {
    this.opened.add(name);
    for (const release of this.waiting.get(name) ?? []) release();
    this.waiting.delete(name);
  }

  pass(name: string, signal: AbortSignal): Promise<void> {
    this.started.push(name);
    if (this.opened.has(name)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.set(name, [...(this.waiting.get(name) ?? []), resolve]);
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  }
}

/** Registers the handlers of Echo, Explode and Gated; `attempts` counts Explode runs. */
export function registerDispatchHandlers(registry: MediatorRegistry, gates: Gates, attempts: string[] = []): void {
  registry.addHandler(Echo, { handle: (r: Echo): Echoed => ({ text: r.text, at: r.at, big: r.big }) })._unsafeUnwrap();
  registry.addHandler(Explode, {
    handle: (r: Explode, context: HandlerContext) => {
      attempts.push(`${r.label}#${context.job?.attempt ?? 0}`);
      throw new TypeError(`${r.label} exploded`);
    },
  })._unsafeUnwrap();
  registry.addHandler(Gated, { handle: async (r: Gated, context: HandlerContext) => (await gates.pass(r.gate, context.signal), `passed ${r.gate}`) })._unsafeUnwrap();
}

export interface DispatchEngine extends TestEngine {
  readonly mediator: JobMediator;
  readonly watcher: CompletionWatcher;
  readonly gates: Gates;
  readonly attempts: string[];
}

/** A test engine (no server started) with a JobMediator whose watcher polls as `watcher` says. */
export async function dispatchEngine(
  kind: StorageKind,
  settings: JobSettingsInput = {},
  setup: Partial<Pick<JobEngineSetup, 'retry'>> = {},
  watcher: CompletionWatcherOptions = {},
): Promise<DispatchEngine> {
  const gates = new Gates();
  const attempts: string[] = [];
  const e = await testEngine(kind, (registry) => registerDispatchHandlers(registry, gates, attempts), settings, setup);
  const completionWatcher = new CompletionWatcher(e.t.storage, { logger: e.logger, ...watcher });
  const mediator = new JobMediator(new Mediator(e.registry, constructingResolver), e.engine, completionWatcher);
  return {
    ...e,
    mediator,
    watcher: completionWatcher,
    gates,
    attempts,
    startServer: (overrides) => e.startServer(overrides),
    waitForState: (jobId, state, timeoutMs) => e.waitForState(jobId, state, timeoutMs),
    async dispose() {
      (await completionWatcher.close())._unsafeUnwrap();
      await e.dispose();
    },
  };
}
