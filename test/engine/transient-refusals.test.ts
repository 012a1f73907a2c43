/**
 * A completion the database refuses for a passing reason (a deadlock, a
 * serialization conflict, a lock or statement timeout) is written again: the
 * jobs it held are not left Processing until their leases run out, and do not
 * run twice. The refusals are raised by the database itself, from a trigger
 * installed in the test's schema, so they travel the real driver's error path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { testEngine } from './support.js';

class Work extends Request<string> {
  constructor(readonly label: string) {
    super();
  }
}

/** The first four statements that record a Succeeded job are refused, each with another passing reason. */
function refuseFirstCompletions(schema: string): string {
  return `
CREATE SEQUENCE ${schema}.refusals;
CREATE FUNCTION ${schema}.refuse_completions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  attempt bigint;
BEGIN
  IF NEW.state = 'Succeeded' THEN
    -- A sequence is not rolled back with the refused statement: the count survives it.
    attempt := nextval('${schema}.refusals');
    IF attempt = 1 THEN RAISE EXCEPTION 'deadlock detected (injected)' USING ERRCODE = '40P01'; END IF;
    IF attempt = 2 THEN RAISE EXCEPTION 'could not serialize access (injected)' USING ERRCODE = '40001'; END IF;
    IF attempt = 3 THEN RAISE EXCEPTION 'could not obtain lock (injected)' USING ERRCODE = '55P03'; END IF;
    IF attempt = 4 THEN RAISE EXCEPTION 'canceling statement due to statement timeout (injected)' USING ERRCODE = '57014'; END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER refuse_completions BEFORE UPDATE ON ${schema}.jobs FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse_completions();`;
}

for (const kind of STORAGE_KINDS) {
  describe(`completions refused for a passing reason (${kind})`, () => {
    it('are written again: every job Succeeded after one run, with one Succeeded entry', async () => {
      // A lease far longer than the test: a job left Processing would not be fetched again before the deadline.
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Work, { handle: (r: Work) => r.label })._unsafeUnwrap();
      }, { InvisibilityTimeout: '60s' }, { retry: false });
      try {
        const schema = `"${e.t.options.schemaName}"`;
        for (const statement of refuseFirstCompletions(schema).split(/;\n(?=CREATE)/)) await e.t.sql(statement);
        const ids = (await e.engine.client.enqueueBatch(Array.from({ length: 12 }, (_, i) => new Work(`job ${i}`))))._unsafeUnwrap();
        await e.startServer();
        for (const id of ids) await e.waitForState(id, 'Succeeded');
        const [refusals] = await e.t.sql<{ last_value: string }>(`SELECT last_value FROM ${schema}.refusals`);
        assert.ok(Number(refusals?.last_value) >= 5, `the four refusals were raised, then a completion got through (${refusals?.last_value})`);
        for (const id of ids) {
          const details = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!;
          assert.equal(details.fetchCount, 1, `job ${id} ran once`);
          assert.deepEqual(details.history.map((h) => h.name), ['Succeeded', 'Processing', 'Enqueued']);
        }
      } finally {
        await e.dispose();
      }
    });
  });
}
