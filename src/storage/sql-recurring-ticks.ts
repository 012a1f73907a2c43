import { ResultAsync } from 'neverthrow';
import type { Database, Transaction } from './database.js';
import { parseJobId } from './input-validation.js';
import type { JobId, StateName } from './job-types.js';
import type { DueRecurringHandler, RecurringPassOutcome } from './recurring-types.js';
import { decodeRecurring, type RecurringJobRow } from './row-decoding.js';
import type { Statements } from './sql/statements.js';
import type { StatementRunner } from './statement-runner.js';
import { databaseError, type StorageError } from './storage-error.js';

/** A row of the lock statement: a definition, its last job's state, and the clock of the pass. */
interface DueRow extends RecurringJobRow {
  last_job_state: StateName | null;
  now: Date;
}

/**
 * Carries an error value out of a transaction's work so the transaction rolls
 * back (the `Database` seam rolls back when the work rejects); turned back
 * into the same value at the boundary below.
 */
class PassAborted<E> extends Error {
  constructor(readonly reason: StorageError | E) {
    super('recurring pass aborted');
  }
}

/** The recurring scheduler's side of the storage: due passes, trigger records, resume, sleep length. */
export class SqlRecurringTicks {
  constructor(
    private readonly db: Database,
    private readonly runner: StatementRunner,
    private readonly sql: Statements,
  ) {}

  processDueRecurring<E>(limit: number, handle: DueRecurringHandler<E>, options: { readonly now?: Date | undefined } = {}): ResultAsync<number, StorageError | E> {
    const op = 'processing due recurring jobs';
    const work = async (tx: Transaction): Promise<number> => {
      const due = await this.runner.rows<DueRow>(op, this.sql.lockDueRecurring, [Math.max(1, Math.trunc(limit)), options.now ?? null], tx);
      if (due.isErr()) throw new PassAborted<E>(due.error);
      if (due.value.length === 0) return 0;
      const outcomes: { id: string; outcome: RecurringPassOutcome }[] = [];
      for (const row of due.value) {
        const outcome = await handle({ definition: decodeRecurring(row), lastJobState: row.last_job_state ?? undefined }, row.now, tx);
        if (outcome.isErr()) throw new PassAborted<E>(outcome.error);
        outcomes.push({ id: row.id, outcome: outcome.value });
      }
      const recorded = await this.runner.rows(op, this.sql.recordRecurringPass, [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.outcome.nextExecutionAt ?? null),
        outcomes.map((o) => o.outcome.lastExecutionAt ?? null),
        outcomes.map((o) => o.outcome.lastJobId ?? null),
        outcomes.map((o) => o.outcome.error ?? null),
      ], tx);
      if (recorded.isErr()) throw new PassAborted<E>(recorded.error);
      return outcomes.length;
    };
    return ResultAsync.fromPromise(this.db.transaction(work), (error) => (error instanceof PassAborted ? (error.reason as StorageError | E) : databaseError(op, error)));
  }

  recordRecurringRun(id: string, jobId: JobId, at?: Date): ResultAsync<boolean, StorageError> {
    const op = 'recording a recurring run';
    return parseJobId(jobId, op)
      .asyncAndThen((checked) => this.runner.rows(op, this.sql.recordRecurringRun, [id, checked, at ?? null]))
      .map((rows) => rows.length > 0);
  }

  resumeRecurring(id: string, nextExecutionAt: Date | undefined): ResultAsync<boolean, StorageError> {
    return this.runner.rows('resuming a recurring job', this.sql.resumeRecurring, [id, nextExecutionAt ?? null]).map((rows) => rows.length > 0);
  }

  recurringDueInMs(now?: Date): ResultAsync<number | undefined, StorageError> {
    return this.runner
      .rows<{ due_in_ms: number | null }>('finding the next recurring tick', this.sql.recurringDueIn, [now ?? null])
      .map((rows) => rows[0]?.due_in_ms ?? undefined);
  }
}
