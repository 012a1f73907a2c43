import { errAsync, okAsync, Result, ResultAsync } from 'neverthrow';
import { checkName, checkQueueName, parseJobId, toJsonText } from './input-validation.js';
import { JOB_STATES, type JobId, type StateName } from './job-types.js';
import type { JobDetails, JobSearch, JobSummary, Page, QueueSummary, ServerInfo, StateCounts } from './monitoring-types.js';
import type { RecurringDefinition, RecurringJob, UpsertRecurringOptions } from './recurring-types.js';
import {
  decodeHistory, decodeRecurring, decodeServer, decodeSummary,
  type HistoryRow, type RecurringJobRow, type ServerRow, type SummaryRow,
} from './row-decoding.js';
import type { Statements } from './sql/statements.js';
import type { StatementRunner } from './statement-runner.js';
import type { StorageError } from './storage-error.js';

/** The longest search term accepted, in characters. */
export const MAX_SEARCH_TERM_LENGTH = 200;

/** The read side (monitoring) and recurring definitions: nothing here is on a hot path. */
export class SqlMonitoring {
  constructor(
    private readonly runner: StatementRunner,
    private readonly sql: Statements,
  ) {}

  stateCounts(): ResultAsync<StateCounts, StorageError> {
    return this.runner.rows<{ state: StateName; count: number }>('counting jobs', this.sql.stateCounts).map((rows) => {
      const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<StateName, number>;
      for (const row of rows) counts[row.state] = row.count;
      return counts;
    });
  }

  jobsInState(state: StateName, page: { offset: number; limit: number }): ResultAsync<Page<JobSummary>, StorageError> {
    const op = 'listing jobs';
    if (!JOB_STATES.includes(state)) return errAsync({ kind: 'InvalidInput', operation: op, message: `${JSON.stringify(state)} is not a job state` });
    const offset = Math.max(0, Math.trunc(page.offset));
    const limit = Math.min(1000, Math.max(1, Math.trunc(page.limit)));
    return this.runner.rows<SummaryRow & { total: number }>(op, this.sql.jobsInState, [state, offset, limit]).andThen((rows) => {
      const first = rows[0];
      if (first !== undefined) return okAsync({ items: rows.map(decodeSummary), total: first.total });
      return this.runner.rows<{ total: number }>(op, this.sql.countInState, [state]).map((counted) => ({ items: [], total: counted[0]?.total ?? 0 }));
    });
  }

  jobDetails(jobId: JobId): ResultAsync<JobDetails | undefined, StorageError> {
    const op = 'reading job details';
    return parseJobId(jobId, op).asyncAndThen((id) =>
      ResultAsync.combine([
        this.runner.rows<SummaryRow & { payload: string; fetch_count: number; retry_count: number; expire_at: Date | null; unique_key: string | null; result: string | null }>(op, this.sql.jobRow, [id]),
        this.runner.rows<HistoryRow>(op, this.sql.jobHistory, [id]),
        this.runner.rows<{ name: string; value: string }>(op, this.sql.jobParameters, [id]),
      ]).map(([jobRows, history, parameters]) => {
        const row = jobRows[0];
        if (row === undefined) return undefined;
        return {
          ...decodeSummary(row),
          payloadText: row.payload,
          fetchCount: row.fetch_count,
          retryCount: row.retry_count,
          expireAt: row.expire_at ?? undefined,
          uniqueKey: row.unique_key ?? undefined,
          parameters: Object.fromEntries(parameters.map((p) => [p.name, p.value])),
          resultText: row.result ?? undefined,
          history: history.map(decodeHistory),
        };
      }),
    );
  }

