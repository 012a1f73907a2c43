import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatConfigError, loadConfiguration, resolveOptions, type ConfigError, type JobSettingsInput } from '../../src/config/index.js';
import { settingsDir } from './settings-dir.js';
import { failOnOk } from './result-helpers.js';

function resolveLoose(settings: Record<string, unknown>) {
  return resolveOptions(settings);
}

function assertInvalid(settings: Record<string, unknown>, key: string, pattern?: RegExp): ConfigError {
  const error = resolveLoose(settings).match(failOnOk, (e) => e);
  assert.equal(error.kind, 'InvalidValue', error.message);
  assert.ok('key' in error && error.key === key, error.message);
  assert.ok(error.message.startsWith(`${key} `), error.message);
  if (pattern) assert.match(error.message, pattern);
  return error;
}

void describe('resolveOptions: durations', () => {
  void it('reads every duration setting', () => {
    const options = resolveOptions({
      HeartbeatInterval: '00:00:10',
      ServerCheckInterval: '2m',
      ServerTimeout: '00:01:00.500',
      QueuePollInterval: '250ms',
      InvisibilityTimeout: '1h',
      JobExpirationTimeout: '7d',
      JobExpirationCheckInterval: '1.00:00:00',
      ShutdownTimeout: '1.5s',
    })._unsafeUnwrap();
    assert.equal(options.heartbeatIntervalMs, 10_000);
    assert.equal(options.serverCheckIntervalMs, 120_000);
    assert.equal(options.serverTimeoutMs, 60_500);
    assert.equal(options.queuePollIntervalMs, 250);
    assert.equal(options.invisibilityTimeoutMs, 3_600_000);
    assert.equal(options.jobExpirationTimeoutMs, 7 * 86_400_000);
    assert.equal(options.jobExpirationCheckIntervalMs, 86_400_000);
    assert.equal(options.shutdownTimeoutMs, 1_500);
  });

  void it('reads .NET TimeSpans without seconds (hh:mm, d.hh:mm) as TimeSpan.Parse does', () => {
    const options = resolveOptions({ ServerTimeout: '00:30', JobExpirationTimeout: '1.12:00', InvisibilityTimeout: '1:05' })._unsafeUnwrap();
    assert.equal(options.serverTimeoutMs, 30 * 60_000, '"00:30" is 30 minutes, not 30 seconds');
    assert.equal(options.jobExpirationTimeoutMs, 36 * 3_600_000);
    assert.equal(options.invisibilityTimeoutMs, 65 * 60_000);
  });

  void it('refuses a bare JSON number, explaining minutes and suggesting "1m"', () => {
    const error = assertInvalid({ HeartbeatInterval: 1 }, 'HeartbeatInterval', /minutes/);
    assert.match(error.message, /"1m"/);
    assert.ok('value' in error && error.value === 1);
    assertInvalid({ ServerTimeout: '5' }, 'ServerTimeout', /write "5m" for minutes or "5s" for seconds/);
  });

  void it('refuses "soon", negative, zero and non-string durations with the accepted formats', () => {
    assertInvalid({ QueuePollInterval: 'soon' }, 'QueuePollInterval', /"soon".*250ms, 30s, 5m, 1h, 1d.*hh:mm:ss/);
    assertInvalid({ ShutdownTimeout: '-5s' }, 'ShutdownTimeout', /"-5s".*greater than zero/);
    assertInvalid({ InvisibilityTimeout: '0s' }, 'InvisibilityTimeout', /"0s".*greater than zero/);
    assertInvalid({ HeartbeatInterval: true }, 'HeartbeatInterval', /duration string/);
  });

  void it('requires ServerTimeout to be greater than HeartbeatInterval', () => {
    assertInvalid({ HeartbeatInterval: '1m', ServerTimeout: '1m' }, 'ServerTimeout', /greater than HeartbeatInterval/);
    assertInvalid({ HeartbeatInterval: '1m', ServerTimeout: '30s' }, 'ServerTimeout');
    assertInvalid({ HeartbeatInterval: '10m' }, 'ServerTimeout', /300000ms \(default\)/);
    assert.equal(resolveOptions({ HeartbeatInterval: '1m', ServerTimeout: '61s' })._unsafeUnwrap().serverTimeoutMs, 61_000);
  });

  void it('caps timer intervals at what Node timers support, but not expiration timeouts', () => {
    assertInvalid({ HeartbeatInterval: '30d' }, 'HeartbeatInterval', /longest delay Node timers support/);
    assert.equal(resolveOptions({ JobExpirationTimeout: '30d' })._unsafeUnwrap().jobExpirationTimeoutMs, 30 * 86_400_000);
  });
});

