import type { QueueSummary, ServerInfo } from '../../storage/monitoring-types.js';
import { timeTag } from '../format.js';
import { html } from '../html.js';
import type { Page } from '../layout.js';
import type { PageContext } from '../page-context.js';

/** Servers with their workers, queues and last heartbeat. */
export function serversPage(ctx: PageContext, servers: readonly ServerInfo[]): Page {
  const live =
    servers.length === 0
      ? html`<p class="empty">No server is running. Jobs wait in their queues until one starts.</p>`
      : html`<table><thead><tr><th>Name</th><th class="num">Workers</th><th>Queues</th><th>Started</th><th>Last heartbeat</th></tr></thead>
<tbody>${servers.map((s) => html`<tr><td class="mono wrap">${s.name}</td><td class="num">${s.workerCount}</td><td>${s.queues.map((q, i) => html`${i > 0 ? ' ' : ''}<span class="tag">${q}</span>`)}</td><td>${timeTag(s.startedAt, ctx.now)}</td><td>${timeTag(s.heartbeatAt, ctx.now)}</td></tr>`)}</tbody></table>`;
  return { heading: 'Servers', section: 'servers', live };
}

/** Queues with their waiting and running jobs. */
export function queuesPage(_ctx: PageContext, queues: readonly QueueSummary[]): Page {
  const live =
    queues.length === 0
      ? html`<p class="empty">Every queue is empty.</p>`
      : html`<table><thead><tr><th>Queue</th><th class="num">Enqueued</th><th class="num">Processing</th></tr></thead>
<tbody>${queues.map((q) => html`<tr><td class="mono">${q.name}</td><td class="num">${q.enqueued}</td><td class="num">${q.processing}</td></tr>`)}</tbody></table>`;
  return { heading: 'Queues', section: 'queues', live };
}

/** A refusal or failure, said plainly. */
export function errorPage(status: number, title: string, message: string): Page {
  return { heading: `${status} ${title}`, section: 'error', live: html`<section class="panel"><p>${message}</p></section>` };
}
