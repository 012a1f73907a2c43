/**
 * Session options a connection string carries (a URL's `options` parameter,
 * Npgsql's `Options`, libpq's `options`) against ours (generic plans, see
 * generic-plans.ts), on a real server: the user's are kept, ours still apply,
 * and a plan_cache_mode the user sets explicitly wins.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { parseConnectionString } from '../../src/storage/postgres/connection-string.js';
import { testDatabaseUrl } from '../support/test-storage.js';

interface Session {
  readonly plan_cache_mode: string;
  readonly statement_timeout: string;
  readonly application_name: string;
}

/** The settings of a connection of the pool the storage opens for `connectionString`. */
async function sessionOf(connectionString: string): Promise<Session> {
  const db = new PgDatabase({ connection: parseConnectionString(connectionString)._unsafeUnwrap(), maxConnections: 1 });
  try {
    const { rows } = await db.query<Session>(
      `SELECT current_setting('plan_cache_mode') AS plan_cache_mode, current_setting('statement_timeout') AS statement_timeout, current_setting('application_name') AS application_name`,
    );
    assert.ok(rows[0] !== undefined);
    return rows[0];
  } finally {
    await db.close();
  }
}

/** `url` with `parameters` added to its query. */
function withQuery(url: string, parameters: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${parameters}`;
}

describe('session options in a connection string', () => {
  it('takes a URL\'s options parameter out for the pool, leaving the rest of the URL as it was', () => {
    assert.deepEqual(parseConnectionString('postgres://u:p%40ss@h/d?options=-c+a%3D1&application_name=x#f')._unsafeUnwrap(), { connectionString: 'postgres://u:p%40ss@h/d?application_name=x#f', options: '-c a=1' });
    assert.deepEqual(parseConnectionString('postgres://u:p@h/d?sslmode=disable&options=-c%20a%3D1&options=-c%20b%3D2')._unsafeUnwrap(), { connectionString: 'postgres://u:p@h/d?sslmode=disable', options: '-c b=2' }, 'the last one, as pg reads it');
    assert.deepEqual(parseConnectionString('postgres://u:p@h/d?options=')._unsafeUnwrap(), { connectionString: 'postgres://u:p@h/d' }, 'an empty one is dropped too: it would replace ours');
    assert.deepEqual(parseConnectionString('postgres://u:p@h/d?application_name=x')._unsafeUnwrap(), { connectionString: 'postgres://u:p@h/d?application_name=x' });
  });

  it('keeps a URL\'s options and adds ours; an explicit plan_cache_mode there wins', async () => {
    // pg let the URL's options replace ours whole: plans went back to custom ones.
    const url = await testDatabaseUrl();
    assert.equal((await sessionOf(url)).plan_cache_mode, 'force_generic_plan');
    const timeout = await sessionOf(withQuery(url, 'application_name=opts_probe&options=-c%20statement_timeout%3D4321&sslmode=disable'));
    assert.deepEqual(timeout, { plan_cache_mode: 'force_generic_plan', statement_timeout: '4321ms', application_name: 'opts_probe' });
    assert.equal((await sessionOf(withQuery(url, 'options=-c%20plan_cache_mode%3Dauto'))).plan_cache_mode, 'auto');
  });

  it('reads Npgsql\'s Options and libpq\'s options the same way', async () => {
    const url = new URL(await testDatabaseUrl());
    const npgsql = `Host=${url.hostname};Port=${url.port};Database=${url.pathname.slice(1)};Username=${decodeURIComponent(url.username)};Password="${decodeURIComponent(url.password)}"`;
    const libpq = `host=${url.hostname} port=${url.port} dbname=${url.pathname.slice(1)} user=${decodeURIComponent(url.username)} password='${decodeURIComponent(url.password)}'`;
    assert.deepEqual(await sessionOf(`${npgsql};Options=-c statement_timeout=4321`), { plan_cache_mode: 'force_generic_plan', statement_timeout: '4321ms', application_name: '' });
    assert.equal((await sessionOf(`${npgsql};Options=-c plan_cache_mode=auto`)).plan_cache_mode, 'auto');
    assert.deepEqual(await sessionOf(`${libpq} options='-c plan_cache_mode=auto -c statement_timeout=4321'`), { plan_cache_mode: 'auto', statement_timeout: '4321ms', application_name: '' });
  });
});
