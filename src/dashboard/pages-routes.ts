import { ResultAsync } from 'neverthrow';
import type { JobEngine } from '../engine/job-engine.js';
import type { JobError } from '../jobs/job-error.js';
import { parseJobId } from '../storage/input-validation.js';
import { formatStorageError } from '../storage/storage-error.js';
import { jobDetailsPage } from './pages/job-details.js';
import { jobListPage } from './pages/job-list.js';
import { overviewPage } from './pages/overview.js';
import { queuesPage, serversPage, errorPage } from './pages/cluster.js';
import { recurringPage } from './pages/recurring.js';
import type { Page } from './layout.js';
import type { PageContext } from './page-context.js';
import { readListQuery } from './request-query.js';

/** A page and its status. */
export interface PageReply {
  readonly status: number;
  readonly page: Page;
}

/** What a read route answers: a page, or data for the page's script. */
export type ReadReply = { readonly kind: 'page'; readonly reply: PageReply } | { readonly kind: 'json'; readonly value: unknown };

const JOB_PATH = /^\/jobs\/([^/]+)$/;

/** Answers a GET below the dashboard's path; never rejects (failures become 500 pages, logged by the caller). */
export async function readRoute(engine: JobEngine, ctx: PageContext, rel: string, params: URLSearchParams): Promise<ReadReply> {
  const page = (status: number, p: Page): ReadReply => ({ kind: 'page', reply: { status, page: p } });
  // Details go to the log, not to the browser: a database message can name tables and settings.
  const storageFailed = (message: string): ReadReply => {
    engine.logger.error('Dashboard: reading the job storage failed', { path: rel, error: message });
    return page(500, errorPage(500, 'Storage error', 'The dashboard could not read the job storage; the error is in the application log.'));
  };
  const failed = (error: JobError): ReadReply => storageFailed(error.message);
  if (rel === '/' || rel === '') {
    const result = await ResultAsync.combine([engine.monitoring.statistics(), engine.monitoring.queues(), engine.monitoring.servers(), engine.monitoring.history(24, 7)]);
    return result.match(([stats, queues, servers, history]) => page(200, overviewPage(ctx, stats, queues, servers, history)), failed);
  }
  if (rel === '/api/stats') {
    const result = await engine.monitoring.statistics();
    return result.match((stats) => ({ kind: 'json', value: stats }), failed);
  }
  if (rel === '/jobs') {
    const query = readListQuery(params);
    if (query.isErr()) return page(400, errorPage(400, 'Bad request', query.error.message));
    const q = query.value;
    const offset = (q.page - 1) * q.pageSize;
    const jobs =
      q.term === '' && q.state !== undefined
        ? engine.storage.jobsInState(q.state, { offset, limit: q.pageSize })
        : engine.storage.searchJobs({ state: q.state, term: q.term, offset, limit: q.pageSize });
    const result = await ResultAsync.combine([jobs, engine.storage.stateCounts()]);
    return result.match(
      ([list, counts]) => page(200, jobListPage(ctx, q, list, counts)),
      // A search the storage refuses (a NUL in the term) is the request's fault, not the storage's.
      (error) => (error.kind === 'InvalidInput' ? page(400, errorPage(400, 'Bad request', error.message)) : storageFailed(formatStorageError(error))),
    );
  }
  const jobPath = JOB_PATH.exec(rel);
  if (jobPath !== null) {
    const id = jobPath[1] ?? '';
    if (parseJobId(id, 'showing a job').isErr()) return page(404, errorPage(404, 'Not found', `There is no job ${JSON.stringify(id.slice(0, 40))}: job ids are positive whole numbers.`));
    const result = await engine.monitoring.jobDetails(id);
    return result.match(
      (job) => page(200, jobDetailsPage(ctx, job)),
      (error) =>
        error.kind === 'JobNotFound' || error.kind === 'InvalidOptions' || (error.kind === 'StorageFailed' && error.error.kind === 'InvalidInput')
          ? page(404, errorPage(404, 'Not found', `Job #${id} does not exist (it may have expired).`))
          : failed(error),
    );
  }
  if (rel === '/recurring') return (await engine.monitoring.recurringJobs()).match((jobs) => page(200, recurringPage(ctx, jobs)), failed);
  if (rel === '/servers') return (await engine.monitoring.servers()).match((servers) => page(200, serversPage(ctx, servers)), failed);
  if (rel === '/queues') return (await engine.monitoring.queues()).match((queues) => page(200, queuesPage(ctx, queues)), failed);
  return page(404, errorPage(404, 'Not found', 'There is no such dashboard page.'));
}
