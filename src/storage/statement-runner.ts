import { err, errAsync, ok, ResultAsync } from 'neverthrow';
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
    // One then rather than fromPromise(...).map(...): every statement comes through here, and neverthrow's
    // map wraps each call in a generator-driven async step of its own.
    return new ResultAsync(
      (on ?? this.db).query<Row>(text, values).then(
        (result) => ok(result.rows),
        (error: unknown) => err(databaseError(operation, error)),
      ),
    );
  }

  markClosed(): void {
    this.closed = true;
  }
}
