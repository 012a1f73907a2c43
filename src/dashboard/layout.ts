import { ASSET_VERSION } from './assets/index.js';
import { html, type SafeHtml } from './html.js';
import { linkTo, type PageContext } from './page-context.js';

/** A rendered page: `fixed` is drawn once, `live` is refreshed in place while the page is open. */
export interface Page {
  readonly heading: string;
  readonly section: 'overview' | 'jobs' | 'recurring' | 'servers' | 'queues' | 'error';
  readonly fixed?: SafeHtml | undefined;
  readonly live: SafeHtml;
}

const SECTIONS = [
  ['overview', '/', 'Overview'],
  ['jobs', '/jobs', 'Jobs'],
  ['recurring', '/recurring', 'Recurring jobs'],
  ['servers', '/servers', 'Servers'],
  ['queues', '/queues', 'Queues'],
] as const;

/** The whole document around a page. */
export function layout(ctx: PageContext, page: Page): SafeHtml {
  const nav = SECTIONS.map(
    ([section, path, label]) =>
      html`<a href="${linkTo(ctx, path)}" class="${section === page.section ? 'active' : ''}">${label}${section === 'jobs' ? html` <span class="nav-count failed" data-count="Failed" title="Failed jobs"></span>` : ''}</a>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${page.heading} · ${ctx.title}</title>
<link rel="stylesheet" href="${linkTo(ctx, '/assets/dashboard.css', { v: ASSET_VERSION })}">
<script src="${linkTo(ctx, '/assets/dashboard.js', { v: ASSET_VERSION })}" defer></script>
</head>
<body data-stats="${linkTo(ctx, '/api/stats')}" data-poll-ms="${ctx.pollIntervalMs}">
<header class="top">
  <a class="brand" href="${linkTo(ctx, '/')}">${ctx.title}</a>
  <nav>${nav}</nav>
  <span class="top-right">${ctx.readOnly ? html`<span class="pill">read-only</span>` : ''}<span id="live-status" class="live-status" title="Refreshes every ${Math.round(ctx.pollIntervalMs / 100) / 10} s">live</span></span>
</header>
<main>
  <h1>${page.heading}</h1>
  ${ctx.notice === undefined ? '' : html`<p class="notice" role="status">${ctx.notice}</p>`}
  ${page.fixed ?? ''}
  <div id="live">${page.live}</div>
</main>
</body>
</html>`;
}

/** A hidden anti-forgery field and where to come back after the action. */
export function formGuard(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}"><input type="hidden" name="return" value="${ctx.current}">`;
}

/** A state's badge, coloured by state. */
export function stateBadge(state: string): SafeHtml {
  return html`<span class="state state-${state.toLowerCase()}">${state}</span>`;
}
