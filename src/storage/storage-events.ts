import { createHash } from 'node:crypto';
import type { JobId, StateName } from './job-types.js';

/**
 * What storage announces through LISTEN/NOTIFY. Delivered only when the
 * writing transaction commits, to every process sharing the database.
 */
export type StorageEvent =
  /** Jobs became fetchable in this queue: an idle worker should fetch now. */
  | { readonly kind: 'Enqueued'; readonly queue: string }
  /** A job reached a final state (Succeeded, Failed or Deleted). */
  | { readonly kind: 'Finished'; readonly jobId: JobId; readonly state: StateName };

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

/** Parses a notification payload into its events; none for anything we did not send. */
export function decodeStorageEvents(payload: string): StorageEvent[] {
  if (payload.startsWith('E')) return [{ kind: 'Enqueued', queue: payload.slice(1) }];
  if (payload.startsWith('F') && payload.length > 2) {
    const state = FINAL_BY_INITIAL[payload.charAt(1)];
    const jobIds = payload.slice(2).split(',');
    if (state !== undefined && jobIds.every((id) => /^\d+$/.test(id))) return jobIds.map((jobId) => ({ kind: 'Finished', jobId, state }));
  }
  return [];
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
