/**
 * A condition that lets the planner find a batch's rows by primary key.
 *
 * The completion and lease-renewal statements join the jobs table to a batch
 * of ids (an `unnest` of parameter arrays). (The fetch uses row addresses
 * instead, see fetch-jobs.ts.) Our connections plan
 * generically (see generic-plans.ts), and a generic plan cannot know how
 * many ids a batch holds. Once the statistics describe the table, the join
 * alone is planned as a hash join over a sequential scan of all jobs, for
 * every batch: with 20,000 jobs in the table, a fetch of 100 took 12-14 ms
 * instead of 6. `id = ANY (ids)` gives the planner an index lookup of the
 * ids themselves, whatever their number. The join stays, for the batch's
 * other columns.
 */
export const byPrimaryKey = (column: string, ids: string): string => `${column} = ANY (${ids})`;
