/** Renders the medians as a Markdown table: absolute figures, ours against the best peer, the target. */
import type { SubjectName } from './child-task.js';
import type { Row } from './rows.js';

/** Median figures by subject, then metric. */
export type Medians = Partial<Record<SubjectName, Record<string, number>>>;

const PEERS = ['graphile-worker', 'pg-boss'] as const;

export function renderTable(rows: readonly Row[], medians: Medians): string {
  const lines = [
    '| measurement | mediator-jobs | graphile-worker | pg-boss | PostgreSQL ceiling | ours vs best peer | target | met |',
    '|---|--:|--:|--:|--:|--:|---|---|',
  ];
  for (const row of rows) {
    const ours = figure(medians, row.source === 'compared' ? 'mediator-jobs' : row.source, row.metric);
    const peers = row.source === 'compared' ? PEERS.map((peer) => figure(medians, peer, row.metric)) : [undefined, undefined];
    const ceiling = row.source === 'compared' ? figure(medians, 'postgres', row.metric) : undefined;
    const ratio = ratioOf(row, ours, peers);
    const target = row.target;
    let met = '';
    let ratioText = ratio === undefined ? '' : `${ratio.toFixed(2)}x`;
    if (target !== undefined && ours !== undefined) {
      if (target.kind === 'ratio' && ratio !== undefined) met = ratio >= target.atLeast ? 'yes' : 'no';
      if (target.kind === 'at-most-ms') met = ours <= target.ms ? 'yes' : 'no';
      if (target.kind === 'of-own') {
        const own = figure(medians, 'mediator-jobs', target.metric);
        if (own !== undefined) {
          ratioText = `${(ours / own).toFixed(2)}x of empty`;
          met = ours / own >= target.atLeast ? 'yes' : 'no';
        }
      }
    }
    // The database's own rows have their figure in the ceiling column only.
    const ceilingOnly = row.source === 'postgres';
    const cells = [
      row.label,
      ceilingOnly ? 'n/a' : cell(medians, row.source === 'compared' ? 'mediator-jobs' : row.source, row.metric, row.unit),
      ...PEERS.map((peer) => (row.source === 'compared' ? cell(medians, peer, row.metric, row.unit) : 'n/a')),
      ceilingOnly ? cell(medians, 'postgres', row.metric, row.unit) : row.source === 'compared' && ceiling !== undefined ? format(ceiling, row.unit) : '',
      ratioText,
      target?.text ?? '',
      met,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function figure(medians: Medians, subject: SubjectName, metric: string): number | undefined {
  const value = medians[subject]?.[metric];
  return value === undefined || !Number.isFinite(value) ? undefined : value;
}

/** Above 1 means ours is better: throughput ours ÷ best peer, latency (and CPU per job) best peer ÷ ours. */
function ratioOf(row: Row, ours: number | undefined, peers: readonly (number | undefined)[]): number | undefined {
  const present = peers.filter((peer): peer is number => peer !== undefined);
  if (ours === undefined || present.length === 0) return undefined;
  return row.unit === 'jobs/s' ? ours / Math.max(...present) : Math.min(...present) / ours;
}

/** A figure, or a dash when there is none (left out of this run, or failed: the report lists failures). */
function cell(medians: Medians, subject: SubjectName, metric: string, unit: Row['unit']): string {
  const value = figure(medians, subject, metric);
  return value === undefined ? '—' : format(value, unit);
}

function format(value: number, unit: Row['unit']): string {
  if (unit === 'jobs/s') return `${Math.round(value).toLocaleString('en')} /s`;
  return unit === 'µs' ? `${Math.round(value).toLocaleString('en')} µs` : `${value.toFixed(2)} ms`;
}
