/** Job parameters: JSON values set, read and overwritten; unknown jobs and bad ids as error values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../../src/storage/job-types.js';
import { openStorage } from '../../../src/storage/open-storage.js';
import type { StorageKind } from '../../support/test-storage.js';
import { newJob, withStorage } from './support.js';

/** Strings that are not job ids; each must be refused before any SQL is built. */
export const BAD_JOB_IDS = ['abc', '', '0', '-1', '01', '1.5', ' 1', '1e3', '99999999999999999999', '9223372036854775808', '1; drop table jobs', "1' OR '1'='1"];

export function parameterContract(kind: StorageKind): void {
  describe(`parameters (${kind})`, () => {
    it('sets, reads and overwrites JSON values of every kind', () =>
      withStorage(kind, async ({ storage }) => {
        const id = (await storage.createJob(newJob()))._unsafeUnwrap();
        assert.deepEqual((await storage.getParameters(id))._unsafeUnwrap(), {}, 'a job without parameters');
        const values: Record<string, JsonValue> = {
          object: { a: [1, { b: null }], 'ü': '✓' },
          number: 12.5,
          string: 'text with "quotes"',
          null: null,
          boolean: false,
          array: [],
          'a name with spaces and ünïcødé': 1,
        };
        for (const [name, value] of Object.entries(values)) (await storage.setParameter(id, name, value))._unsafeUnwrap();
        assert.deepEqual((await storage.getParameters(id))._unsafeUnwrap(), values);
        for (const [name, value] of Object.entries(values)) assert.deepEqual((await storage.getParameter(id, name))._unsafeUnwrap(), value, name);
        assert.equal((await storage.getParameter(id, 'missing'))._unsafeUnwrap(), undefined);

        (await storage.setParameter(id, 'number', 'now a string'))._unsafeUnwrap();
        assert.equal((await storage.getParameter(id, 'number'))._unsafeUnwrap(), 'now a string');
        const details = (await storage.jobDetails(id))._unsafeUnwrap()!;
        assert.equal(details.parameters.number, '"now a string"', 'jobDetails shows the raw JSON text');
        assert.equal(details.parameters.null, 'null');
      }));

    it('stores parameters given at creation, per job of a batch', () =>
      withStorage(kind, async ({ storage }) => {
        const [a, b, c] = (await storage.createJobs([
          newJob({ parameters: { culture: 'en-GB', retries: 3 } }),
          newJob(),
          newJob({ parameters: { culture: 'fr-FR', tags: ['x', 'y'], nothing: null } }),
        ]))._unsafeUnwrap();
        assert.deepEqual((await storage.getParameters(a!))._unsafeUnwrap(), { culture: 'en-GB', retries: 3 });
        assert.deepEqual((await storage.getParameters(b!))._unsafeUnwrap(), {});
        assert.deepEqual((await storage.getParameters(c!))._unsafeUnwrap(), { culture: 'fr-FR', tags: ['x', 'y'], nothing: null });
      }));

    it('reports an unknown job as JobNotFound', () =>
      withStorage(kind, async ({ storage }) => {
        assert.deepEqual((await storage.setParameter('123456789', 'p', 1))._unsafeUnwrapErr(), { kind: 'JobNotFound', jobId: '123456789' });
        assert.deepEqual((await storage.getParameters('123456789'))._unsafeUnwrapErr(), { kind: 'JobNotFound', jobId: '123456789' });
        assert.deepEqual((await storage.getParameter('123456789', 'p'))._unsafeUnwrapErr(), { kind: 'JobNotFound', jobId: '123456789' });
      }));

    it('refuses bad job ids, names and values as InvalidInput without running SQL', () =>
      withStorage(kind, async ({ storage: open, options }) => {
        const id = (await open.createJob(newJob()))._unsafeUnwrap();
        // A second storage on the same schema, closed: it answers Closed to anything that reaches
        // its statement runner, so InvalidInput proves a call was refused before any SQL.
        const storage = (await openStorage(options))._unsafeUnwrap().storage;
        (await storage.close())._unsafeUnwrap();
        for (const badId of [...BAD_JOB_IDS, 12 as unknown as string, undefined as unknown as string]) {
          const calls = [
            storage.setParameter(badId, 'p', 1),
            storage.getParameters(badId),
            storage.getParameter(badId, 'p'),
            storage.getResult(badId),
            storage.getState(badId),
            storage.jobDetails(badId),
          ];
          for (const call of calls) assert.equal((await call)._unsafeUnwrapErr().kind, 'InvalidInput', `job id ${JSON.stringify(badId)}`);
        }
        for (const name of ['', 'x'.repeat(201), 'new\nline']) assert.equal((await storage.setParameter(id, name, 1))._unsafeUnwrapErr().kind, 'InvalidInput', `name ${JSON.stringify(name)}`);
        assert.equal((await storage.setParameter(id, 'p', { n: 1n } as unknown as JsonValue))._unsafeUnwrapErr().kind, 'InvalidInput');
        assert.equal((await storage.getParameters(id))._unsafeUnwrapErr().kind, 'Closed', 'a valid call on a closed storage does reach the runner');
      }));
  });
}
