/**
 * A warning anyone outside can provoke is written once per window, and what
 * was held back is counted in the next one written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ThrottledWarning } from '../../src/logging/throttled-warning.js';
import { RecordingLogger } from '../support/recording-logger.js';

describe('ThrottledWarning', () => {
  it('writes the first warning, holds back the rest of the window, and counts them in the next one', () => {
    const logger = new RecordingLogger();
    let now = 1_000;
    const warning = new ThrottledWarning(logger, 60_000, () => now);
    warning.warn('junk 1', { n: 1 });
    for (let n = 2; n <= 500; n++) {
      now += 100;
      warning.warn(`junk ${n}`);
    }
    assert.deepEqual(logger.entries, [{ level: 'warn', message: 'junk 1', fields: { n: 1 } }]);
    now = 1_000 + 60_000;
    warning.warn('junk 501');
    assert.deepEqual(logger.at('warn'), ['junk 1', 'junk 501 (and 499 more like it since the last one logged, not logged)']);
    now += 60_000;
    warning.warn('junk 502');
    assert.equal(logger.at('warn')[2], 'junk 502', 'nothing was held back in between');
  });
});
