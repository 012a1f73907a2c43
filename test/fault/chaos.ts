/**
 * `npm run test:chaos`: the long fault run. Starts a PostgreSQL of its own
 * (it restarts it mid-run), runs the full plan (10,000 jobs, three servers,
 * two SIGKILLs with restarts, connection terminations, a database restart,
 * the hostile handlers, a recurring job every second), prints the summary
 * table and writes it to test/output/chaos-summary.md (and .json). Exits
 * non-zero when anything was lost, stuck or ran twice without a cause.
 * FAULT_SEED=<n> repeats a run's random choices.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startThrowawayPostgres } from '../support/embedded-postgres-server.js';
import { CHAOS, faultSeed } from './support/plans.js';
import { runFaultScenario, type FaultReport } from './support/scenario.js';
import { formatSummary } from './support/summary.js';

const output = join(import.meta.dirname, '..', 'output');

async function main(): Promise<number> {
  const database = await startThrowawayPostgres();
  let report: FaultReport;
  try {
    report = await runFaultScenario({ ...CHAOS, url: database.url, restartDatabase: (downMs) => database.restart(downMs), seed: faultSeed(), log: (line) => console.log(line) });
  } finally {
    await database.stop();
  }
  const table = formatSummary([report]);
  const verdict = report.verdict;
  const details = [
    `double runs by cause: ${JSON.stringify(verdict.doubleRunsByCause)}`,
    `recoveries after a death: ${verdict.recoveries.map((r) => `${r.instance}: ${r.jobs} job(s) in ${r.ms} ms`).join('; ') || 'none'}`,
    `faults: ${report.events.map((event) => event.kind).join(', ')}`,
  ];
  console.log(`\n${table}\n\n${details.join('\n')}`);
  mkdirSync(output, { recursive: true });
  writeFileSync(join(output, 'chaos-summary.md'), `${table}\n\n${details.map((line) => `- ${line}`).join('\n')}\n\nRun at ${new Date().toISOString()} (node ${process.version}).\n`);
  writeFileSync(join(output, 'chaos-summary.json'), JSON.stringify({ ...report, plan: { ...report.plan, restartDatabase: undefined, log: undefined } }, null, 2));
  if (report.problems.length > 0) {
    console.error(`\nThe chaos run FAILED:\n${report.problems.join('\n')}`);
    return 1;
  }
  console.log('\nThe chaos run passed: nothing lost, nothing stuck, every double run explained by a fault.');
  return 0;
}

// Exit explicitly: embedded-postgres's exit hook would otherwise turn a failure into exit code 0.
process.exit(await main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
}));
