import type { HistoryPoint } from '../storage/monitoring-types.js';
import { html, type SafeHtml } from './html.js';

/** The drawing's coordinate system (the SVG scales to its box through the viewBox). */
const WIDTH = 600;
const HEIGHT = 160;
const LEFT = 40;
const RIGHT = 6;
const TOP = 10;
const BOTTOM = 22;

/** Hourly or daily points. */
export type HistoryUnit = 'hour' | 'day';

const round = (n: number): number => Math.round(n * 10) / 10;
const pad = (n: number): string => String(n).padStart(2, '0');

/** "06:00" for an hour, "11-21" for a day (UTC). */
function shortLabel(start: Date, unit: HistoryUnit): string {
  return unit === 'hour' ? `${pad(start.getUTCHours())}:00` : `${pad(start.getUTCMonth() + 1)}-${pad(start.getUTCDate())}`;
}

/** "2026-11-21 06:00–07:00 UTC" for an hour, "2026-11-21 (UTC)" for a day. */
function longLabel(start: Date, unit: HistoryUnit): string {
  const day = start.toISOString().slice(0, 10);
  if (unit === 'day') return `${day} (UTC)`;
  return `${day} ${pad(start.getUTCHours())}:00–${pad((start.getUTCHours() + 1) % 24)}:00 UTC`;
}

/** The smallest of 1, 2, 5 × 10^n at or above `n` (at least 1), so the axis reads in round numbers. */
function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

/**
 * A server-rendered stacked bar chart of succeeded (bottom) and failed (top)
 * jobs per hour or day: plain SVG styled by the stylesheet's classes (no
 * inline style or script), each bar titled with its numbers, and the same
 * numbers in a table below for whoever cannot see the bars.
 */
export function historyChart(id: string, points: readonly HistoryPoint[], unit: HistoryUnit): SafeHtml {
  const max = niceCeiling(Math.max(0, ...points.map((p) => p.succeeded + p.failed)));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(1, points.length);
  const barWidth = round(Math.max(1, slot * 0.7));
  const y = (value: number) => round(TOP + plotHeight - (value / max) * plotHeight);
  const labelEvery = unit === 'hour' ? Math.max(1, Math.ceil(points.length / 8)) : Math.max(1, Math.ceil(points.length / 10));

  const grid = [0, max / 2, max].map((value) => html`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(value)}" y2="${y(value)}"></line><text class="axis-label" x="${LEFT - 6}" y="${y(value) + 4}" text-anchor="end">${Number.isInteger(value) ? value : value.toFixed(1)}</text>`);
  const bars = points.map((point, index) => {
    const x = round(LEFT + index * slot + (slot - barWidth) / 2);
    const succeededTop = y(point.succeeded);
    const failedTop = y(point.succeeded + point.failed);
    const label = (points.length - 1 - index) % labelEvery === 0
      ? html`<text class="axis-label" x="${round(x + barWidth / 2)}" y="${HEIGHT - 6}" text-anchor="middle">${shortLabel(point.start, unit)}</text>`
      : '';
    return html`<g class="bar"><title>${longLabel(point.start, unit)}: ${point.succeeded} succeeded, ${point.failed} failed</title><rect class="hit" x="${round(LEFT + index * slot)}" y="${TOP}" width="${round(slot)}" height="${plotHeight}"></rect>${point.succeeded > 0 ? html`<rect class="bar-succeeded" x="${x}" y="${succeededTop}" width="${barWidth}" height="${round(TOP + plotHeight - succeededTop)}"></rect>` : ''}${point.failed > 0 ? html`<rect class="bar-failed" x="${x}" y="${failedTop}" width="${barWidth}" height="${round(succeededTop - failedTop)}"></rect>` : ''}${label}</g>`;
  });
  const succeeded = points.reduce((sum, p) => sum + p.succeeded, 0);
  const failed = points.reduce((sum, p) => sum + p.failed, 0);
  const heading = unit === 'hour' ? 'Hour (UTC)' : 'Day (UTC)';
  return html`<div class="history" id="${id}">
<svg class="history-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" aria-labelledby="${id}-summary">${grid}${bars}</svg>
<p class="legend" id="${id}-summary"><span class="swatch succeeded"></span> <span data-total="${id}-succeeded">${succeeded}</span> succeeded <span class="swatch failed"></span> <span data-total="${id}-failed">${failed}</span> failed</p>
<details class="history-numbers"><summary>Numbers</summary>
<table><thead><tr><th>${heading}</th><th class="num">Succeeded</th><th class="num">Failed</th></tr></thead><tbody>${[...points].reverse().map((p) => html`<tr><td>${longLabel(p.start, unit)}</td><td class="num">${p.succeeded}</td><td class="num">${p.failed}</td></tr>`)}</tbody></table>
</details>
</div>`;
}
