import type { Statistics } from '../../client/monitoring-api.js';
import { JOB_STATES } from '../../storage/job-types.js';
import type { QueueSummary, ServerInfo, StateHistory } from '../../storage/monitoring-types.js';
import { historyChart } from '../history-chart.js';
import { timeTag } from '../format.js';
import { html } from '../html.js';
import type { Page } from '../layout.js';
import { linkTo, stateLink, type PageContext } from '../page-context.js';

/**
 * Counts per state, the live chart, the stored history and the cluster at a
 * glance. The live chart is drawn by the page's script from the counts it
 * polls (the all-time counts of jobs that reached Succeeded or Failed, so
 * their difference between two polls is what finished in between), so it
 * covers the time the page has been open in this tab. The history (jobs that
 * succeeded and failed per hour over the last 24 hours and per day over the
 * last 7, from the counters every state change records) is drawn here, on the
 * server, as plain SVG, and refreshed with the rest of the live region.
 */
export function overviewPage(ctx: PageContext, stats: Statistics, queues: readonly QueueSummary[], servers: readonly ServerInfo[], history: StateHistory): Page {
  const cards = JOB_STATES.map(
    (state) => html`<a class="card card-${state.toLowerCase()}" href="${stateLink(ctx, state)}"><span class="card-count" data-count="${state}">${stats[state]}</span><span class="card-label">${state}</span></a>`,
  );
  const fixed = html`<section class="cards">${cards}
  <a class="card" href="${linkTo(ctx, '/servers')}"><span class="card-count" data-count="servers">${stats.servers}</span><span class="card-label">Servers</span></a>
  <a class="card" href="${linkTo(ctx, '/recurring')}"><span class="card-count" data-count="recurring">${stats.recurring}</span><span class="card-label">Recurring</span></a>
</section>
<section class="panel">
  <h2>Realtime: jobs finished per ${Math.round(ctx.pollIntervalMs / 100) / 10} s</h2>
  <div id="chart" class="chart" data-series="Succeeded Failed"><p class="muted">The chart starts when the page's script has polled twice.</p></div>
  <p class="legend"><span class="swatch succeeded"></span> Succeeded <span class="swatch failed"></span> Failed <span class="muted">· since this tab opened (kept while you browse the dashboard)</span></p>
</section>`;
  const live = html`<div class="columns">
<section class="panel">
  <h2>Last 24 hours</h2>
  ${historyChart('history-hourly', history.hourly, 'hour')}
</section>
<section class="panel">
  <h2>Last 7 days</h2>
  ${historyChart('history-daily', history.daily, 'day')}
</section>
</div>
<div class="columns">
<section class="panel">
  <h2>Queues</h2>
  ${queues.length === 0 ? html`<p class="muted">No job is waiting or running.</p>` : html`<table><thead><tr><th>Queue</th><th class="num">Enqueued</th><th class="num">Processing</th></tr></thead><tbody>${queues.map((q) => html`<tr><td>${q.name}</td><td class="num">${q.enqueued}</td><td class="num">${q.processing}</td></tr>`)}</tbody></table>`}
</section>
<section class="panel">
  <h2>Servers</h2>
  ${servers.length === 0 ? html`<p class="muted">No server is running.</p>` : html`<table><thead><tr><th>Name</th><th class="num">Workers</th><th>Heartbeat</th></tr></thead><tbody>${servers.map((s) => html`<tr><td class="wrap">${s.name}</td><td class="num">${s.workerCount}</td><td>${timeTag(s.heartbeatAt, ctx.now)}</td></tr>`)}</tbody></table>`}
</section>
</div>`;
  return { heading: 'Overview', section: 'overview', fixed, live };
}
