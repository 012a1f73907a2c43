import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SCHEMA_NAME_BYTES, validateSchemaName } from '../../src/config/index.js';
import { failOnOk } from './result-helpers.js';

void describe('validateSchemaName', () => {
  void it('accepts plain identifiers up to 63 characters', () => {
    for (const name of ['mediator_jobs', '_private', 'Jobs2', 'a'.repeat(MAX_SCHEMA_NAME_BYTES)]) {
      assert.equal(validateSchemaName(name)._unsafeUnwrap(), name);
    }
  });

  void it('refuses names that would need quoting, naming the value and the rule', () => {
    for (const name of ['x"; drop table y; --', 'a b', 'ünïcode', '1jobs', '', 'jobs;', 'my-jobs', 'public.jobs']) {
      const error = validateSchemaName(name).match(failOnOk, (e) => e);
      assert.equal(error.kind, 'InvalidValue', name);
      assert.ok(error.message.includes(JSON.stringify(name)), error.message);
      assert.match(error.message, /SchemaName/);
      assert.match(error.message, /plain SQL identifier/);
    }
  });

  void it('refuses a 64-character name (PostgreSQL would truncate it)', () => {
    const error = validateSchemaName('a'.repeat(64)).match(failOnOk, (e) => e);
    assert.equal(error.kind, 'InvalidValue');
    assert.match(error.message, /at most 63/);
  });
});
