import type { JobStorage } from '../storage/job-storage.js';
import type { JobId } from '../storage/job-types.js';
import type { StorageError } from '../storage/storage-error.js';
import type { JobContext } from './job-filter.js';

/**
 * The parameter access every filter context offers, over storage. Filters
 * use plain promises, so a storage error reaches them as a thrown Error
 * (with the error value as its cause) that they may catch; the code running
 * the filters catches and logs whatever a filter lets through.
 */
export function parameterAccess(storage: JobStorage, jobId: JobId): Pick<JobContext, 'getParameter' | 'setParameter'> {
  return {
    getParameter: (name) => storage.getParameter(jobId, name).match((value) => value, (error) => rethrow(`reading parameter ${name}`, error)),
    setParameter: (name, value) => storage.setParameter(jobId, name, value).match(() => undefined, (error) => rethrow(`setting parameter ${name}`, error)),
  };
}

function rethrow(what: string, error: StorageError): never {
  throw new Error(`${what} failed: ${'message' in error ? error.message : error.kind}`, { cause: error });
}
