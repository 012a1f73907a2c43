import { err, fromThrowable, type Result } from 'neverthrow';
import type { Container } from 'inversify';
import type { MediatorJobsOptions } from '../config/options.js';
import type { JobServer } from '../server/job-server.js';
import type { JobServicesError } from './job-services-error.js';
import { JOB_ENGINE, JOB_SERVER } from './tokens.js';

/**
 * Makes this process a job server (the seeds' RegisterProcessorAsServer):
 * creates a `JobServer` over the engine `configureJobServices` bound, with
 * the configured options (or `overrides` for this server), and binds it to
 * `JOB_SERVER`. Start it with `server.start()` and stop it with `server.stop()`
 * when the application shuts down. Calling it again returns the same server
 * (its `overrides` are not applied again); a stopped server starts again with
 * `server.start()`.
 */
export function registerProcessorAsServer(container: Container, overrides: Partial<MediatorJobsOptions> = {}): Result<JobServer, JobServicesError> {
  const guarded = fromThrowable(
    () => {
      if (container.isBound(JOB_SERVER)) return container.get(JOB_SERVER);
      const server = container.get(JOB_ENGINE).createServer(overrides);
      container.bind(JOB_SERVER).toConstantValue(server);
      return server;
    },
    (cause): JobServicesError => ({ kind: 'ContainerFailed', message: cause instanceof Error ? cause.message : String(cause), cause }),
  );
  if (!container.isBound(JOB_ENGINE)) {
    return err({ kind: 'ContainerFailed', message: 'registerProcessorAsServer needs the job engine: call configureJobServices(container, { options, storage, ... }) first.', cause: undefined });
  }
  return guarded();
}
