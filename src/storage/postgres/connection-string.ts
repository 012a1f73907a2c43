import { err, ok, type Result } from 'neverthrow';
import type pg from 'pg';

/** What `pg` gets from a connection string: the fields of a pool's config it sets. */
export type ConnectionConfig = Pick<pg.PoolConfig, 'connectionString' | 'host' | 'port' | 'database' | 'user' | 'password' | 'ssl' | 'connectionTimeoutMillis' | 'application_name' | 'max' | 'options'>;

/** The keys understood, by their lower-case spelling without spaces or underscores. */
const KEYS: Readonly<Record<string, (config: Mutable<ConnectionConfig>, value: string) => string | undefined>> = {
  host: (c, v) => void (c.host = v),
  server: (c, v) => void (c.host = v),
  port: (c, v) => (isPort(v) ? void (c.port = Number(v)) : PORT_RANGE),
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
  // Startup options (`-c name=value ...`); the pool adds ours before them (generic-plans.ts).
  options: (c, v) => void (c.options = v),
};

/** Npgsql keys that tune what `pg` does its own way: accepted and left alone. */
const IGNORED = new Set(['pooling', 'minimumpoolsize', 'minpoolsize', 'includeerrordetail', 'commandtimeout', 'keepalive', 'enlist', 'connectionidlelifetime', 'connectionpruninginterval', 'tcpkeepalive', 'multiplexing', 'nobackslash', 'encoding', 'clientencoding']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const PORT_RANGE = 'a port is a whole number from 1 to 65535';

/**
 * Reads a PostgreSQL connection string as `pg` needs it. A URL
 * (`postgres://user:secret@host:5432/db`) goes to `pg` as it is; `pg` alone
 * reads nothing else. The key=value forms a .NET or libpq user writes are
 * read here: Npgsql's `Host=db;Port=5432;Database=jobs;Username=app;Password=...`
 * (the connection strings of Hangfire's PostgreSQL storage; keys in any
 * letter case, spaces inside keys ignored) and libpq's
 * `host=db port=5432 dbname=jobs user=app password='a b'`. Session options
 * (a URL's `options` parameter, `Options=-c name=value`) come back as
 * `options`, for the pool to add to its own.
 *
 * @returns the config, or a sentence saying what is wrong (never the value of
 * a password).
 */
export function parseConnectionString(text: string): Result<ConnectionConfig, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith('socket:')) return ok(urlConfig(trimmed));
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    const problem = urlPortProblem(trimmed);
    return problem === undefined ? ok(urlConfig(trimmed)) : err(problem);
  }
  // A ";" between pairs means Npgsql's form; one inside a quoted libpq value (a password) does not.
  const libpq = libpqPairs(trimmed);
  const pairs = typeof libpq === 'string' && trimmed.includes(';') ? npgsqlPairs(trimmed) : libpq;
  if (typeof pairs === 'string') return err(pairs);
  if (pairs.length === 0) return err('it is empty: give a URL (postgres://user:password@host:5432/database) or key=value pairs (Host=...;Database=...)');
  const config: Mutable<ConnectionConfig> = {};
  let trustServerCertificate = false;
  for (const { key: rawKey, value, at, showable } of pairs) {
    const key = rawKey.toLowerCase().replace(/[\s_]/g, '');
    if (key === 'trustservercertificate') {
      trustServerCertificate = isTrue(value);
      continue;
    }
    const apply = KEYS[key];
    if (apply === undefined) {
      if (IGNORED.has(key)) continue;
      return err(`${showable ? `the key ${JSON.stringify(rawKey)}` : hiddenKey(at)} is not understood; the keys are Host, Port, Database, Username, Password, SSL Mode, Trust Server Certificate, Timeout, Application Name, Maximum Pool Size and Options (libpq: host, port, dbname, user, password, sslmode, connect_timeout, application_name, options)`);
    }
    const problem = apply(config, value);
    if (problem !== undefined) return err(showable ? `${rawKey}: ${JSON.stringify(value)} is refused: ${problem}` : `${hiddenKey(at)}: ${problem}`);
  }
  // Npgsql's TrustServerCertificate: encrypt, but accept any certificate.
  if (trustServerCertificate && config.ssl !== undefined && config.ssl !== false) config.ssl = { rejectUnauthorized: false };
  return ok(config);
}

/**
 * One key=value pair and where its key starts (from 1), so that an error can
 * name a pair without quoting it. `showable` is false after a password that
 * was not quoted: a password holding ";" or a space ends early there, and what
 * follows may be the rest of it, so errors about it never quote it.
 */
interface Pair {
  readonly key: string;
  readonly value: string;
  readonly at: number;
  readonly showable: boolean;
}

/** Names a key that may be part of a password by its position only. */
function hiddenKey(at: number): string {
  return `the key at character ${at} (not shown: it follows a password that is not quoted, and may be part of it)`;
}

function isPasswordKey(key: string): boolean {
  return ['password', 'pwd'].includes(key.toLowerCase().replace(/[\s_]/g, ''));
}

/** The position (from 1) of the first non-space character at or after `index`. */
function startOf(text: string, index: number): number {
  return text.length - text.slice(index).trimStart().length + 1;
}

/**
 * `Key=Value;Key2=Value2`; a value may be quoted (`Password="a;b"`, `""` for a
 * quote). Errors name positions, never text: any of it may be a password.
 */
