import { errAsync, ResultAsync } from 'neverthrow';
import type { Queryable } from './database.js';
import { databaseError, type StorageError } from './storage-error.js';

/**
 * Runs statements as error values: every rejection becomes a `DatabaseError`
 * naming the operation, and nothing runs once the storage is closed.
 */
export class StatementRunner {
  private closed = false;

  constructor(private readonly db: Queryable) {}

  rows<Row>(operation: string, text: string, values: readonly unknown[] = [], on?: Queryable): ResultAsync<Row[], StorageError> {
    if (this.closed) return errAsync({ kind: 'Closed', operation });
    return ResultAsync.fromPromise((on ?? this.db).query<Row>(text, values), (error) => databaseError(operation, error)).map((result) => result.rows);
  }

  markClosed(): void {
    this.closed = true;
  }
}
