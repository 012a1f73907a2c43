/** A held unique key is told by its mark, never by the wording of its message. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromStorageError, type JobError } from '../../src/jobs/job-error.js';
import { databaseError, SQLSTATE, type StorageError } from '../../src/storage/storage-error.js';
import { isUniqueKeyHeld, uniqueKeyHeld } from '../../src/storage/unique-key-held.js';

const HELD_TEXT = 'the job cannot wait or run again while another job with its unique key is waiting or running: let that one finish, or delete it, first';

function indexRefusal(): ReturnType<typeof databaseError> {
  const cause = Object.assign(new Error('duplicate key value violates unique constraint "jobs_unique_key_idx"'), { code: SQLSTATE.uniqueViolation });
  return databaseError('changing job states', cause);
}

describe('unique key held', () => {
  it('marks the index refusal and keeps a message for people', () => {
    const refusal = uniqueKeyHeld(indexRefusal());
    assert.equal(refusal.kind, 'InvalidInput', 'reported as bad input, not a database failure');
    assert.equal(refusal.kind === 'InvalidInput' ? refusal.refusal : undefined, 'UniqueKeyHeld', 'marked as a held key');
    assert.match(refusal.kind === 'InvalidInput' ? refusal.message : '', /another job with its unique key is waiting or running/, 'the message still explains it');
    assert.equal(isUniqueKeyHeld(refusal), true, 'told by its mark');
  });

  it('tells a held key by the mark whatever the message says, and an unmarked error with the same text is not one', () => {
    const reworded: JobError = { kind: 'InvalidOptions', message: 'reworded one day', refusal: 'UniqueKeyHeld' };
    const storageForm: StorageError = { kind: 'InvalidInput', operation: 'changing job states', message: 'anything', refusal: 'UniqueKeyHeld' };
    const sameWords: JobError = { kind: 'InvalidOptions', message: HELD_TEXT };
    const sameWordsInStorage: StorageError = { kind: 'InvalidInput', operation: 'changing job states', message: HELD_TEXT };
    assert.equal(isUniqueKeyHeld(reworded), true, 'a reworded message does not hide the refusal');
    assert.equal(isUniqueKeyHeld(storageForm), true, 'the storage error form');
    assert.equal(isUniqueKeyHeld(sameWords), false, 'the same words without the mark (a filter echoing them, say) are not a held key');
    assert.equal(isUniqueKeyHeld(sameWordsInStorage), false, 'nor in the storage error form');
  });

  it('keeps the mark when the client reports the storage refusal as InvalidOptions', () => {
    const reported = fromStorageError(uniqueKeyHeld(indexRefusal()));
    assert.equal(reported.kind, 'InvalidOptions', 'bad input is the caller\'s');
    assert.equal(reported.kind === 'InvalidOptions' ? reported.refusal : undefined, 'UniqueKeyHeld', 'the mark survives');
    assert.equal(isUniqueKeyHeld(reported), true, 'told by its mark');
  });

  it('leaves every other database error as it was', () => {
    const other = databaseError('changing job states', Object.assign(new Error('duplicate key value violates unique constraint "jobs_pkey"'), { code: SQLSTATE.uniqueViolation }));
    assert.equal(uniqueKeyHeld(other), other, 'another unique index is not the key');
  });
});
