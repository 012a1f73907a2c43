import { isDeepStrictEqual } from 'node:util';
import { err, fromThrowable, ok, type Result } from 'neverthrow';
import type { Container } from 'inversify';
import type { MediatorJobsOptions } from '../config/options.js';
import { describeError } from '../logging/logger.js';
import type { JobServer } from '../server/job-server.js';
import type { JobServicesError } from './job-services-error.js';
import { JOB_ENGINE, JOB_SERVER, JOB_SERVER_OPTIONS } from './tokens.js';

/**
 * Makes this process a job server (the seeds' RegisterProcessorAsServer):
 * creates a `JobServer` over the engine `configureJobServices` bound, with
 * the configured options (or `overrides` for this server), and binds it to
 * `JOB_SERVER`. Start it with `server.start()` and stop it with `server.stop()`
 * when the application shuts down. A container holds one server: calling it
 * again without overrides, or with overrides that come to the same options,
 * returns that server (a stopped server starts again with `server.start()`);
 * overrides that come to other options are refused as `OptionsAlreadyBound`,
 * since the server they ask for would never be made. Overrides that cannot be
 * read (a getter that throws) are `InvalidSetup`, and nothing is registered.
 */
export function registerProcessorAsServer(container: Container, overrides: Partial<MediatorJobsOptions> = {}): Result<JobServer, JobServicesError> {
  if (!container.isBound(JOB_ENGINE)) {
    return err({ kind: 'ContainerFailed', message: 'registerProcessorAsServer needs the job engine: call configureJobServices(container, { options, storage, ... }) first.', cause: undefined });
  }
  // JavaScript callers pass null for "no overrides".
  const given = overrides ?? {};
  const guarded = fromThrowable(
    (): Result<JobServer, JobServicesError> => {
      const read = container.get(JOB_ENGINE).serverOptions(given);
      if (read.isErr()) return err({ kind: 'InvalidSetup', message: `registerProcessorAsServer: ${read.error.message}; no server was registered.` });
      const options = read.value;
      if (container.isBound(JOB_SERVER)) return sameServer(container, given, options);
      const server = container.get(JOB_ENGINE).createServer(given);
      container.bind(JOB_SERVER_OPTIONS).toConstantValue(options);
      container.bind(JOB_SERVER).toConstantValue(server);
      return ok(server);
    },
    (cause): JobServicesError => ({ kind: 'ContainerFailed', message: describeError(cause), cause }),
  );
  return guarded().andThen((server) => server);
}

/** The registered server, unless `overrides` ask for options other than those it was made with. */
function sameServer(container: Container, overrides: Partial<MediatorJobsOptions>, options: MediatorJobsOptions): Result<JobServer, JobServicesError> {
  const server = container.get(JOB_SERVER);
  // No overrides: the caller asks for the server, whatever it was made with.
  if (Object.keys(overrides).length === 0) return ok(server);
  const registered = container.isBound(JOB_SERVER_OPTIONS) ? container.get(JOB_SERVER_OPTIONS) : undefined;
  if (registered !== undefined && isDeepStrictEqual(registered, options)) return ok(server);
  const differing = registered === undefined ? Object.keys(overrides) : differingOptions(registered, options);
  return err({
    kind: 'OptionsAlreadyBound',
    message: `The job server is already registered with other options (different: ${differing.join(', ')}); it is kept as it was. Call registerProcessorAsServer with the same overrides, or none, to get it.`,
  });
}

function differingOptions(registered: MediatorJobsOptions, asked: MediatorJobsOptions): string[] {
  const keys = new Set([...Object.keys(registered), ...Object.keys(asked)]) as Set<keyof MediatorJobsOptions>;
  return [...keys].filter((key) => !isDeepStrictEqual(registered[key], asked[key]));
}
