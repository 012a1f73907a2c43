/** What the figures were measured on, for the results file. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly postgres: string;
  readonly node: string;
  readonly versions: Record<string, string>;
  readonly commit: string;
  readonly loadAverageAtStart: string;
}

const root = join(import.meta.dirname, '..');

export async function describeMachine(url: string): Promise<Machine> {
  const client = new pg.Client(url);
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  return {
    cpus: availableParallelism(),
    cpuModel,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    postgres: rows[0]?.server_version ?? 'unknown',
    node: process.version,
    versions: Object.fromEntries(['graphile-worker', 'pg-boss', 'pg', '@electric-sql/pglite'].map((name) => [name, packageVersion(name)])),
    commit: gitCommit(),
    loadAverageAtStart: loadAverage(),
  };
}

export function loadAverage(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
