import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../src/config/index.js';
import { failOnOk } from './result-helpers.js';

void describe('parseDuration', () => {
  const accepted: ReadonlyArray<[string, number]> = [
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5s', 1_500],
    ['0.5m', 30_000],
    ['10 s', 10_000],
    [' 2H ', 7_200_000],
    ['00:00:30', 30_000],
    ['01:02:03', 3_723_000],
    ['00:00:00.250', 250],
    ['00:00:01.5', 1_500],
    ['1.02:00:00', 26 * 3_600_000],
    ['2.00:00:00.100', 2 * 86_400_000 + 100],
    // Without seconds, as .NET's TimeSpan.Parse reads them: hh:mm, not mm:ss.
    ['00:30', 30 * 60_000],
    ['1:2', 3_720_000],
    [' 23:59 ', 23 * 3_600_000 + 59 * 60_000],
    ['1.02:00', 26 * 3_600_000],
    ['3.00:05', 3 * 86_400_000 + 5 * 60_000],
  ];
  for (const [text, ms] of accepted) {
    void it(`reads ${JSON.stringify(text)} as ${ms}ms`, () => {
      assert.equal(parseDuration(text)._unsafeUnwrap(), ms);
    });
  }

  void it('refuses a bare number, explaining the .NET minutes reading and the fix', () => {
    // TimeSpan.Parse would read "1" as one day, but the .NET library read it as minutes: not guessed.
    assert.doesNotMatch(parseDuration('1').match(failOnOk, (e) => e), /^not a duration/);
    const message = parseDuration('1').match(failOnOk, (e) => e);
    assert.match(message, /minutes/);
    assert.match(message, /"1m"/);
    assert.match(message, /"1s"/);
    assert.match(parseDuration('5').match(failOnOk, (e) => e), /write "5m" for minutes or "5s" for seconds/);
  });

  void it('refuses unknown formats, naming the accepted ones', () => {
    const message = parseDuration('soon').match(failOnOk, (e) => e);
    assert.match(message, /250ms/);
    assert.match(message, /hh:mm, hh:mm:ss, hh:mm:ss\.fff, d\.hh:mm, d\.hh:mm:ss/);
    // A fraction only after seconds, as in .NET: "00:30.5" is neither 30.5 minutes nor seconds.
    for (const text of ['', '5 minutes', '1e3s', '5y', ':30', '1:', '00:30.5', '1.00', '1.', '100:00', 's']) {
      assert.match(parseDuration(text).match(failOnOk, (e) => e), /./, text);
    }
  });

  void it('refuses zero and negative durations', () => {
    for (const text of ['0s', '0', '-5s', '-1', '00:00:00', '0.0ms', '00:00', '-00:30', '-1.02:00', '0.00:00']) {
      assert.match(parseDuration(text).match(failOnOk, (e) => e), /greater than zero/, text);
    }
    assert.match(parseDuration('0.1ms').match(failOnOk, (e) => e), /at least 1ms/);
  });

  void it('refuses TimeSpan fields out of range, as .NET does', () => {
    assert.match(parseDuration('24:00:00').match(failOnOk, (e) => e), /out of range/);
    assert.match(parseDuration('00:60:00').match(failOnOk, (e) => e), /out of range/);
    assert.match(parseDuration('24:00').match(failOnOk, (e) => e), /out of range/);
    assert.match(parseDuration('1.00:60').match(failOnOk, (e) => e), /out of range/);
  });
});
