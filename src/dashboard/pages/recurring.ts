import type { RecurringJob } from '../../storage/recurring-types.js';
import { jobLabel, timeTag } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { formGuard, type Page } from '../layout.js';
import { linkTo, type PageContext } from '../page-context.js';

/** Recurring jobs with their schedule, last run and error; trigger, pause, resume and remove. */
export function recurringPage(ctx: PageContext, jobs: readonly RecurringJob[]): Page {
  const live =
    jobs.length === 0
      ? html`<p class="empty">No recurring jobs are defined.</p>`
      : html`<table class="recurring">
<thead><tr><th>Id</th><th>Cron</th><th>Time zone</th><th>Job</th><th>Queue</th><th>Next run</th><th>Last run</th><th>Status</th>${ctx.readOnly ? '' : html`<th>Actions</th>`}</tr></thead>
<tbody>${jobs.map((job) => row(ctx, job))}</tbody>
</table>`;
  return { heading: 'Recurring jobs', section: 'recurring', live };
}

function row(ctx: PageContext, job: RecurringJob): SafeHtml {
  const label = jobLabel({ displayName: job.displayName, typeName: job.typeName, methodName: job.methodName });
  return html`<tr data-recurring-id="${job.id}">
  <td class="mono wrap">${job.id}</td>
  <td class="mono">${job.cron}</td>
  <td>${job.timeZone}</td>
  <td class="wrap">${label}</td>
  <td>${job.queue}</td>
  <td>${job.paused ? html`<span class="muted">paused</span>` : timeTag(job.nextExecutionAt, ctx.now)}</td>
  <td>${timeTag(job.lastExecutionAt, ctx.now)}${job.lastJobId === undefined ? '' : html` <a href="${linkTo(ctx, `/jobs/${job.lastJobId}`)}">#${job.lastJobId}</a>`}</td>
  <td>${job.paused ? html`<span class="state state-paused">Paused</span>` : html`<span class="state state-active">Active</span>`}${job.error === undefined ? '' : html`<div class="error-message small">${job.error}</div>`}</td>
  ${ctx.readOnly ? '' : html`<td class="row-actions"><form method="post" action="${linkTo(ctx, '/recurring/trigger')}">
    ${formGuard(ctx)}<input type="hidden" name="id" value="${job.id}">
    <button type="submit">Trigger now</button>
    ${job.paused ? html`<button type="submit" formaction="${linkTo(ctx, '/recurring/resume')}">Resume</button>` : html`<button type="submit" formaction="${linkTo(ctx, '/recurring/pause')}">Pause</button>`}
    <button type="submit" class="danger" formaction="${linkTo(ctx, '/recurring/remove')}">Remove</button>
  </form></td>`}
</tr>`;
}
