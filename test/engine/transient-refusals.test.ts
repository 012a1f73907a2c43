/**
 * A completion the database refuses for a passing reason (a deadlock, a
 * serialization conflict, a lock or statement timeout) is written again: the
 * jobs it held are not left Processing until their leases run out, and do not
 * run twice. A fetch so refused goes again within milliseconds, not after the
 * poll interval. The refusals are raised by the database itself, from a trigger
 * installed in the test's schema, so they travel the real driver's error path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import type { JobSettingsInput } from '../../src/config/index.js';
import { STORAGE_KINDS, type StorageKind } from '../support/test-storage.js';
import { testEngine, type TestEngine } from './support.js';

class Work extends Request<string> {
  constructor(readonly label: string) {
    super();
  }
}

/**
 * SQL that makes the database refuse the first statements that move a job to
 * `state`, one per SQLSTATE in `codes`, in order. The trigger raises the
 * refusal; a sequence, which the refused statement does not roll back, counts them.
 */
function refuseFirst(schema: string, state: string, codes: readonly string[]): string[] {
  const refusals = codes.map((code, i) => `IF attempt = ${i + 1} THEN RAISE EXCEPTION 'refused for now (injected ${code})' USING ERRCODE = '${code}'; END IF;`).join('\n    ');
  return [
    `CREATE SEQUENCE ${schema}.refusals`,
    `CREATE FUNCTION ${schema}.refuse_first() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  attempt bigint;
BEGIN
  IF NEW.state = '${state}' THEN
    attempt := nextval('${schema}.refusals');
    ${refusals}
  END IF;
  RETURN NEW;
END $$`,
    `CREATE TRIGGER refuse_first BEFORE UPDATE ON ${schema}.jobs FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse_first()`,
  ];
}

/** An engine running Work, in a schema whose database refuses the first statements moving a job to `state` (see refuseFirst). */
async function refusingEngine(kind: StorageKind, settings: JobSettingsInput, state: string, codes: readonly string[]): Promise<{ e: TestEngine; refusalsCounted: () => Promise<number> }> {
  const e = await testEngine(kind, (registry) => {
    registry.addHandler(Work, { handle: (r: Work) => r.label })._unsafeUnwrap();
  }, settings, { retry: false });
  const schema = `"${e.t.options.schemaName}"`;
  for (const statement of refuseFirst(schema, state, codes)) await e.t.sql(statement);
  return {
    e,
    /** How many statements reached the trigger's count (the refusals, then those that got through). */
    refusalsCounted: async () => {
      const [row] = await e.t.sql<{ last_value: string }>(`SELECT last_value FROM ${schema}.refusals`);
      return Number(row?.last_value);
    },
  };
}

for (const kind of STORAGE_KINDS) {
  describe(`statements refused for a passing reason (${kind})`, () => {
    it('a refused completion is written again: every job Succeeded after one run, with one Succeeded entry', async () => {
      // A lease far longer than the test: a job left Processing would not be fetched again before the deadline.
      const { e, refusalsCounted } = await refusingEngine(kind, { InvisibilityTimeout: '60s' }, 'Succeeded', ['40P01', '40001', '55P03', '57014']);
      try {
        const ids = (await e.engine.client.enqueueBatch(Array.from({ length: 12 }, (_, i) => new Work(`job ${i}`))))._unsafeUnwrap();
        await e.startServer();
        for (const id of ids) await e.waitForState(id, 'Succeeded');
        const counted = await refusalsCounted();
        assert.ok(counted >= 5, `the four refusals were raised, then a completion got through (${counted})`);
        for (const id of ids) {
          const details = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!;
          assert.equal(details.fetchCount, 1, `job ${id} ran once`);
          assert.deepEqual(details.history.map((h) => h.name), ['Succeeded', 'Processing', 'Enqueued']);
        }
      } finally {
        await e.dispose();
      }
    });

    it('a refused fetch goes again shortly, not after the poll interval: a backlog is not left waiting', async () => {
      // Nothing else wakes the workers here: the jobs are queued before the server starts, and the poll interval outlasts the test's wait.
      const { e, refusalsCounted } = await refusingEngine(kind, { QueuePollInterval: '60s' }, 'Processing', ['40P01', '57014', '55P03']);
      try {
        const ids = (await e.engine.client.enqueueBatch(Array.from({ length: 6 }, (_, i) => new Work(`job ${i}`))))._unsafeUnwrap();
        await e.startServer({ WorkerCount: 2 });
        for (const id of ids) await e.waitForState(id, 'Succeeded', 20_000);
        assert.ok((await refusalsCounted()) >= 4, 'the three refusals were raised');
        assert.ok(e.logger.errors().some((m) => m.includes('Fetching jobs failed; retrying after 50 ms') && m.includes('40P01')), e.logger.errors().join('\n'));
      } finally {
        await e.dispose();
      }
    });
  });
}
