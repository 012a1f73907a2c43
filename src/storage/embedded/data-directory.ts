import { err, ok, type Result } from 'neverthrow';

/**
 * The directory path PGlite will open for `EmbeddedDataDirectory`, the one the
 * directory lock must be taken on. PGlite reads a `file://` prefix as the path
 * after it, and other `scheme://` prefixes (memory://, idb://, opfs-ahp://) as
 * no directory at all; locking the text as given locked "file:/x" under the
 * working directory while PGlite opened /x, so one directory could be opened
 * twice.
 *
 * @returns the path, undefined for in memory (unset or ""), or a sentence
 * saying why the value is refused.
 */
export function dataDirectoryPath(given: string | undefined): Result<string | undefined, string> {
  if (given === undefined || given === '') return ok(undefined);
  if (given.startsWith('file://') && given.length > 'file://'.length) return ok(given.slice('file://'.length));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) {
    return err(`EmbeddedDataDirectory ${JSON.stringify(given)} is not a directory path: leave it unset to keep the database in memory, or give a directory (a path, or a file:// URL)`);
  }
  return ok(given);
}
