import { errAsync, ResultAsync } from 'neverthrow';
import { fromStorageError, jobNotFound, type JobError } from '../jobs/job-error.js';
import { decodePayload } from '../jobs/payload-codec.js';
import { quoteForMessage } from '../storage/input-validation.js';
import { parseStoredJson } from '../storage/row-decoding.js';
import type { JobStorage } from '../storage/job-storage.js';
import { JOB_STATES, type JobId, type StateName, type StateRecord } from '../storage/job-types.js';
import type { AllTimeCounts, JobDetails, JobSummary, Page, QueueSummary, ServerInfo, StateCounts, StateHistory } from '../storage/monitoring-types.js';
import type { RecurringJob } from '../storage/recurring-types.js';

/** The most jobs one page of `jobs` holds. */
export const MAX_MONITORING_PAGE_SIZE = 1000;

/** Counts across the whole cluster. */
export interface Statistics extends StateCounts {
  readonly servers: number;
  readonly queues: number;
  readonly recurring: number;
  /**
   * Jobs that ever reached Succeeded and Failed. The state counts above are
   * the jobs kept now, which expiration and retries lower; these only grow,
   * like Hangfire's dashboard counters.
   */
  readonly allTime: AllTimeCounts;
}

/** A job with its stored values decoded (Dates and bigints restored), for people and tools. */
export interface JobView extends Omit<JobDetails, 'parameters'> {
  /** The request's fields or the method's arguments; the raw text when it no longer decodes. */
  readonly payload: unknown;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** What the job returned, when it succeeded with a value. */
  readonly result: unknown;
  /** The latest failure's details (error type, message, stack), when the job failed. */
  readonly error: StateRecord | undefined;
}

/** The monitoring API (Hangfire's IMonitoringApi): read-only views of jobs, queues, servers and recurring jobs. */
export class MonitoringApi {
  constructor(private readonly storage: JobStorage) {}

  statistics(): ResultAsync<Statistics, JobError> {
    return ResultAsync.combine([this.storage.stateCounts(), this.storage.servers(), this.storage.queues(), this.storage.listRecurring(), this.storage.allTimeCounts()])
      .map(([counts, servers, queues, recurring, allTime]) => ({ ...counts, servers: servers.length, queues: queues.length, recurring: recurring.length, allTime }))
      .mapErr(fromStorageError);
  }

  /** Jobs in `state`, newest first; `page` counts from 1. */
  jobs(state: StateName, page = 1, pageSize = 20): ResultAsync<Page<JobSummary>, JobError> {
    if (!JOB_STATES.includes(state)) return errAsync({ kind: 'InvalidOptions', message: `${quoteForMessage(state)} is not a job state; use one of ${JOB_STATES.join(', ')}` });
    if (!Number.isSafeInteger(page) || page < 1) return errAsync({ kind: 'InvalidOptions', message: `page ${quoteForMessage(page)} is refused: pages count from 1.` });
    if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_MONITORING_PAGE_SIZE) {
      return errAsync({ kind: 'InvalidOptions', message: `pageSize ${quoteForMessage(pageSize)} is refused: use a whole number from 1 to ${MAX_MONITORING_PAGE_SIZE}.` });
    }
    return this.storage.jobsInState(state, { offset: (page - 1) * pageSize, limit: pageSize }).mapErr(fromStorageError);
  }

  /** Everything about a job; `JobNotFound` when it never existed or has expired. */
  jobDetails(jobId: JobId): ResultAsync<JobView, JobError> {
    return this.storage
      .jobDetails(jobId)
      .mapErr(fromStorageError)
      .andThen((details) => (details === undefined ? errAsync<JobView, JobError>(jobNotFound(jobId)) : ResultAsync.fromSafePromise(Promise.resolve(view(details)))));
  }

  /**
   * Jobs that succeeded and failed per hour over the last `hours` and per UTC
   * day over the last `days`, oldest first (Hangfire's HourlySucceededJobs,
   * DailyFailedJobs...).
   */
  history(hours = 24, days = 7): ResultAsync<StateHistory, JobError> {
    return this.storage.stateHistory({ hours, days }).mapErr(fromStorageError);
  }

  queues(): ResultAsync<QueueSummary[], JobError> {
    return this.storage.queues().mapErr(fromStorageError);
  }

  servers(): ResultAsync<ServerInfo[], JobError> {
    return this.storage.servers().mapErr(fromStorageError);
  }

  recurringJobs(): ResultAsync<RecurringJob[], JobError> {
    return this.storage.listRecurring().mapErr(fromStorageError);
  }
}

function view(details: JobDetails): JobView {
  const { parameters, ...rest } = details;
  return {
    ...rest,
    payload: decodeText(details.payloadText),
    parameters: Object.fromEntries(Object.entries(parameters).map(([name, text]) => [name, decodeText(text)])),
    result: details.resultText === undefined ? undefined : decodeText(details.resultText),
    error: details.state === 'Failed' ? details.history.find((entry) => entry.name === 'Failed') : undefined,
  };
}

/** Decodes stored JSON text; text that no longer decodes is shown as it is, never thrown. */
export function decodeText(text: string): unknown {
  const parsed = parseStoredJson(text);
  return parsed.ok ? decodePayload(parsed.value).unwrapOr(parsed.value) : text;
}
