import { err, ok, type Result } from 'neverthrow';
import type pg from 'pg';

/** What `pg` gets from a connection string: the fields of a pool's config it sets. */
export type ConnectionConfig = Pick<pg.PoolConfig, 'connectionString' | 'host' | 'port' | 'database' | 'user' | 'password' | 'ssl' | 'connectionTimeoutMillis' | 'application_name' | 'max'>;

/** The keys understood, by their lower-case spelling without spaces or underscores. */
const KEYS: Readonly<Record<string, (config: Mutable<ConnectionConfig>, value: string) => string | undefined>> = {
  host: (c, v) => void (c.host = v),
  server: (c, v) => void (c.host = v),
  port: (c, v) => (/^\d{1,5}$/.test(v) && Number(v) <= 65_535 ? void (c.port = Number(v)) : 'a port is a number from 1 to 65535'),
  database: (c, v) => void (c.database = v),
  dbname: (c, v) => void (c.database = v),
  username: (c, v) => void (c.user = v),
  user: (c, v) => void (c.user = v),
  userid: (c, v) => void (c.user = v),
  uid: (c, v) => void (c.user = v),
  password: (c, v) => void (c.password = v),
  pwd: (c, v) => void (c.password = v),
  sslmode: (c, v) => sslMode(c, v),
  timeout: (c, v) => seconds(v, (ms) => (c.connectionTimeoutMillis = ms)),
  connecttimeout: (c, v) => seconds(v, (ms) => (c.connectionTimeoutMillis = ms)),
  applicationname: (c, v) => void (c.application_name = v),
  maximumpoolsize: (c, v) => (/^\d+$/.test(v) && Number(v) > 0 ? void (c.max = Number(v)) : 'a pool size is a whole number above 0'),
  maxpoolsize: (c, v) => (/^\d+$/.test(v) && Number(v) > 0 ? void (c.max = Number(v)) : 'a pool size is a whole number above 0'),
};

/** Npgsql keys that tune what `pg` does its own way: accepted and left alone. */
const IGNORED = new Set(['pooling', 'minimumpoolsize', 'minpoolsize', 'includeerrordetail', 'commandtimeout', 'keepalive', 'enlist', 'connectionidlelifetime', 'connectionpruninginterval', 'tcpkeepalive', 'multiplexing', 'nobackslash', 'encoding', 'clientencoding']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Reads a PostgreSQL connection string as `pg` needs it. A URL
 * (`postgres://user:secret@host:5432/db`) goes to `pg` as it is; `pg` alone
 * reads nothing else. The key=value forms a .NET or libpq user writes are
 * read here: Npgsql's `Host=db;Port=5432;Database=jobs;Username=app;Password=...`
 * (the connection strings of Hangfire's PostgreSQL storage; keys in any
 * letter case, spaces inside keys ignored) and libpq's
 * `host=db port=5432 dbname=jobs user=app password='a b'`.
 *
 * @returns the config, or a sentence saying what is wrong (never the value of
 * a password).
 */
export function parseConnectionString(text: string): Result<ConnectionConfig, string> {
  const trimmed = text.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed) || trimmed.startsWith('socket:')) return ok({ connectionString: trimmed });
  // A ";" between pairs means Npgsql's form; one inside a quoted libpq value (a password) does not.
  const libpq = libpqPairs(trimmed);
  const pairs = typeof libpq === 'string' && trimmed.includes(';') ? npgsqlPairs(trimmed) : libpq;
  if (typeof pairs === 'string') return err(pairs);
  if (pairs.length === 0) return err('it is empty: give a URL (postgres://user:password@host:5432/database) or key=value pairs (Host=...;Database=...)');
  const config: Mutable<ConnectionConfig> = {};
  let trustServerCertificate = false;
  for (const [rawKey, value] of pairs) {
    const key = rawKey.toLowerCase().replace(/[\s_]/g, '');
    if (key === 'trustservercertificate') {
      trustServerCertificate = isTrue(value);
      continue;
    }
    const apply = KEYS[key];
    if (apply === undefined) {
      if (IGNORED.has(key)) continue;
      return err(`the key ${JSON.stringify(rawKey)} is not understood; the keys are Host, Port, Database, Username, Password, SSL Mode, Trust Server Certificate, Timeout, Application Name and Maximum Pool Size (libpq: host, port, dbname, user, password, sslmode, connect_timeout, application_name)`);
    }
    const problem = apply(config, value);
    if (problem !== undefined) return err(`${rawKey}: ${problem}`);
  }
  // Npgsql's TrustServerCertificate: encrypt, but accept any certificate.
  if (trustServerCertificate && config.ssl !== undefined && config.ssl !== false) config.ssl = { rejectUnauthorized: false };
  return ok(config);
}

