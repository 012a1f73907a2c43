import type { JobId } from './job-types.js';
import { describeError } from '../logging/logger.js';

/** Why a storage call failed. Every storage call returns one of these instead of throwing. */
export type StorageError =
  /** The database refused or could not run a statement (connection lost, constraint, timeout...). */
  | { readonly kind: 'DatabaseError'; readonly operation: string; readonly code: string | undefined; readonly message: string; readonly cause: unknown }
  /**
   * A value could not be stored: a payload that is not JSON-serialisable, an invalid name...
   * `refusal` names the refusals a caller may act on, so none has to read the message.
   */
  | { readonly kind: 'InvalidInput'; readonly operation: string; readonly message: string; readonly refusal?: InputRefusal }
  /** No job with this id. */
  | { readonly kind: 'JobNotFound'; readonly jobId: string }
  /** The schema in the database was written by a newer mediator-jobs. */
  | { readonly kind: 'SchemaTooNew'; readonly schema: string; readonly databaseVersion: number; readonly libraryVersion: number; readonly message: string }
  /** The schema has not been created, or is at an older version, and PrepareSchemaIfNecessary is off (databaseVersion says which). */
  | { readonly kind: 'SchemaMissing'; readonly schema: string; readonly databaseVersion: number; readonly libraryVersion: number; readonly message: string }
  /** The storage was closed. */
  | { readonly kind: 'Closed'; readonly operation: string };

/**
 * An `InvalidInput` a caller may act on. `UniqueKeyHeld`: the job cannot wait
 * or run again while another job with its unique key waits or runs.
 */
export type InputRefusal = 'UniqueKeyHeld';

/** A fetched row whose contents cannot be decoded. The job is held under `lease` so the caller can fail it. */
export interface MalformedJob {
  readonly kind: 'MalformedJob';
  readonly jobId: JobId;
  readonly lease: { readonly jobId: JobId; readonly token: number };
  readonly typeName: string;
  readonly message: string;
}

/** SQLSTATE codes we act on, by name. */
export const SQLSTATE = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  invalidTextRepresentation: '22P02',
  numericValueOutOfRange: '22003',
  undefinedTable: '42P01',
} as const;

/** Wraps a rejected database promise as a `DatabaseError`. */
export function databaseError(operation: string, cause: unknown): StorageError {
  const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  return { kind: 'DatabaseError', operation, code, message: `${operation} failed: ${describeError(cause)}`, cause };
}

/**
 * True when the database answered with an error (a SQLSTATE): the statement
 * failed and nothing of it was stored. A lost connection gives no such
 * answer: the commit may or may not have happened.
 */
export function refusedByDatabase(error: StorageError): boolean {
  return error.kind === 'DatabaseError' && error.code !== undefined && /^[0-9A-Z]{5}$/.test(error.code);
}

/**
 * The connection went away (no answer, a connection exception, or the server
 * shutting down or terminating the backend): the statement may or may not
 * have committed, and the same statement may well succeed on a new connection.
 */
export function connectionLost(error: StorageError): boolean {
  if (error.kind !== 'DatabaseError') return false;
  if (!refusedByDatabase(error)) return true;
  return error.code?.startsWith('08') === true || /^57P0[1-3]$/.test(error.code ?? '');
}

/**
 * Refused for what the statement held: a value the storage cannot encode, or
 * one the database rejects (data exception, constraint, size limit). Nothing
 * of the statement applied; sent again unchanged it would be refused again,
 * but the other rows of a batch sent without the culprit would not.
 */
export function refusedForContent(error: StorageError): boolean {
  if (error.kind === 'InvalidInput') return true;
  return error.kind === 'DatabaseError' && refusedByDatabase(error) && /^(22|23|54)/.test(error.code ?? '');
}

/**
 * Refused for a passing reason: the database rolled the statement back to
 * break a deadlock or a serialization conflict (class 40), gave up waiting
 * for a lock (55P03), cancelled it (a statement timeout, 57014), or ran short
 * of disk, memory or connections. Nothing of the statement applied, and the
 * same statement sent again a moment later may well succeed.
 */
export function refusedForNow(error: StorageError): boolean {
  return error.kind === 'DatabaseError' && refusedByDatabase(error) && /^(40...|55P03|57014|53[123]00)$/.test(error.code ?? '');
}

/** A one-line description of a storage error, for logs. */
export function formatStorageError(error: StorageError): string {
  switch (error.kind) {
    case 'DatabaseError':
    case 'SchemaTooNew':
    case 'SchemaMissing':
    case 'InvalidInput':
      return error.message;
    case 'JobNotFound':
      return `job ${error.jobId} not found`;
    case 'Closed':
      return `${error.operation}: storage is closed`;
  }
}
