import { createHash } from 'node:crypto';
import { Result } from 'neverthrow';
import { isQueueName } from '../config/names.js';
import { parseJobId } from './input-validation.js';
import type { JobId, StateName } from './job-types.js';

/**
 * What storage announces through LISTEN/NOTIFY. Delivered only when the
 * writing transaction commits, to every process sharing the database.
 */
export type StorageEvent =
  /** Jobs became fetchable in this queue: an idle worker should fetch now. */
  | { readonly kind: 'Enqueued'; readonly queue: string }
  /** A job reached a final state (Succeeded, Failed or Deleted). Anyone may NOTIFY: check the state before acting on it. */
  | { readonly kind: 'Finished'; readonly jobId: JobId; readonly state: StateName }
  /** Something on the channel that mediator-jobs did not send (another program, a hand-typed NOTIFY): for a warning, never acted on. */
  | { readonly kind: 'Unrecognized'; readonly payload: string };

/**
 * Compact payloads keep NOTIFY cheap: `E<queue>`, and `F<state initial><ids>`
 * with comma-separated ids (many finished jobs in one notification; see
 * sql/job-event-payloads.ts). Queue names cannot contain control characters,
 * so no escaping is needed.
 */
export function encodeEnqueued(queue: string): string {
  return `E${queue}`;
}

const FINAL_BY_INITIAL: Readonly<Record<string, StateName>> = { S: 'Succeeded', F: 'Failed', D: 'Deleted' };

/**
 * Parses a notification payload into its events: one per job of a grouped
 * Finished payload; `Unrecognized` for anything we did not send (a bad queue
 * name or job id included).
 */
export function decodeStorageEvents(payload: string): StorageEvent[] {
  if (payload.startsWith('E') && isQueueName(payload.slice(1))) return [{ kind: 'Enqueued', queue: payload.slice(1) }];
  if (payload.startsWith('F') && payload.length > 2) {
    const state = FINAL_BY_INITIAL[payload.charAt(1)];
    const jobIds = Result.combine(payload.slice(2).split(',').map((id) => parseJobId(id, 'reading a notification')));
    if (state !== undefined && jobIds.isOk()) return jobIds.value.map((jobId) => ({ kind: 'Finished', jobId, state }));
  }
  return [{ kind: 'Unrecognized', payload }];
}

/**
 * The NOTIFY channel of a schema. Channels are identifiers, at most 63 bytes
 * (schema names are ASCII, so characters are bytes). A longer one keeps a
 * readable prefix and ends with a hash of the whole schema name: plain
 * truncation would give two long names sharing a prefix one channel, and each
 * schema would hear the other's events (a Finished for the wrong job 42).
 */
export function channelFor(schemaName: string): string {
  const channel = `mediator_jobs_${schemaName}`;
  if (channel.length <= 63) return channel;
  return `${channel.slice(0, 54)}_${createHash('sha256').update(schemaName).digest('hex').slice(0, 8)}`;
}
