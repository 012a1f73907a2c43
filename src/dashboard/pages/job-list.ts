import { JOB_STATES, type StateName } from '../../storage/job-types.js';
import type { JobSummary, Page as ListPage, StateCounts } from '../../storage/monitoring-types.js';
import { jobLabel, timeTag } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { formGuard, stateBadge, type Page } from '../layout.js';
import { linkTo, type PageContext } from '../page-context.js';

/** What a job list shows: a state (or every state) and a search term. */
export interface ListQuery {
  readonly state: StateName | undefined;
  readonly term: string;
  readonly page: number;
  readonly pageSize: number;
}

/** Jobs by state with paging, search, and bulk requeue and delete of the selected ones. */
export function jobListPage(ctx: PageContext, query: ListQuery, jobs: ListPage<JobSummary>, counts: StateCounts): Page {
  const heading = query.state === undefined ? (query.term === '' ? 'All jobs' : 'Search') : `${query.state} jobs`;
  const tabs = html`<nav class="tabs">${JOB_STATES.map(
    (state) =>
      html`<a class="${state === query.state ? 'active' : ''}" href="${linkTo(ctx, '/jobs', { state, q: query.term })}">${stateBadge(state)} <span class="tab-count" data-count="${state}">${counts[state]}</span></a>`,
  )}<a class="${query.state === undefined ? 'active' : ''}" href="${linkTo(ctx, '/jobs', { q: query.term })}">All states</a></nav>`;
  const search = html`<form class="search" method="get" action="${linkTo(ctx, '/jobs')}" role="search">
  ${query.state === undefined ? '' : html`<input type="hidden" name="state" value="${query.state}">`}
  <input type="search" name="q" value="${query.term}" maxlength="200" placeholder="Search by id, name, type or payload text" aria-label="Search jobs">
  <button type="submit">Search</button>
  ${query.term === '' ? '' : html`<a href="${linkTo(ctx, '/jobs', { state: query.state })}">Clear</a>`}
</form>`;
  const rows = jobs.items.map(
    (job) => html`<tr>
  ${ctx.readOnly ? '' : html`<td class="select"><input type="checkbox" name="ids" value="${job.id}" aria-label="Select job ${job.id}"></td>`}
  <td><a href="${linkTo(ctx, `/jobs/${job.id}`)}">#${job.id}</a></td>
  <td class="job-name"><a href="${linkTo(ctx, `/jobs/${job.id}`)}">${jobLabel(job)}</a>${job.displayName === undefined ? '' : html`<div class="muted small">${job.methodName === undefined ? job.typeName : `${job.typeName}.${job.methodName}`}</div>`}</td>
  <td>${job.queue}</td>
  <td>${stateBadge(job.state)}</td>
  <td>${timeTag(job.createdAt, ctx.now)}</td>
  <td>${job.state === 'Scheduled' ? timeTag(job.runAt, ctx.now) : timeTag(job.stateChangedAt, ctx.now)}</td>
</tr>`,
  );
  const table =
    jobs.items.length === 0
      ? html`<p class="empty">${jobs.total > 0 ? 'This page is past the last one.' : query.term === '' ? 'No jobs here.' : 'No job matches this search.'}</p>`
      : html`<table class="jobs">
<thead><tr>${ctx.readOnly ? '' : html`<th class="select"><input type="checkbox" data-select-all aria-label="Select all"></th>`}<th>Id</th><th>Job</th><th>Queue</th><th>State</th><th>Created</th><th>${query.state === 'Scheduled' ? 'Runs' : 'State changed'}</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  const bulk = ctx.readOnly
    ? ''
    : html`<div class="toolbar">
  <button type="submit" formaction="${linkTo(ctx, '/jobs/requeue')}" data-needs-selection disabled>Requeue selected</button>
  <button type="submit" class="danger" formaction="${linkTo(ctx, '/jobs/delete')}" data-needs-selection disabled>Delete selected</button>
  <span class="muted small" data-selection-count></span>
</div>`;
  const live = html`${tabs}
<form method="post" action="${linkTo(ctx, '/jobs/requeue')}" class="job-list">
${formGuard(ctx)}
${bulk}
${table}
</form>
${pager(ctx, query, jobs.total)}`;
  return { heading, section: 'jobs', fixed: search, live };
}

function pager(ctx: PageContext, query: ListQuery, total: number): SafeHtml {
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const at = (page: number) => linkTo(ctx, '/jobs', { state: query.state, q: query.term, page, size: query.pageSize === 20 ? undefined : query.pageSize });
  const first = (query.page - 1) * query.pageSize + 1;
  const last = Math.min(total, query.page * query.pageSize);
  // A page past the last one (a bookmark, or jobs expired meanwhile) has no range to show, and its
  // "Previous" goes to the last page rather than to the empty page before this one.
  const pastTheEnd = first > total;
  return html`<nav class="pager" aria-label="Pages">
  <span class="muted">${total === 0 ? '0 jobs' : pastTheEnd ? `${total} job${total === 1 ? '' : 's'} in all` : `${first}–${last} of ${total}`}</span>
  ${query.page > 1 ? html`<a href="${at(Math.min(query.page - 1, pages))}" rel="prev">‹ Previous</a>` : html`<span class="disabled">‹ Previous</span>`}
  <span>Page ${query.page} of ${pages}</span>
  ${query.page < pages ? html`<a href="${at(query.page + 1)}" rel="next">Next ›</a>` : html`<span class="disabled">Next ›</span>`}
</nav>`;
}
