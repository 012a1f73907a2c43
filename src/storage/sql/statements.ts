import { createClaimedJobSql } from './create-claimed-job.js';
import { createJobSql } from './create-job.js';
import { createJobsSql } from './create-jobs.js';
import { createUniqueJobSql } from './create-unique-job.js';
import { fetchJobsSql } from './fetch-jobs.js';
import { renewLeasesSql } from './renew-leases.js';
import { strayLeasesSql } from './stray-leases.js';
import { changeStatesSql } from './change-states.js';
import { dueScheduledSql, expireJobsSql, nextScheduledSql, scheduledDueInSql } from './schedulers.js';
import { releaseContinuationsOfSql, sweepContinuationsSql } from './continuations.js';
import { announceServerSql, heartbeatSql, removeDeadServersSql, removeServerSql } from './servers.js';
import { getParametersSql, getResultSql, setParameterSql } from './job-data.js';
import { jobOutcomesSql, lastSucceededAtSql } from './job-lookups.js';
import * as monitoring from './monitoring.js';
import * as recurring from './recurring.js';
import * as recurringTicks from './recurring-ticks.js';
import { countSearchSql, searchJobsSql } from './search-jobs.js';
import { databaseNowSql } from './database-clock.js';
import { aggregateCountersSql, allTimeCountsSql, stateHistorySql } from './counters.js';

/** Every statement's text for one schema, built once when the storage opens. */
export function statementsFor(schema: string) {
  return {
    databaseNow: databaseNowSql(),
    createJob: createJobSql(schema, false),
    createJobWithParameters: createJobSql(schema, true),
    createClaimedJob: createClaimedJobSql(schema, false),
    createClaimedJobWithParameters: createClaimedJobSql(schema, true),
    createJobs: createJobsSql(schema),
    createUniqueJob: createUniqueJobSql(schema),
    fetchJobs: fetchJobsSql(schema),
    renewLeases: renewLeasesSql(schema),
    strayLeases: strayLeasesSql(schema),
    changeStates: changeStatesSql(schema),
    dueScheduled: dueScheduledSql(schema),
    expireJobs: expireJobsSql(schema),
    nextScheduled: nextScheduledSql(schema),
    scheduledDueIn: scheduledDueInSql(schema),
    releaseContinuationsOf: releaseContinuationsOfSql(schema),
    sweepContinuations: sweepContinuationsSql(schema),
    announceServer: announceServerSql(schema),
    heartbeat: heartbeatSql(schema),
    removeServer: removeServerSql(schema),
    removeDeadServers: removeDeadServersSql(schema),
    setParameter: setParameterSql(schema),
    getParameters: getParametersSql(schema),
    getResult: getResultSql(schema),
    jobOutcomes: jobOutcomesSql(schema),
    lastSucceededAt: lastSucceededAtSql(schema),
    stateCounts: monitoring.stateCountsSql(schema),
    jobsInState: monitoring.jobsInStateSql(schema),
    countInState: monitoring.countInStateSql(schema),
    jobRow: monitoring.jobRowSql(schema),
    jobHistory: monitoring.jobHistorySql(schema),
    jobParameters: monitoring.jobParametersSql(schema),
    queues: monitoring.queuesSql(schema),
    servers: monitoring.serversSql(schema),
    upsertRecurring: recurring.upsertRecurringSql(schema),
    getRecurring: recurring.getRecurringSql(schema),
    listRecurring: recurring.listRecurringSql(schema),
    removeRecurring: recurring.removeRecurringSql(schema),
    setRecurringPaused: recurring.setRecurringPausedSql(schema),
    lockDueRecurring: recurringTicks.lockDueRecurringSql(schema),
    recordRecurringPass: recurringTicks.recordRecurringPassSql(schema),
    recordRecurringRun: recurringTicks.recordRecurringRunSql(schema),
    resumeRecurring: recurringTicks.resumeRecurringSql(schema),
    recurringDueIn: recurringTicks.recurringDueInSql(schema),
    searchJobs: searchJobsSql(schema),
    countSearch: countSearchSql(schema),
    aggregateCounters: aggregateCountersSql(schema),
    stateHistory: stateHistorySql(schema),
    allTimeCounts: allTimeCountsSql(schema),
  } as const;
}

export type Statements = ReturnType<typeof statementsFor>;
