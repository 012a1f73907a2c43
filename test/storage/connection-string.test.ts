/**
 * Connection strings as .NET (Npgsql, Hangfire's PostgreSQL storage) and
 * libpq users write them, not only URLs: read into pg's config, bad ones
 * refused with a sentence that never shows a password, and a real
 * connection through each form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConnectionString } from '../../src/storage/postgres/connection-string.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { openTestStorage } from '../support/test-storage.js';

describe('connection strings', () => {
  it('reads URLs, Npgsql and libpq forms', () => {
    assert.deepEqual(parseConnectionString(' postgres://u:p@h:5433/d ')._unsafeUnwrap(), { connectionString: 'postgres://u:p@h:5433/d' });
    assert.deepEqual(
      parseConnectionString('Host=db.example;Port=5433;Database=jobs;User ID=app;Password="se;cr""et";SSL Mode=Require;Trust Server Certificate=true;Pooling=true;Timeout=15;Maximum Pool Size=20;')._unsafeUnwrap(),
      { host: 'db.example', port: 5433, database: 'jobs', user: 'app', password: 'se;cr"et', ssl: { rejectUnauthorized: false }, connectionTimeoutMillis: 15_000, max: 20 },
    );
    assert.deepEqual(parseConnectionString('Server=h;Username=u;Pwd=p;sslmode=VerifyFull')._unsafeUnwrap(), { host: 'h', user: 'u', password: 'p', ssl: true });
    assert.deepEqual(
      parseConnectionString("host=h port=5432 dbname=jobs user=app password='it\\'s a secret' sslmode=disable application_name=worker connect_timeout=3")._unsafeUnwrap(),
      { host: 'h', port: 5432, database: 'jobs', user: 'app', password: "it's a secret", ssl: false, application_name: 'worker', connectionTimeoutMillis: 3_000 },
    );
  });

  it('refuses what it cannot read, naming the key and never the password', () => {
    const cases: [string, RegExp][] = [
      ['', /it is empty/],
      ['Host=h;Port=http;Password=hunter2', /^Port: "http" is refused: a port is a whole number from 1 to 65535$/],
      ['Host=h;Colour=blue;Password=hunter2', /^the key "Colour" is not understood; the keys are Host, Port/],
      ['Host=h;Password="hunter2', /^the value of Password has no closing quote$/],
      ['Host=h;SSL Mode=sometimes', /^SSL Mode: "sometimes" is refused: SSL Mode is Disable, Prefer, Require, VerifyCA or VerifyFull$/],
      ['just-a-hostname', /is not a key=value pair \(a URL starts with postgres:\/\/\)/],
    ];
    for (const [text, message] of cases) {
      const problem = parseConnectionString(text)._unsafeUnwrapErr();
      assert.match(problem, message, text);
      assert.ok(!problem.includes('hunter2'), `no password in: ${problem}`);
    }
  });

  it('refuses a port outside 1 to 65535 in every form, naming it', () => {
    // Port 0 and ?port=abc went to pg as they were, to fail only at connect; a port
    // above 65535 in a URL failed there as "Invalid URL".
    const cases: [string, string][] = [
      ['Host=h;Port=0;Password=hunter2', 'Port: "0"'],
      ['Host=h;Port=65536', 'Port: "65536"'],
      ['Host=h;Port=5432.5', 'Port: "5432.5"'],
      ['host=h port=0 password=hunter2', 'port: "0"'],
      ['host=h port=-1', 'port: "-1"'],
      ['postgres://u:hunter2@h:0/d', 'port: "0"'],
      ['postgres://u:hunter2@h:70000/d', 'port: "70000"'],
      ['postgres://u:hunter2@h:5432.5/d', 'port: "5432.5"'],
      ['postgres://u:hunter2@h/d?port=0', 'port: "0"'],
      ['postgresql://u:hunter2@/d?host=/tmp&port=abc', 'port: "abc"'],
    ];
    for (const [text, named] of cases) {
      const problem = parseConnectionString(text)._unsafeUnwrapErr();
      assert.equal(problem, `${named} is refused: a port is a whole number from 1 to 65535`, text);
    }
    // A password with an unencoded "/" ends the address early: "hun" reads as the port.
    const cut = parseConnectionString('postgres://u:hun/ter2@h:5432/d')._unsafeUnwrapErr();
    assert.match(cut, /^port: the URL's port is refused/);
    assert.ok(!cut.includes('hun'), cut);
    for (const text of ['Host=h;Port=1', 'host=h port=65535', 'postgres://u:p@h:65535/d', 'postgres://u:p@h/d?port=', 'postgres://u:p@/d?host=/tmp']) {
      assert.ok(parseConnectionString(text).isOk(), text);
    }
  });

  it('never quotes any piece of a password a malformed string splits', () => {
    // A password holding ";", a space or a quote, left unquoted or quoted badly, ends
    // early: its pieces become keys, values or unreadable text. The messages quoted up
    // to 40 characters of that text, and named such pieces as keys.
    const pieces = ['Xq7', 'Zr9', 'Wv4'];
    const hostile = [
      'Host=h;Password=Xq7;Zr9;Port=5432',
      'Host=h;Password=Xq7;Zr9=Wv4;Port=5432',
      'Host=h;Password=Xq7;Port=Zr9',
      'Host=h;Password=Xq7;SSL Mode=Zr9',
      'Host=h;Password=Xq7;Zr9="Wv4',
      'Host=h;Password="Xq7"Zr9";Port=1',
      'Host=h;Password="Xq7"Zr9=Wv4;Port=1',
      'Host=h;junk;Password=Xq7',
      'host=h password=Xq7 Zr9 port=5432',
      'host=h password=Xq7 Zr9=Wv4 port=5432',
      'host=h password=Xq7 port=Zr9',
      "host=h password='Xq7'Zr9 port=1",
      "host=h password='Xq7'Zr9=Wv4 port=1",
      "host=h password='Xq7 Zr9 port=1",
      'host=h junk password=Xq7',
    ];
    for (const text of hostile) {
      const parsed = parseConnectionString(text);
      assert.ok(parsed.isErr(), `refused: ${text}`);
      for (const piece of pieces) assert.ok(!parsed.error.includes(piece), `${JSON.stringify(text)} gave: ${parsed.error}`);
      assert.match(parsed.error, /character \d+|the value of Password/, `names a position or the key: ${parsed.error}`);
    }
  });

  it('connects through the Npgsql and libpq forms, and refuses a bad one at open', async () => {
    const t = await openTestStorage('PostgreSql');
    try {
      const url = new URL(t.options.connectionString!);
      const forms = [
        `Host=${url.hostname};Port=${url.port};Database=${url.pathname.slice(1)};Username=${decodeURIComponent(url.username)};Password="${decodeURIComponent(url.password)}"`,
        `host=${url.hostname} port=${url.port} dbname=${url.pathname.slice(1)} user=${decodeURIComponent(url.username)} password='${decodeURIComponent(url.password)}'`,
      ];
      for (const connectionString of forms) {
        const opened = (await openStorage({ type: 'PostgreSql', connectionString, schemaName: t.storage.schema.name }))._unsafeUnwrap();
        try {
          assert.equal((await opened.storage.stateCounts())._unsafeUnwrap().Enqueued, 0);
        } finally {
          (await opened.storage.close())._unsafeUnwrap();
        }
      }
      const refused = (await openStorage({ type: 'PostgreSql', connectionString: `Host=${url.hostname};Colour=blue`, schemaName: t.storage.schema.name }))._unsafeUnwrapErr();
      assert.equal(refused.kind, 'InvalidInput');
    } finally {
      await t.dispose();
    }
  });

  it('reads a libpq password holding ";" (quoted, as libpq quotes) and connects with it', async () => {
    // A ";" anywhere made the whole string be read as Npgsql's form: split inside the
    // quoted password, refused, and the message named a piece of the password as a key.
    const parsed = parseConnectionString("host=h user=app password='p;ss=word' dbname=jobs");
    assert.deepEqual(parsed._unsafeUnwrap(), { host: 'h', user: 'app', password: 'p;ss=word', database: 'jobs' }, 'read as libpq, the password whole');
    assert.deepEqual(parseConnectionString('Host=h;Password=\'a;b\';Port=5433')._unsafeUnwrap(), { host: 'h', password: 'a;b', port: 5433 }, 'Npgsql with a quoted ";" is still Npgsql');

    const t = await openTestStorage('PostgreSql');
    const role = `mj_semicolon_${process.pid}`;
    try {
      await t.sql(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD 'p;ss=word'`);
      const url = new URL(t.options.connectionString!);
      const connectionString = `host=${url.hostname} port=${url.port} dbname=${url.pathname.slice(1)} user=${role} password='p;ss=word'`;
      const opened = await openStorage({ type: 'PostgreSql', connectionString, schemaName: t.storage.schema.name });
      assert.ok(opened.isOk(), `connected as ${role}: ${opened.isErr() ? JSON.stringify(opened.error) : ''}`);
      (await opened.value.storage.close())._unsafeUnwrap();
    } finally {
      await t.sql(`DROP ROLE IF EXISTS ${role}`);
      await t.dispose();
    }
  });
});
