import { err, ok, type Result } from 'neverthrow';
import { describeError } from '../logging/logger.js';
import type { ConfigError } from './config-error.js';
import type { MediatorJobsOptions } from './options.js';

/**
 * The options a server runs with: `base`, with `overrides` replacing theirs.
 * Spreading `overrides` runs its getters (and a Proxy's traps), which may
 * throw: that is an `InvalidValue` naming the overrides, not an exception out
 * of `createServer`. The values themselves are checked when the server starts
 * (see checkServerOptions).
 */
export function mergeServerOptions(base: MediatorJobsOptions, overrides: Partial<MediatorJobsOptions> | null | undefined): Result<MediatorJobsOptions, ConfigError> {
  try {
    return ok({ ...base, ...overrides });
  } catch (error) {
    // Not the overrides object as the value: showing it would run the same getter again.
    return err({ kind: 'InvalidValue', key: 'overrides', value: '(unreadable)', message: `the server options given could not be read: ${describeError(error)}` });
  }
}
