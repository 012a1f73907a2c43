import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeStorageEvents, encodeEnqueued } from '../../src/storage/storage-events.js';

describe('storage event payloads', () => {
  it('decodes an Enqueued payload, whatever the queue name looks like', () => {
    assert.deepEqual(decodeStorageEvents(encodeEnqueued('mail')), [{ kind: 'Enqueued', queue: 'mail' }]);
    assert.deepEqual(decodeStorageEvents(encodeEnqueued('12.13')), [{ kind: 'Enqueued', queue: '12.13' }]);
  });

  it('decodes one Finished event per id of a grouped payload', () => {
    assert.deepEqual(decodeStorageEvents('FS12,13,9000000000000000001'), [
      { kind: 'Finished', jobId: '12', state: 'Succeeded' },
      { kind: 'Finished', jobId: '13', state: 'Succeeded' },
      { kind: 'Finished', jobId: '9000000000000000001', state: 'Succeeded' },
    ]);
    assert.deepEqual(decodeStorageEvents('FF7'), [{ kind: 'Finished', jobId: '7', state: 'Failed' }]);
    assert.deepEqual(decodeStorageEvents('FD7'), [{ kind: 'Finished', jobId: '7', state: 'Deleted' }]);
  });

  it('reports payloads it did not send as Unrecognized, rather than guessing (one bad id spoils the group)', () => {
    for (const junk of ['', 'F', 'FS', 'FX12', 'FS12,', 'FS,12', 'FS12,abc', 'FS1 2', 'FS0', 'X12', '{"kind":"Finished"}']) {
      assert.deepEqual(decodeStorageEvents(junk), [{ kind: 'Unrecognized', payload: junk }], junk);
    }
  });
});