void describe('resolveOptions: workers, queues, names', () => {
  void it('reads WorkerCount from numbers and numeric strings, refusing the rest', () => {
    assert.equal(resolveLoose({ WorkerCount: '4' })._unsafeUnwrap().workerCount, 4);
    assert.equal(resolveOptions({ WorkerCount: 1000 })._unsafeUnwrap().workerCount, 1000);
    for (const bad of ['lots', 0, 1.5, 1001, -1, '', true]) {
      assertInvalid({ WorkerCount: bad }, 'WorkerCount', /whole number from 1 to 1000/);
    }
    assertInvalid({ WorkerCount: 'lots' }, 'WorkerCount', /"lots"/);
  });

  void it('reads Queues as a list or a comma-separated string', () => {
    assert.deepEqual(resolveOptions({ Queues: ['critical', 'default'] })._unsafeUnwrap().queues, ['critical', 'default']);
    assert.deepEqual(resolveOptions({ Queues: 'critical, default' })._unsafeUnwrap().queues, ['critical', 'default']);
    assert.deepEqual(resolveOptions({ Queues: ['Emails.v2:high-1'] })._unsafeUnwrap().queues, ['Emails.v2:high-1']);
  });

  void it('refuses empty, malformed and duplicate queue lists', () => {
    assertInvalid({ Queues: [] }, 'Queues', /at least one queue/);
    assertInvalid({ Queues: ['ok', 'bad name'] }, 'Queues', /"bad name".*letters, digits/);
    assertInvalid({ Queues: [''] }, 'Queues');
    assertInvalid({ Queues: ['q'.repeat(65)] }, 'Queues');
    assertInvalid({ Queues: ['a', 5] }, 'Queues');
    assertInvalid({ Queues: ['default', 'default'] }, 'Queues', /"default" is listed twice/);
    assertInvalid({ Queues: 5 }, 'Queues', /list of queue names/);
    assertInvalid({ Queues: 'a,,b' }, 'Queues');
  });

  void it('reads ServerName, leaving it undefined when absent or empty', () => {
    assert.equal(resolveOptions({ ServerName: 'worker-1' })._unsafeUnwrap().serverName, 'worker-1');
    assert.equal(resolveOptions({ ServerName: '' })._unsafeUnwrap().serverName, undefined);
    assertInvalid({ ServerName: '   ' }, 'ServerName');
    assertInvalid({ ServerName: 'x'.repeat(201) }, 'ServerName', /at most 200/);
    assert.equal(resolveOptions({ ServerName: 'x'.repeat(200) })._unsafeUnwrap().serverName, 'x'.repeat(200));
  });

  void it('reads DashboardPath', () => {
    for (const path of ['/', '/jobs', '/admin/jobs']) assert.equal(resolveOptions({ DashboardPath: path })._unsafeUnwrap().dashboardPath, path);
    for (const path of ['jobs', '/jobs/', '//', '', '/a b', '/jobs?x', '/a//b']) assertInvalid({ DashboardPath: path }, 'DashboardPath');
  });

  void it('refuses a DashboardPath no browser requests as written, or that would break the anti-forgery cookie', () => {
    for (const path of ['/ops-area/jobs_1', '/hangfire', '/v1.2/jobs', '/~ops/jobs', "/a!$&'()*+,=:@b"]) {
      assert.equal(resolveOptions({ DashboardPath: path }).map((o) => o.dashboardPath).unwrapOr(undefined), path, `${path} is requested as written`);
    }
    // Browsers resolve dot segments ("/a/../b" is requested as "/b") and percent-encode the rest (" < > \" ` { }",
    // non-ASCII), so the dashboard would never answer; ";" would end the cookie's Path and start an attribute.
    for (const path of ['/a/../b', '/.', '/a/./b', '/..', '/jöbs', '/a"b', '/a<b>', '/a`b', '/a{b}', '/a%2Fb', '/a\\b', '/jobs;Domain=elsewhere.example']) {
      assertInvalid({ DashboardPath: path }, 'DashboardPath', /DashboardPath .* is invalid: /);
    }
  });
});

void describe('resolveOptions: keys and errors', () => {
  void it('matches keys in any letter case and ignores unknown keys', () => {
    const options = resolveLoose({ workercount: 3, QUEUES: ['x'], SomeFutureSetting: { a: 1 } })._unsafeUnwrap();
    assert.equal(options.workerCount, 3);
    assert.deepEqual(options.queues, ['x']);
  });

  void it('reports the first invalid key in a fixed order', () => {
    const error = resolveLoose({ DashboardPath: 'x', WorkerCount: 'lots', HeartbeatInterval: 'soon' }).match(failOnOk, (e) => e);
    assert.ok('key' in error && error.key === 'HeartbeatInterval');
  });

  void it('refuses a non-object input instead of throwing', () => {
    assert.equal(resolveOptions(null as unknown as JobSettingsInput).match(failOnOk, (e) => e).kind, 'InvalidValue');
  });

  void it('refuses settings whose reading throws (a getter, a Proxy) instead of throwing, in code and as overrides', () => {
    const throwing = Object.defineProperty({}, 'WorkerCount', { enumerable: true, get: () => { throw new Error('boom'); } }) as JobSettingsInput;
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } }) as JobSettingsInput;
    for (const [input, reason] of [[throwing, 'boom'], [hostile, 'no keys']] as const) {
      const error = resolveOptions(input).match(failOnOk, (e) => e);
      assert.equal(error.kind, 'InvalidValue');
      assert.match(error.message, new RegExp(`the settings object could not be read: ${reason}`));
      const loaded = loadConfiguration({ basePath: settingsDir(), env: {}, overrides: input }).match(failOnOk, (e) => e);
      assert.match(loaded.message, new RegExp(`^overrides "\\(unreadable\\)" is invalid: the overrides object could not be read: ${reason}`));
    }
  });

  void it('formats an error on one line with its kind', () => {
    const line = formatConfigError(resolveLoose({ WorkerCount: 'lots' }).match(failOnOk, (e) => e));
    assert.equal(line, 'InvalidValue: WorkerCount "lots" is invalid: expected a whole number from 1 to 1000');
    const multiLine: ConfigError = { kind: 'InvalidFile', file: 'a.json', message: 'line one\nline two', cause: undefined };
    assert.equal(formatConfigError(multiLine), 'InvalidFile: line one line two');
  });
});
