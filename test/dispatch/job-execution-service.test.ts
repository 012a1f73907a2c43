import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { JobExecutionService } from '../../src/dispatch/job-execution-service.js';
import { Request } from '../../src/mediator/index.js';
import { lastSucceededAtSql } from '../../src/storage/sql/job-lookups.js';
import { errOf, okOf } from '../mediator/support/outcome.js';
import { STORAGE_KINDS, openTestStorage } from '../support/test-storage.js';
import { testEngine, type TestEngine } from '../engine/support.js';

interface Item {
  readonly id: number;
  readonly at: Date;
  readonly size: bigint;
}

class ListItems extends Request<Item[]> {
  static readonly requestTypeName = 'execution-tests.ListItems';
  constructor(readonly count: number) {
    super();
  }
}

class Summarize extends Request<{ total: bigint }> {
  static readonly requestTypeName = 'execution-tests.Summarize';
}

class DoNothing extends Request<void> {
  static readonly requestTypeName = 'execution-tests.DoNothing';
}

class Fail extends Request<string> {
  static readonly requestTypeName = 'execution-tests.Fail';
}

const item = (id: number): Item => ({ id, at: new Date(Date.UTC(2030, 0, id)), size: BigInt(id) ** 20n });

async function engine(kind: (typeof STORAGE_KINDS)[number]): Promise<TestEngine> {
  return testEngine(kind, (registry) => {
    registry.addHandler(ListItems, { handle: (r: ListItems) => Array.from({ length: r.count }, (_, i) => item(i + 1)) })._unsafeUnwrap();
    registry.addHandler(Summarize, { handle: () => ({ total: 2n ** 64n }) })._unsafeUnwrap();
    registry.addHandler(DoNothing, { handle: () => undefined })._unsafeUnwrap();
    registry.addHandler(Fail, { handle: () => { throw new Error('failed on purpose'); } })._unsafeUnwrap();
  }, {}, { retry: false });
}