  searchJobs(search: JobSearch): ResultAsync<Page<JobSummary>, StorageError> {
    const op = 'searching jobs';
    if (typeof search !== 'object' || search === null) return errAsync({ kind: 'InvalidInput', operation: op, message: 'A search is an object: { term, state, offset, limit }.' });
    if (search.term !== undefined && typeof search.term !== 'string') return errAsync({ kind: 'InvalidInput', operation: op, message: `A search term is text, not ${typeof search.term}.` });
    if (search.state !== undefined && !JOB_STATES.includes(search.state)) return errAsync({ kind: 'InvalidInput', operation: op, message: `${JSON.stringify(search.state)} is not a job state` });
    const term = search.term?.trim() ?? '';
    if (term.includes('\u0000')) return errAsync({ kind: 'InvalidInput', operation: op, message: 'A search term cannot contain a NUL character.' });
    if (term.length > MAX_SEARCH_TERM_LENGTH) return errAsync({ kind: 'InvalidInput', operation: op, message: `A search term is at most ${MAX_SEARCH_TERM_LENGTH} characters.` });
    const id = parseJobId(term, op).unwrapOr(null);
    const pattern = term === '' ? null : `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const where = [search.state ?? null, id, pattern];
    const offset = Math.max(0, Math.trunc(search.offset));
    const limit = Math.min(1000, Math.max(1, Math.trunc(search.limit)));
    return this.runner.rows<SummaryRow & { total: number }>(op, this.sql.searchJobs, [...where, offset, limit]).andThen((rows) => {
      const first = rows[0];
      if (first !== undefined) return okAsync({ items: rows.map(decodeSummary), total: first.total });
      return this.runner.rows<{ total: number }>(op, this.sql.countSearch, where).map((counted) => ({ items: [], total: counted[0]?.total ?? 0 }));
    });
  }

  queues(): ResultAsync<QueueSummary[], StorageError> {
    return this.runner.rows<QueueSummary>('listing queues', this.sql.queues);
  }

  servers(): ResultAsync<ServerInfo[], StorageError> {
    return this.runner.rows<ServerRow>('listing servers', this.sql.servers).map((rows) => rows.map(decodeServer));
  }

  upsertRecurring(d: RecurringDefinition, options: UpsertRecurringOptions = {}): ResultAsync<void, StorageError> {
    const op = 'saving a recurring job';
    return Result.combine([checkName(d.id, 'Recurring job id', op), checkQueueName(d.queue, op), toJsonText(d.payload, op)]).asyncAndThen(([id, queue, payload]) =>
      this.runner
        .rows(op, this.sql.upsertRecurring, [
          id, d.cron, d.timeZone, queue, d.typeName, d.methodName ?? null, payload, d.displayName ?? null, d.misfire, d.skipIfRunning, d.nextExecutionAt ?? null,
          options.replacing ?? null,
        ])
        .map(() => undefined),
    );
  }

  getRecurring(id: string): ResultAsync<RecurringJob | undefined, StorageError> {
    const op = 'reading a recurring job';
    return checkName(id, 'Recurring job id', op).asyncAndThen((checked) =>
      this.runner.rows<RecurringJobRow>(op, this.sql.getRecurring, [checked]).map((rows) => (rows[0] === undefined ? undefined : decodeRecurring(rows[0]))),
    );
  }

  listRecurring(): ResultAsync<RecurringJob[], StorageError> {
    return this.runner.rows<RecurringJobRow>('listing recurring jobs', this.sql.listRecurring).map((rows) => rows.map(decodeRecurring));
  }

  removeRecurring(id: string): ResultAsync<boolean, StorageError> {
    const op = 'removing a recurring job';
    return checkName(id, 'Recurring job id', op).asyncAndThen((checked) => this.runner.rows(op, this.sql.removeRecurring, [checked]).map((rows) => rows.length > 0));
  }

  setRecurringPaused(id: string, paused: boolean): ResultAsync<boolean, StorageError> {
    const op = 'pausing a recurring job';
    return checkName(id, 'Recurring job id', op).asyncAndThen((checked) => this.runner.rows(op, this.sql.setRecurringPaused, [checked, paused]).map((rows) => rows.length > 0));
  }
}
