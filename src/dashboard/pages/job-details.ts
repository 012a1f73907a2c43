import type { JobView } from '../../client/monitoring-api.js';
import type { JsonValue, StateRecord } from '../../storage/job-types.js';
import { jobLabel, prettyJson, timeTag } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { formGuard, stateBadge, type Page } from '../layout.js';
import { linkTo, type PageContext } from '../page-context.js';

/** Everything about one job: invocation, parameters, result or error with its stack, and the full history. */
export function jobDetailsPage(ctx: PageContext, job: JobView): Page {
  const invocation = job.methodName === undefined ? job.typeName : `${job.typeName}.${job.methodName}`;
  const actions = ctx.readOnly
    ? ''
    : html`<form method="post" action="${linkTo(ctx, '/jobs/requeue')}" class="actions">
  ${formGuard(ctx)}<input type="hidden" name="ids" value="${job.id}">
  ${job.state === 'Enqueued' || job.state === 'Processing' ? '' : html`<button type="submit">Requeue</button>`}
  ${job.state === 'Deleted' ? '' : html`<button type="submit" class="danger" formaction="${linkTo(ctx, '/jobs/delete')}">${job.state === 'Processing' ? 'Delete (stops it)' : 'Delete'}</button>`}
</form>`;
  const facts: [string, unknown][] = [
    ['State', stateBadge(job.state)],
    ['Job', invocation],
    ['Display name', job.displayName === invocation ? undefined : job.displayName],
    ['Queue', job.queue],
    ['Unique key', job.uniqueKey],
    ['Created', timeTag(job.createdAt, ctx.now)],
    ['State changed', timeTag(job.stateChangedAt, ctx.now)],
    ['Runs at', job.runAt === undefined ? undefined : timeTag(job.runAt, ctx.now)],
    ['Retries', job.retryCount],
    ['Fetched', `${job.fetchCount} time${job.fetchCount === 1 ? '' : 's'}`],
    ['Server', job.leaseOwner],
    ['Parent job', job.parentId === undefined ? undefined : html`<a href="${linkTo(ctx, `/jobs/${job.parentId}`)}">#${job.parentId}</a>`],
    ['Recurring job', job.recurringId === undefined ? undefined : html`<a href="${linkTo(ctx, '/recurring')}">${job.recurringId}</a>`],
    ['Expires', job.expireAt === undefined ? undefined : timeTag(job.expireAt, ctx.now)],
  ];
  const parameters = Object.entries(job.parameters);
  const live = html`<div class="job-head">${stateBadge(job.state)} <span class="job-title">${jobLabel(job)}</span>${actions}</div>
<div class="columns">
<section class="panel">
  <h2>Job</h2>
  <dl class="facts">${facts.filter(([, value]) => value !== undefined && value !== '').map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}</dl>
</section>
<section class="panel">
  <h2>Payload</h2>
  <pre class="code">${prettyJson(job.payload)}</pre>
  ${parameters.length === 0 ? '' : html`<h2>Parameters</h2><table><tbody>${parameters.map(([name, value]) => html`<tr><th>${name}</th><td><pre class="code inline">${prettyJson(value)}</pre></td></tr>`)}</tbody></table>`}
</section>
</div>
${job.result === undefined ? '' : html`<section class="panel"><h2>Result</h2><pre class="code">${prettyJson(job.result)}</pre></section>`}
${job.error === undefined ? '' : html`<section class="panel error-panel"><h2>Error</h2>${errorDetails(job.error)}</section>`}
<section class="panel">
  <h2>History</h2>
  <ol class="history">${job.history.map((entry) => historyEntry(ctx, entry))}</ol>
</section>`;
  return { heading: `Job #${job.id}`, section: 'jobs', live };
}

function errorDetails(record: StateRecord): SafeHtml {
  const data = record.data ?? {};
  const type = typeof data.errorType === 'string' ? data.errorType : typeof data.kind === 'string' ? data.kind : undefined;
  const message = typeof data.message === 'string' ? data.message : record.reason;
  return html`<p class="error-message">${type === undefined ? '' : html`<strong>${type}</strong>: `}${message}</p>
${typeof data.stack === 'string' && data.stack !== '' ? html`<pre class="code stack">${data.stack}</pre>` : ''}`;
}

function historyEntry(ctx: PageContext, entry: StateRecord): SafeHtml {
  const data = Object.entries(entry.data ?? {}).filter(([name]) => name !== 'stack');
  const stack = entry.data?.stack;
  return html`<li class="history-entry">
  <div class="history-head">${stateBadge(entry.name)} ${timeTag(entry.createdAt, ctx.now)}</div>
  ${entry.reason === undefined ? '' : html`<div class="reason">${entry.reason}</div>`}
  ${data.length === 0 ? '' : html`<dl class="facts small">${data.map(([name, value]) => html`<dt>${name}</dt><dd>${showValue(value)}</dd>`)}</dl>`}
  ${typeof stack === 'string' && stack !== '' ? html`<details><summary>Stack trace</summary><pre class="code stack">${stack}</pre></details>` : ''}
</li>`;
}

function showValue(value: JsonValue): string {
  return typeof value === 'string' ? value : prettyJson(value);
}
