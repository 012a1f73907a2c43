/** The summary table of fault runs, as Markdown (printed by the suite, copied into docs/RELIABILITY.md). */
import type { FaultReport } from './scenario.js';

export function formatSummary(reports: readonly FaultReport[]): string {
  const header = ['run', 'jobs', 'recurring runs', 'kills (+ exits)', 'database restarts', 'terminations (backends / LISTEN)', 'jobs lost', 'not final', 'double runs', 'unexplained', 'longest recovery', 'ticks fired / missing / twice', 'notify after cut', 'took', 'seed'];
  const rows = reports.map((report) => {
    const { verdict, events } = report;
    const kills = events.filter((event) => event.kind === 'kill').length;
    const exits = events.filter((event) => event.kind === 'exit').length;
    const restarts = events.filter((event) => event.kind === 'database-restart').length;
    const terminations = events.flatMap((event) => (event.kind === 'terminate' ? [event] : []));
    const causes = Object.entries(verdict.doubleRunsByCause).map(([cause, n]) => `${n} ${cause}`).join(', ');
    const longest = verdict.recoveries.reduce((max, recovery) => Math.max(max, recovery.ms), 0);
    return [
      report.plan.name,
      String(verdict.jobs),
      String(verdict.recurringRuns),
      `${kills} (+ ${exits})`,
      String(restarts),
      `${terminations.length} (${sum(terminations.map((t) => t.backends))} / ${sum(terminations.map((t) => t.listeners))})`,
      String(verdict.lost.length),
      String(verdict.notFinal.length),
      verdict.doubleRuns === 0 ? '0' : `${verdict.doubleRuns} (${causes})`,
      String(verdict.unexplained.length),
      verdict.recoveries.length === 0 ? 'n/a' : `${seconds(longest)} (ServerTimeout ${seconds(report.serverTimeoutMs)}, lease ${seconds(report.invisibilityTimeoutMs)})`,
      report.plan.recurring ? `${verdict.ticks.fired} / ${verdict.ticks.missing.length} / ${verdict.ticks.duplicated.length}` : 'n/a',
      report.notificationProbeMs === undefined ? 'n/a' : `${report.notificationProbeMs} ms (poll ${seconds(report.queuePollIntervalMs)})`,
      seconds(report.durationMs),
      String(report.plan.seed),
    ];
  });
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
