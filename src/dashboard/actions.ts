import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { JobEngine } from '../engine/job-engine.js';
import type { JobError } from '../jobs/job-error.js';
import { parseJobId } from '../storage/input-validation.js';
import { isUniqueKeyHeld } from '../storage/unique-key-held.js';
import { MAX_DASHBOARD_PAGE_SIZE } from './dashboard-options.js';
import { field, type FormFields } from './http.js';

/** What an action did, shown on the page it returns to. */
export interface ActionOutcome {
  /** A notice code (see {@link noticeText}). */
  readonly done: NoticeCode;
  readonly count: number;
  readonly of: number;
  /** Jobs left as they were because another job holds their unique key (a requeue would make two holders). */
  readonly held: number;
}

/** Why an action was refused. */
export type ActionError =
  | { readonly kind: 'BadRequest'; readonly message: string }
  | { readonly kind: 'NotFound'; readonly message: string }
  | { readonly kind: 'Failed'; readonly message: string };

export type NoticeCode = 'requeued' | 'deleted' | 'triggered' | 'paused' | 'resumed' | 'removed';

/** The action routes (POST only), by their path below the dashboard. */
export const ACTION_PATHS = ['/jobs/requeue', '/jobs/delete', '/recurring/trigger', '/recurring/pause', '/recurring/resume', '/recurring/remove'] as const;
export type ActionPath = (typeof ACTION_PATHS)[number];

export function isActionPath(path: string): path is ActionPath {
  return (ACTION_PATHS as readonly string[]).includes(path);
}

/** Runs one action with the form's fields (already checked for the anti-forgery token). */
export function runAction(engine: JobEngine, path: ActionPath, fields: FormFields): ResultAsync<ActionOutcome, ActionError> {
  switch (path) {
    case '/jobs/requeue':
      return onJobs(fields, 'requeued', (id) => engine.client.requeue(id, 'Requeued from the dashboard'));
    case '/jobs/delete':
      return onJobs(fields, 'deleted', (id) => engine.client.delete(id, 'Deleted from the dashboard'));
    case '/recurring/trigger':
      return onRecurring(fields, 'triggered', (id) => engine.recurring.trigger(id).map(() => true));
    case '/recurring/pause':
      return onRecurring(fields, 'paused', (id) => engine.recurring.pause(id).map(() => true));
    case '/recurring/resume':
      return onRecurring(fields, 'resumed', (id) => engine.recurring.resume(id).map(() => true));
    case '/recurring/remove':
      return onRecurring(fields, 'removed', (id) => engine.recurring.removeIfExists(id));
  }
}

/** The sentence for a notice code from a redirect's query; unknown codes show nothing (the query is not trusted text). */
export function noticeText(params: URLSearchParams): string | undefined {
  const count = Number(params.get('n') ?? '0');
  const of = Number(params.get('of') ?? '0');
  const n = Number.isSafeInteger(count) && count >= 0 ? count : 0;
  const total = Number.isSafeInteger(of) && of >= n ? of : n;
  const jobs = (k: number) => `${k} job${k === 1 ? '' : 's'}`;
  const heldCount = Number(params.get('held') ?? '0');
  const held = Number.isSafeInteger(heldCount) && heldCount > 0 && heldCount <= total - n ? heldCount : 0;
  const others = total - n - held;
  const rest =
    (others > 0 ? ` (${others} of the ${total} selected were already in that state or no longer exist)` : '') +
    (held > 0 ? ` ${jobs(held)} kept back: another job with the same unique key is waiting or running.` : '');
  switch (params.get('done')) {
    case 'requeued':
      return `Requeued ${jobs(n)}.${rest}`;
    case 'deleted':
      return `Deleted ${jobs(n)}; running ones are being stopped.${rest}`;
    case 'triggered':
      return 'Recurring job triggered: its run is enqueued.';
    case 'paused':
      return 'Recurring job paused.';
    case 'resumed':
      return 'Recurring job resumed.';
    case 'removed':
      return 'Recurring job removed.';
    default:
      return undefined;
  }
}

function onJobs(fields: FormFields, done: NoticeCode, act: (id: string) => ResultAsync<boolean, JobError>): ResultAsync<ActionOutcome, ActionError> {
  const ids = [...new Set(fields.get('ids') ?? [])];
  if (ids.length === 0) return errAsync({ kind: 'BadRequest', message: 'No job was selected.' });
  if (ids.length > MAX_DASHBOARD_PAGE_SIZE) return errAsync({ kind: 'BadRequest', message: `At most ${MAX_DASHBOARD_PAGE_SIZE} jobs at a time.` });
  // Every id checked before any is acted on, so a bad one cannot fail the action half done.
  const badId = ids.find((id) => parseJobId(id, 'a dashboard action').isErr());
  if (badId !== undefined) return errAsync({ kind: 'BadRequest', message: `${JSON.stringify(badId.slice(0, 40))} is not a job id.` });
  // One job that vanished meanwhile (expired, or deleted by someone else), or whose unique key another
  // job holds now, does not spoil the others: it is counted apart and left as it was. Any other refusal
  // (a filter elected a state that cannot be stored, say) is shown as such, not as a held key.
  const each = ids.map((id) =>
    act(id)
      .map((changed): 'changed' | 'unchanged' | 'held' => (changed ? 'changed' : 'unchanged'))
      .orElse((error) => (error.kind === 'JobNotFound' ? okAsync('unchanged' as const) : isUniqueKeyHeld(error) ? okAsync('held' as const) : errAsync(error))),
  );
  return ResultAsync.combine(each)
    .map((outcomes) => ({ done, count: outcomes.filter((o) => o === 'changed').length, of: ids.length, held: outcomes.filter((o) => o === 'held').length }))
    .mapErr((error): ActionError => ({ kind: 'Failed', message: error.message }));
}

function onRecurring(fields: FormFields, done: NoticeCode, act: (id: string) => ResultAsync<boolean, JobError>): ResultAsync<ActionOutcome, ActionError> {
  const id = field(fields, 'id') ?? '';
  if (id.length === 0 || id.length > 200) return errAsync({ kind: 'BadRequest', message: 'A recurring job id of 1 to 200 characters is required.' });
  return act(id)
    .mapErr((error): ActionError =>
      error.kind === 'RecurringJobNotFound' || error.kind === 'InvalidOptions'
        ? { kind: 'NotFound', message: `There is no recurring job ${JSON.stringify(id)}.` }
        : { kind: 'Failed', message: error.message })
    .andThen((found) => (found ? okAsync({ done, count: 1, of: 1, held: 0 }) : errAsync<ActionOutcome, ActionError>({ kind: 'NotFound', message: `There is no recurring job ${JSON.stringify(id)}.` })));
}
