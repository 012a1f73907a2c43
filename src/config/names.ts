import { MAX_QUEUE_NAME_LENGTH, MAX_SCHEMA_NAME_BYTES } from './defaults.js';

// ASCII only on purpose: anything else would need quoting, and a name that needs
// quoting is where SQL injection through configuration would start.
const PLAIN_IDENTIFIER = new RegExp(`^[A-Za-z_][A-Za-z0-9_]{0,${MAX_SCHEMA_NAME_BYTES - 1}}$`);

// Characters that are safe in logs, URLs (dashboard) and SQL parameters alike.
const QUEUE_NAME = new RegExp(`^[A-Za-z0-9_.:-]{1,${MAX_QUEUE_NAME_LENGTH}}$`);

/** What a queue name may be, for error messages. */
export const ACCEPTED_QUEUE_NAME = `queue names are 1 to ${MAX_QUEUE_NAME_LENGTH} characters of letters, digits, "_", ".", ":" or "-"`;

/** What a schema name may be, for error messages. */
export const ACCEPTED_SCHEMA_NAME = `a plain SQL identifier: a letter or "_" followed by letters, digits or "_" (ASCII only, no quotes, spaces or punctuation), at most ${MAX_SCHEMA_NAME_BYTES} characters`;

/** A plain SQL identifier (ASCII, so characters are bytes) within PostgreSQL's 63-byte limit. */
export function isPlainIdentifier(name: unknown): name is string {
  return typeof name === 'string' && PLAIN_IDENTIFIER.test(name);
}

/** A queue name: the one rule for configuration, the client and storage. */
export function isQueueName(name: unknown): name is string {
  return typeof name === 'string' && QUEUE_NAME.test(name);
}