function npgsqlPairs(text: string): Pair[] | string {
  const pairs: Pair[] = [];
  let showable = true;
  let index = 0;
  while (text.slice(index).trim() !== '') {
    const at = startOf(text, index);
    const equals = text.indexOf('=', index);
    const semicolon = text.indexOf(';', index);
    if (equals < 0 || (semicolon >= 0 && semicolon < equals)) return `the text at character ${at} has no "=": key=value pairs are separated by ";"`;
    const key = text.slice(index, equals).trim();
    if (key === '') return `the key at character ${at} is empty`;
    const shown = showable;
    const name = shown ? key : hiddenKey(at);
    index = startOf(text, equals + 1) - 1;
    const quote = text.charAt(index);
    let value: string;
    if (quote === '"' || quote === "'") {
      let end = index + 1;
      value = '';
      for (;;) {
        const next = text.indexOf(quote, end);
        if (next < 0) return `the value of ${name} has no closing quote`;
        value += text.slice(end, next);
        if (text.charAt(next + 1) === quote) {
          value += quote;
          end = next + 2;
          continue;
        }
        // Text between the closing quote and the next ";" would be read as the next key.
        const after = /^\s*(;|$)/.exec(text.slice(next + 1));
        if (after === null) return `the value of ${name} goes on after its closing quote (at character ${startOf(text, next + 1)}); a quote inside a quoted value is doubled`;
        index = next + 1 + after[0].length;
        break;
      }
    } else {
      const end = text.indexOf(';', index);
      value = (end < 0 ? text.slice(index) : text.slice(index, end)).trim();
      index = end < 0 ? text.length : end + 1;
      if (isPasswordKey(key)) showable = false;
    }
    pairs.push({ key, value, at, showable: shown });
  }
  return pairs;
}

/**
 * libpq's `key=value key2='quoted value'` (backslash escapes a quote or a
 * backslash). An unquoted value stops at a ";", so that Npgsql's form is
 * never read as libpq's. A quoted value must end its pair, and an unquoted
 * one cannot start with a quote (a quote left open). Errors name
 * positions, never text: any of it may be a password.
 */
function libpqPairs(text: string): Pair[] | string {
  const pairs: Pair[] = [];
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:'((?:[^'\\]|\\.)*)'(?=\s|$)|((?!')[^\s;]*))/y;
  let showable = true;
  let index = 0;
  while (index < text.length) {
    if (text.slice(index).trim() === '') break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (match === null) return `the text at character ${startOf(text, index)} is not a key=value pair (a URL starts with postgres://)`;
    const [, key = '', quoted, bare] = match;
    pairs.push({ key, value: quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? ''), at: startOf(text, index), showable });
    if (quoted === undefined && isPasswordKey(key)) showable = false;
    index = pattern.lastIndex;
  }
  return pairs;
}

function isPort(text: string): boolean {
  return /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 65_535;
}

/**
 * What is wrong with a URL's port (in its address or a `port` parameter), if
 * anything. `pg` takes port 0 or `?port=abc` as given and fails only at
 * connect, and reports a port above 65535 as an invalid URL. The URL is read
 * as pg-connection-string reads it; one that cannot be read at all is left to
 * `pg` (which says so at open) unless its port is what is wrong.
 */
function urlPortProblem(url: string): string | undefined {
  const authority = /^[a-z]+:\/\/([^/?#]*)/i.exec(url);
  const hostAndPort = (authority?.[1] ?? '').replace(/^.*@/, '');
  // An "@" after the address: a password holding "/", "?" or "#" unencoded cut
  // the address short, and what reads as the port may be part of the password.
  const showable = !url.slice(authority?.[0].length ?? 0).includes('@');
  const parsed = asPgReadsIt(url);
  const port = parsed === undefined ? /:([^:\]]*)$/.exec(hostAndPort)?.[1] : (parsed.searchParams.getAll('port').at(-1) || parsed.port);
  if (port === undefined || port === '' || isPort(port)) return undefined;
  return showable ? `port: ${JSON.stringify(port)} is refused: ${PORT_RANGE}` : `port: the URL's port is refused: ${PORT_RANGE} (not shown: an "@" after the address means it may be part of the password; percent-encode "/", "?", "#" and "@" in a password)`;
}

/**
 * A URL for `pg`, with its `options` parameter taken out into `options`: `pg`
 * lets a URL's options replace the pool config's whole, which would drop the
 * pool's own (generic-plans.ts). The rest of the URL is passed on unchanged.
 */
export function urlConfig(url: string): ConnectionConfig {
  const options = asPgReadsIt(url)?.searchParams.getAll('options');
  if (options === undefined || options.length === 0) return { connectionString: url };
  // A URL that reads as one has no "?" before its query, nor "#" inside it.
  const start = url.indexOf('?');
  const hash = url.indexOf('#', start);
  const end = hash < 0 ? url.length : hash;
  const kept = url.slice(start + 1, end).split('&').filter((part) => !new URLSearchParams(part).has('options'));
  const connectionString = `${url.slice(0, start)}${kept.length > 0 ? `?${kept.join('&')}` : ''}${url.slice(end)}`;
  // pg-connection-string keeps the last; an empty one sets nothing.
  const last = options.at(-1);
  return last === undefined || last === '' ? { connectionString } : { connectionString, options: last };
}

/** The URL as pg-connection-string 2 reads it: spaces encoded first, and an empty host allowed. */
function asPgReadsIt(url: string): URL | undefined {
  const text = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(url) ? encodeURI(url).replace(/%25(\d\d)/g, '%$1') : url;
  for (const candidate of [text, text.replace('@/', '@___DUMMY___/')]) {
    try {
      return new URL(candidate);
    } catch {
      // Not readable this way; try the next.
    }
  }
  return undefined;
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
