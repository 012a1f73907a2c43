import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { testEngine } from './support.js';

class Outcome extends Request<string> {
  constructor(readonly succeed: boolean) {
    super();
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`expiration (${kind})`, () => {
    it('removes old Succeeded and Deleted jobs with everything they own, and keeps Failed ones', async () => {
      let succeeded = 0;
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Outcome, { handle: (o: Outcome) => { if (!o.succeed) throw new Error('failed on purpose'); succeeded++; return 'fine'; } })._unsafeUnwrap();
      }, { JobExpirationTimeout: '500ms', JobExpirationCheckInterval: '100ms' }, { retry: false });
      try {
        const [ok, failed, deleted] = (await e.engine.client.enqueueBatch([
          { job: new Outcome(true), options: { parameters: { note: 'x' } } },
          new Outcome(false),
          new Outcome(true),
        ]))._unsafeUnwrap();
        (await e.engine.client.delete(deleted!))._unsafeUnwrap();
        await e.startServer();
        // Not by its state: it may expire 500 ms after it succeeded, before a slow poll sees it.
        await eventually(async () => (succeeded === 1 ? true : undefined), 'the succeeding job to run');
        await e.waitForState(failed!, 'Failed');
        await eventually(async () => ((await e.t.storage.jobDetails(ok!))._unsafeUnwrap() === undefined ? true : undefined), 'the succeeded job to expire', 10_000);
        await eventually(async () => ((await e.t.storage.jobDetails(deleted!))._unsafeUnwrap() === undefined ? true : undefined), 'the deleted job to expire', 10_000);
        const leftovers = await e.t.sql<{ count: number }>(
          `SELECT (SELECT count(*) FROM ${e.t.storage.schema.quoted}.job_states WHERE job_id = $1) + (SELECT count(*) FROM ${e.t.storage.schema.quoted}.job_parameters WHERE job_id = $1) + (SELECT count(*) FROM ${e.t.storage.schema.quoted}.job_results WHERE job_id = $1) AS count`,
          [ok],
        );
        assert.equal(Number(leftovers[0]?.count), 0, 'history, parameters and result went with it');
        assert.equal((await e.t.storage.getState(failed!))._unsafeUnwrap(), 'Failed', 'failed jobs never expire');
      } finally {
        await e.dispose();
      }
    });
  });
}
