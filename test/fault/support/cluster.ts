/**
 * The server processes of a fault run: started, SIGKILLed and restarted by
 * slot. Every death is recorded as an event with its time; a death nobody
 * caused (not our SIGKILL, not an `exit` job) is a crash the run reports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { lineFrom } from '../../support/child-process.js';
import type { FaultEvents } from './fault-events.js';
import { HANDLER_EXIT_CODE } from './fault-requests.js';
import type { FaultServerConfig } from './fault-server.js';

const SERVER_ENTRY = join(import.meta.dirname, 'fault-server.ts');
const ROOT = join(import.meta.dirname, '..', '..', '..');
/** Starting a process compiles TypeScript: slow on a loaded machine. */
const READY_TIMEOUT_MS = 120_000;
/** Last lines of a server's stderr kept for the report. */
const KEPT_LOG_LINES = 40;

interface Member {
  readonly instance: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  killedByUs: boolean;
}

export class Cluster {
  private readonly members = new Map<number, Member>();
  private readonly generations = new Map<number, number>();
  private readonly restarts: Promise<void>[] = [];
  private readonly logs = new Map<string, string[]>();
  private closed = false;

  constructor(
    private readonly config: (instance: string) => FaultServerConfig,
    private readonly events: FaultEvents,
  ) {}

  /** The instance names of the servers running now. */
  get running(): string[] {
    return [...this.members.values()].map((member) => member.instance);
  }

  async start(slot: number): Promise<void> {
    const generation = (this.generations.get(slot) ?? 0) + 1;
    this.generations.set(slot, generation);
    const instance = `s${slot}g${generation}`;
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY, JSON.stringify(this.config(instance))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    this.logs.set(instance, lines);
    child.stderr?.on('data', (chunk: Buffer) => {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== ''));
      lines.splice(0, Math.max(0, lines.length - KEPT_LOG_LINES));
    });
    const member: Member = {
      instance,
      child,
      killedByUs: false,
      exited: new Promise((resolve) => child.once('exit', (code, signal) => {
        this.onExit(slot, member, code, signal);
        resolve();
      })),
    };
    this.members.set(slot, member);
    await lineFrom(child, /ready/, READY_TIMEOUT_MS).catch((error: unknown) => {
      throw new Error(`server ${instance} did not start: ${String(error)}\n${lines.join('\n')}`);
    });
  }

  /** SIGKILLs the server in `slot` and waits until it is gone; returns its instance name. */
  async kill(slot: number): Promise<string> {
    const member = this.members.get(slot);
    if (member === undefined) throw new Error(`no server in slot ${slot}`);
    member.killedByUs = true;
    this.events.add({ kind: 'kill', instance: member.instance, at: Date.now() });
    member.child.kill('SIGKILL');
    await member.exited;
    return member.instance;
  }

  /** Waits for servers restarted after an `exit` job. */
  async settled(): Promise<void> {
    await Promise.all(this.restarts);
  }

  /** The kept stderr lines of every instance, for a failure report. */
  logTail(): string {
    return [...this.logs.entries()].filter(([, lines]) => lines.length > 0).map(([instance, lines]) => `--- ${instance}\n${lines.join('\n')}`).join('\n');
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.restarts);
    const members = [...this.members.values()];
    for (const member of members) {
      member.killedByUs = true;
      member.child.kill('SIGKILL');
    }
    await Promise.all(members.map((member) => member.exited));
  }

  private onExit(slot: number, member: Member, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.members.get(slot) === member) this.members.delete(slot);
    if (member.killedByUs) return;
    if (code === HANDLER_EXIT_CODE) {
      this.events.add({ kind: 'exit', instance: member.instance, at: Date.now() });
      // A server ended by its job comes back, as a supervisor would bring it back.
      if (!this.closed) this.restarts.push(this.start(slot));
      return;
    }
    this.events.add({ kind: 'crash', instance: member.instance, at: Date.now(), detail: `exit code ${code}, signal ${signal}\n${this.logs.get(member.instance)?.join('\n') ?? ''}` });
  }
}