/** `Key=Value;Key2=Value2`; a value may be double-quoted (`Password="a;b"`, `""` for a quote). */
function npgsqlPairs(text: string): [string, string][] | string {
  const pairs: [string, string][] = [];
  let rest = text;
  while (rest.trim() !== '') {
    const equals = rest.indexOf('=');
    if (equals < 0) return `"${rest.trim().slice(0, 40)}" has no "=": key=value pairs are separated by ";"`;
    const key = rest.slice(0, equals).trim();
    rest = rest.slice(equals + 1).trimStart();
    let value: string;
    if (rest.startsWith('"') || rest.startsWith("'")) {
      const quote = rest.charAt(0);
      let end = 1;
      value = '';
      for (;;) {
        const next = rest.indexOf(quote, end);
        if (next < 0) return `the value of ${key} has no closing quote`;
        value += rest.slice(end, next);
        if (rest.charAt(next + 1) === quote) {
          value += quote;
          end = next + 2;
          continue;
        }
        rest = rest.slice(next + 1).replace(/^\s*;?/, '');
        break;
      }
    } else {
      const semicolon = rest.indexOf(';');
      value = (semicolon < 0 ? rest : rest.slice(0, semicolon)).trim();
      rest = semicolon < 0 ? '' : rest.slice(semicolon + 1);
    }
    if (key === '') return 'a key is empty';
    pairs.push([key, value]);
  }
  return pairs;
}

/**
 * libpq's `key=value key2='quoted value'` (backslash escapes a quote or a
 * backslash). An unquoted value stops at a ";", so that Npgsql's form is
 * never read as libpq's.
 */
function libpqPairs(text: string): [string, string][] | string {
  const pairs: [string, string][] = [];
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s;]*))/y;
  let index = 0;
  while (index < text.length) {
    if (text.slice(index).trim() === '') break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (match === null) return `"${text.slice(index).trim().slice(0, 40)}" is not a key=value pair (a URL starts with postgres://)`;
    const [, key = '', quoted, bare] = match;
    pairs.push([key, quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '')]);
    index = pattern.lastIndex;
  }
  return pairs;
}

function sslMode(config: Mutable<ConnectionConfig>, value: string): string | undefined {
  switch (value.toLowerCase().replace(/[\s_-]/g, '')) {
    case 'disable':
    case 'allow':
    case 'prefer':
      config.ssl = false;
      return undefined;
    case 'require':
      config.ssl = { rejectUnauthorized: false };
      return undefined;
    case 'verifyca':
    case 'verifyfull':
      config.ssl = true;
      return undefined;
    default:
      return 'SSL Mode is Disable, Prefer, Require, VerifyCA or VerifyFull';
  }
}

function seconds(value: string, set: (ms: number) => void): string | undefined {
  if (!/^\d+$/.test(value)) return 'a timeout is a whole number of seconds';
  set(Number(value) * 1000);
  return undefined;
}

function isTrue(value: string): boolean {
  return ['true', 'yes', '1', 'on'].includes(value.toLowerCase());
}
