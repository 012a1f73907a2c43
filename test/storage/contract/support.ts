/** Small helpers shared by the storage contract suites. */
import type { FetchRequest, JobStorage } from '../../../src/storage/job-storage.js';
import type { FetchedJob, JobId, NewJob, StateName } from '../../../src/storage/job-types.js';
import type { StorageOptions } from '../../../src/storage/open-storage.js';
import type { StorageEvent } from '../../../src/storage/storage-events.js';
import { eventually, openTestStorage, type StorageKind, type TestStorage } from '../../support/test-storage.js';

/** Opens a storage in a fresh schema, runs `work`, and always disposes it (closing and dropping the schema). */
export async function withStorage<T>(kind: StorageKind, work: (t: TestStorage) => Promise<T>, overrides: Partial<StorageOptions> = {}): Promise<T> {
  const t = await openTestStorage(kind, overrides);
  try {
    return await work(t);
  } finally {
    await t.dispose();
  }
}

/** A new Enqueued job on `default`, with whatever the test overrides. */
export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return { queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: { n: 0 }, ...overrides };
}

/** Creates `count` Enqueued jobs in `queue` one statement at a time (so their enqueue times increase) and returns their ids. */
export async function createEach(storage: JobStorage, count: number, overrides: Partial<NewJob> = {}): Promise<JobId[]> {
  const ids: JobId[] = [];
  for (let n = 0; n < count; n++) ids.push((await storage.createJob(newJob({ payload: { n }, ...overrides })))._unsafeUnwrap());
  return ids;
}

/**
 * Waits until the database clock has passed `jobId`'s creation. PGlite's
 * clock ticks in whole milliseconds, so a change made in the same millisecond
 * as a creation gets the same time, and ties in a queue go by id: a test about
 * "later" must first let the clock move.
 */
export async function untilClockPasses(storage: JobStorage, jobId: JobId): Promise<void> {
  const createdAt = (await storage.jobDetails(jobId))._unsafeUnwrap()!.createdAt.getTime();
  await eventually(async () => ((await storage.databaseNow())._unsafeUnwrap().getTime() > createdAt ? true : undefined), `the database clock to pass job ${jobId}'s creation`);
}

/** Fetches and expects every outcome to decode. */
export async function fetchOk(storage: JobStorage, request: Partial<FetchRequest> = {}): Promise<FetchedJob[]> {
  const outcomes = (await storage.fetchJobs({ queues: ['default'], limit: 10, owner: 'server-1', leaseMs: 30_000, ...request }))._unsafeUnwrap();
  return outcomes.map((outcome) => outcome._unsafeUnwrap());
}

/** Completes a fetched job under its lease. */
export async function succeed(storage: JobStorage, job: FetchedJob, result?: string): Promise<boolean> {
  return (await storage.changeState({ jobId: job.id, from: ['Processing'], lease: job.lease, to: { name: 'Succeeded', result } }))._unsafeUnwrap();
}

/** What the delayed-job scheduler does with due jobs, without its state machine: each moved to Enqueued, guarded by Scheduled. */
export async function promoteDue(storage: JobStorage, limit = 100): Promise<number> {
  const due = (await storage.dueScheduledJobs(limit))._unsafeUnwrap();
  const applied = (await storage.changeStates(due.map((job) => ({ jobId: job.jobId, from: ['Scheduled'], to: { name: 'Enqueued' }, reason: 'Scheduled time reached' }))))._unsafeUnwrap();
  return applied.filter(Boolean).length;
}

export async function stateOf(storage: JobStorage, jobId: JobId): Promise<StateName | undefined> {
  return (await storage.getState(jobId))._unsafeUnwrap();
}

/** Every state counted zero except the ones given. */
export function countsWith(nonZero: Partial<Record<StateName, number>>): Record<StateName, number> {
  return { Enqueued: 0, Scheduled: 0, Awaiting: 0, Processing: 0, Succeeded: 0, Failed: 0, Deleted: 0, ...nonZero };
}

/** Records every event a storage announces, and waits for one with a deadline. */
export interface EventRecorder {
  readonly events: StorageEvent[];
  waitFor(predicate: (event: StorageEvent) => boolean, what: string, timeoutMs?: number): Promise<StorageEvent>;
  stop(): Promise<void>;
}

export async function recordEvents(storage: JobStorage): Promise<EventRecorder> {
  const events: StorageEvent[] = [];
  const unsubscribe = (await storage.subscribe((event) => events.push(event)))._unsafeUnwrap();
  return {
    events,
    waitFor: (predicate, what, timeoutMs = 5_000) => eventually(async () => events.find(predicate), what, timeoutMs),
    stop: unsubscribe,
  };
}

export const isEnqueued = (queue: string) => (event: StorageEvent): boolean => event.kind === 'Enqueued' && event.queue === queue;
export const isFinished = (jobId: JobId, state?: StateName) => (event: StorageEvent): boolean =>
  event.kind === 'Finished' && event.jobId === jobId && (state === undefined || event.state === state);