for (const kind of STORAGE_KINDS) {
  describe(`the job execution service (${kind})`, () => {
    it('the last successful run of a request type or a recurring job: the newest, null when it never ran', async () => {
      const e = await engine(kind);
      const service = new JobExecutionService(e.t.storage);
      try {
        assert.equal(await okOf(() => service.getLastSuccessfulRun(ListItems.requestTypeName)), null, 'never ran');
        assert.equal(await okOf(() => service.getLastSuccessfulRun('nightly-report')), null);
        const client = e.engine.client;
        const first = (await client.enqueue(new ListItems(1)))._unsafeUnwrap();
        const failed = (await client.enqueue(new Fail(), { recurringId: 'failing-report' }))._unsafeUnwrap();
        const nightly = (await client.enqueue(new Summarize(), { recurringId: 'nightly-report' }))._unsafeUnwrap();
        await e.startServer({ WorkerCount: 1 });
        for (const id of [first, nightly]) await e.waitForState(id, 'Succeeded');
        await e.waitForState(failed, 'Failed');
        const second = (await client.enqueue(new ListItems(2)))._unsafeUnwrap();
        await e.waitForState(second, 'Succeeded');

        const finishedAt = async (id: string) => (await e.t.storage.jobDetails(id))._unsafeUnwrap()!.stateChangedAt;
        const byType = await okOf(() => service.getLastSuccessfulRun(ListItems.requestTypeName));
        assert.deepEqual(byType, await finishedAt(second), 'the newer of the two runs');
        assert.ok(byType !== null && byType > (await finishedAt(first)));
        assert.deepEqual(await okOf(() => service.getLastSuccessfulRun('nightly-report')), await finishedAt(nightly));
        assert.deepEqual(await okOf(() => service.getLastSuccessfulRun(Summarize.requestTypeName)), await finishedAt(nightly), 'a recurring run counts for its type too');
        assert.equal(await okOf(() => service.getLastSuccessfulRun('failing-report')), null, 'a failed run is not a successful one');
        assert.equal(await okOf(() => service.getLastSuccessfulRun(Fail.requestTypeName)), null);
        assert.equal((await errOf(() => service.getLastSuccessfulRun(''))).kind, 'InvalidOptions');
      } finally {
        await e.dispose();
      }
    });

    it('returned items and item, decoded; each error kind', async () => {
      const e = await engine(kind);
      const service = new JobExecutionService(e.t.storage);
      try {
        const client = e.engine.client;
        const waiting = (await client.enqueue(new ListItems(1), { queue: 'nobody-serves-this' }))._unsafeUnwrap();
        const list = (await client.enqueue(new ListItems(3)))._unsafeUnwrap();
        const empty = (await client.enqueue(new ListItems(0)))._unsafeUnwrap();
        const object = (await client.enqueue(new Summarize()))._unsafeUnwrap();
        const nothing = (await client.enqueue(new DoNothing()))._unsafeUnwrap();
        const failed = (await client.enqueue(new Fail()))._unsafeUnwrap();
        await e.startServer();
        for (const id of [list, empty, object, nothing]) await e.waitForState(id, 'Succeeded');
        await e.waitForState(failed, 'Failed');

        const items = await okOf(() => service.getJobResultReturnedItems<Item>(list));
        assert.deepEqual(items, [item(1), item(2), item(3)]);
        assert.ok(items[0]!.at instanceof Date);
        assert.deepEqual(await okOf(() => service.getJobResultReturnedItems(empty)), []);
        assert.deepEqual(await okOf(() => service.getJobResultReturnedItem<{ total: bigint }>(object)), { total: 2n ** 64n });
        assert.deepEqual(await okOf(() => service.getJobResultReturnedItem<Item[]>(list)), [item(1), item(2), item(3)]);

        assert.deepEqual(await errOf(() => service.getJobResultReturnedItems(object)), { kind: 'ResultNotAList', jobId: object, message: `The result of job ${object} is an object, not a list.` });
        const notFinished = await errOf(() => service.getJobResultReturnedItem(waiting));
        assert.deepEqual([notFinished.kind, 'state' in notFinished ? notFinished.state : undefined], ['NotFinished', 'Enqueued']);
        const noValue = await errOf(() => service.getJobResultReturnedItem(nothing));
        assert.deepEqual([noValue.kind, 'state' in noValue ? noValue.state : undefined], ['NoResult', 'Succeeded']);
        const noResult = await errOf(() => service.getJobResultReturnedItems(failed));
        assert.deepEqual([noResult.kind, 'state' in noResult ? noResult.state : undefined], ['NoResult', 'Failed']);
        assert.equal((await errOf(() => service.getJobResultReturnedItem('987654321'))).kind, 'JobNotFound');
        assert.equal((await errOf(() => service.getJobResultReturnedItem('not a job id'))).kind, 'InvalidOptions');

        await e.t.sql(`UPDATE "${e.t.options.schemaName!}".job_results SET value = '{"broken' WHERE job_id = $1`, [object]);
        assert.equal((await errOf(() => service.getJobResultReturnedItem(object))).kind, 'Unserializable');
      } finally {
        await e.dispose();
      }
    });
  });
}

describe('the last successful run is an index lookup (PostgreSql)', () => {
  it('the kept jobs are read through the partial indexes of migration 0002, the expired ones by the key of last_successes', async () => {
    const t = await openTestStorage('PostgreSql');
    const client = new pg.Client({ connectionString: t.options.connectionString });
    await client.connect();
    try {
      // Tiny tables make a sequential scan cheapest; forbid it to see whether the indexes can serve.
      await client.query('SET enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${lastSucceededAtSql(`"${t.options.schemaName!}"`)}`, ['nightly-report']);
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      assert.match(text, /jobs_succeeded_recurring_idx/, text);
      assert.match(text, /jobs_succeeded_type_idx/, text);
      assert.match(text, /last_successes_pkey/, text);
      assert.doesNotMatch(text, /\bSort\s+\(cost/, `newest first comes from the index order, not a sort:\n${text}`);
    } finally {
      await client.end();
      await t.dispose();
    }
  });
});
