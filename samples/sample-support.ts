/**
 * What every sample needs besides the library: unwrap a Result or stop with
 * its message, stop the server and close the storage, and run `main` so any
 * failure exits 1 (the test suite runs the samples and checks that).
 */
import assert from 'node:assert/strict';
import type { Result } from 'neverthrow';
import type { JobServer, JobStorage } from '../src/index.js';

/** The value of an Ok; an Err stops the sample with its message (exit code 1). */
export function expectOk<T, E>(result: Result<T, E>, what: string): T {
  if (result.isErr()) assert.fail(`${what} failed: ${describe(result.error)}`);
  return result.value;
}

/** `kind: message` of an error value, for one line of output. */
export function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return `${String((error as { kind?: unknown }).kind)}: ${String(error.message)}`;
  return JSON.stringify(error);
}

/** Graceful stop: running jobs finish (or go back to their queue), then the database is closed. */
export async function shutDown(server: JobServer | undefined, storage: JobStorage): Promise<void> {
  if (server !== undefined) expectOk(await server.stop(), 'server.stop');
  expectOk(await storage.close(), 'storage.close');
  console.log('Server stopped, storage closed.');
}

/** Runs the sample; a failed check or anything unexpected exits 1 at once, even if timers or connections are left open. */
export async function runSample(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
