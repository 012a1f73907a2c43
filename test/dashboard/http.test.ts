import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { createDashboard, type DashboardHandler } from '../../src/dashboard/create-dashboard.js';
import { useJobDashboard } from '../../src/dashboard/use-job-dashboard.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { dashboardFixture, FAKE_REMOTE_HEADER } from './support.js';

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';

class Note extends Request<string> {
  constructor(readonly text: string, readonly label = '') {
    super();
  }
  override toString(): string {
    return this.label;
  }
}

const register = (registry: Parameters<Parameters<typeof dashboardFixture>[1]>[0]) => void registry.addHandler(Note, { handle: (n: Note) => n.text })._unsafeUnwrap();

function assertSecurityHeaders(response: Response): void {
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/, 'no unsafe-inline script');
  assert.match(csp, /style-src 'self'(;|$)/, 'no unsafe-inline style');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  assert.ok(response.headers.get('referrer-policy'));
}

for (const kind of STORAGE_KINDS) {
  describe(`dashboard over HTTP (${kind})`, () => {
    it('escapes everything a job carries: payload, display name, search term', async () => {
      const d = await dashboardFixture(kind, register);
      try {
        const id = (await d.e.engine.client.enqueue(new Note(HOSTILE, HOSTILE)))._unsafeUnwrap();
        for (const path of [`/jobs/${id}`, '/jobs?state=Enqueued', `/jobs?q=${encodeURIComponent(HOSTILE)}`, `/jobs?q=${encodeURIComponent('onerror=alert(1)')}`]) {
          const response = await d.get(path);
          const body = await response.text();
          assert.equal(response.status, 200, path);
          assert.ok(!body.includes('<script>alert(1)'), `${path}: no live script tag`);
          assert.ok(!body.includes('<img src=x'), `${path}: no live img tag`);
          assert.ok(body.includes('&lt;script&gt;alert(1)&lt;/script&gt;') || body.includes('&lt;script&gt;alert(1)&lt;\\/script&gt;'), `${path}: shown as text`);
          assert.ok(!/<script(?![^>]*src="\/jobs\/assets\/dashboard\.js)/.test(body), `${path}: the only script is the dashboard's asset`);
        }
      } finally {
        await d.dispose();
      }
    });

    it('the overview shows how many jobs succeeded and failed in the last 24 hours and 7 days', async () => {
      const failOnBoom = (registry: Parameters<Parameters<typeof dashboardFixture>[1]>[0]) =>
        void registry.addHandler(Note, { handle: (n: Note) => { if (n.text === 'boom') throw new TypeError('boom'); return n.text; } })._unsafeUnwrap();
      const d = await dashboardFixture(kind, failOnBoom);
      try {
        const empty = await (await d.get('/')).text();
        assert.match(empty, /<h2>Last 24 hours<\/h2>/);
        assert.match(empty, /<h2>Last 7 days<\/h2>/);
        assert.match(empty, /data-total="history-hourly-succeeded">0</);
        await d.e.startServer();
        const ids = await Promise.all(['a', 'b', 'c', 'boom'].map(async (text) => (await d.e.engine.client.enqueue(new Note(text)))._unsafeUnwrap()));
        for (const id of ids.slice(0, 3)) await d.e.waitForState(id, 'Succeeded');
        await d.e.waitForState(ids[3]!, 'Failed');

        const response = await d.get('/');
        const body = await response.text();
        assertSecurityHeaders(response);
        for (const chart of ['history-hourly', 'history-daily']) {
          assert.match(body, new RegExp(`data-total="${chart}-succeeded">3<`), `${chart}: succeeded`);
          assert.match(body, new RegExp(`data-total="${chart}-failed">1<`), `${chart}: failed`);
        }
        const titled = [...body.matchAll(/<title>[^<]*: (\d+) succeeded, (\d+) failed<\/title>/g)];
        assert.equal(titled.length, 24 + 7, 'one titled bar per hour and per day');
        const sum = (from: number, to: number, column: 1 | 2) => titled.slice(from, to).reduce((n, m) => n + Number(m[column]), 0);
        assert.deepEqual([sum(0, 24, 1), sum(0, 24, 2), sum(24, 31, 1), sum(24, 31, 2)], [3, 1, 3, 1], 'the bars say the same as the totals');
        assert.equal((body.match(/class="bar-failed"/g) ?? []).length >= 2, true, 'failed bars drawn');
        assert.ok(!/\sstyle=/.test(body) && !/<style/.test(body), 'no inline style (the CSP forbids it)');
        assert.equal((body.match(/<details class="history-numbers">/g) ?? []).length, 2, 'the numbers as tables too');
        assert.equal((body.match(/<tr><td>[^<]*<\/td><td class="num">\d+<\/td><td class="num">\d+<\/td><\/tr>/g) ?? []).length, 24 + 7);

        // Aggregated into totals, the numbers stay.
        (await d.e.t.storage.aggregateCounters(1000))._unsafeUnwrap();
        assert.match(await (await d.get('/')).text(), /data-total="history-daily-succeeded">3</);
      } finally {
        await d.dispose();
      }
    });

    it('search finds jobs by payload text, type name and id; LIKE wildcards are literal', async () => {
      const d = await dashboardFixture(kind, register);
      try {
        const a = (await d.e.engine.client.enqueue(new Note('invoice for ACME')))._unsafeUnwrap();
        const b = (await d.e.engine.client.enqueue(new Note('100% done')))._unsafeUnwrap();
        const c = (await d.e.engine.client.enqueue(new Note('nothing special', 'Nightly_report')))._unsafeUnwrap();
        const ids = async (q: string, state = '') => [...(await (await d.get(`/jobs?q=${encodeURIComponent(q)}${state}`)).text()).matchAll(/name="ids" value="(\d+)"/g)].map((m) => m[1]);
        assert.deepEqual(await ids('acme'), [a], 'payload text, case-insensitive');
        assert.deepEqual(await ids('%'), [b], '% is literal');
        assert.deepEqual(await ids('y_r'), [c], '_ is literal, display name searched');
        assert.deepEqual(await ids(b), [b], 'exact id');
        assert.deepEqual(await ids('Note'), [c, b, a], 'type name, newest first');
        assert.deepEqual(await ids('acme', '&state=Failed'), [], 'narrowed to a state');
      } finally {
        await d.dispose();
      }
    });

    it('answers bad input with 400 and 404 pages, never a crash', async () => {
      const d = await dashboardFixture(kind, register);
      try {
        const cases: [string, number][] = [
          ['/jobs/999999', 404], ['/jobs/abc', 404], ['/jobs/99999999999999999999999', 404], ['/jobs/0', 404],
          ['/jobs?page=-1', 400], ['/jobs?page=0', 400], ['/jobs?page=1e3', 400], ['/jobs?size=1000', 400],
          ['/jobs?state=bogus', 400], [`/jobs?q=${'x'.repeat(5000)}`, 400], ['/nope', 404], ['/jobs?page=99', 200],
          ['/jobs?state=failed', 200], ['/', 200], ['/recurring', 200], ['/servers', 200], ['/queues', 200], ['/jobs', 200],
          // Above PostgreSQL's bigint, and a NUL in a search: the request's fault, never a storage error.
          ['/jobs/9223372036854775808', 404], ['/jobs/9999999999999999999', 404], ['/jobs?q=%00', 400], ['/jobs?q=a%00b&state=Enqueued', 400],
        ];
        for (const [path, status] of cases) {
          const response = await d.get(path);
          assert.equal(response.status, status, path);
          assert.match(response.headers.get('content-type') ?? '', /text\/html/);
          assertSecurityHeaders(response);
        }
        const stats = await d.get('/api/stats');
        assert.equal(stats.status, 200);
        assert.equal(((await stats.json()) as { Enqueued: number }).Enqueued, 0);

        // Actions: every id is checked before any is acted on; a recurring id the storage refuses is not found.
        const id = (await d.e.engine.client.enqueue(new Note('kept')))._unsafeUnwrap();
        const { cookie, token } = await d.session('/jobs');
        const bulk = await d.post('/jobs/delete', { ids: [id, '9223372036854775808'], _csrf: token }, { cookie });
        assert.equal(bulk.status, 400);
        assert.equal((await d.e.t.storage.getState(id))._unsafeUnwrap(), 'Enqueued', 'nothing was deleted');
        for (const recurringId of ['a\u0000b', 'x\ny']) assert.equal((await d.post('/recurring/trigger', { id: recurringId, _csrf: token }, { cookie })).status, 404, JSON.stringify(recurringId));
        assert.deepEqual(d.e.logger.errors(), []);
      } finally {
        await d.dispose();
      }
    });
  });
}

describe('dashboard security', () => {
  it('without filters allows only local requests (not through a proxy)', async () => {
    const d = await dashboardFixture('Embedded', register);
    try {
      assert.equal((await d.get('/')).status, 200, 'loopback');
      for (const remote of ['203.0.113.9', '::ffff:10.0.0.1', '192.168.1.20']) {
        const response = await d.get('/', { headers: { [FAKE_REMOTE_HEADER]: remote } });
        assert.equal(response.status, 403, remote);
        assertSecurityHeaders(response);
        assert.ok(!(await response.text()).includes('name="_csrf"'), 'no token for a refused request');
      }
      assert.equal((await d.get('/', { headers: { [FAKE_REMOTE_HEADER]: '::1' } })).status, 200, '::1');
      assert.equal((await d.get('/', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status, 403, 'through a local proxy');
      assert.equal((await d.get('/assets/dashboard.js', { headers: { [FAKE_REMOTE_HEADER]: '203.0.113.9' } })).status, 403, 'assets too');
    } finally {
      await d.dispose();
    }
  });

  it('runs every async filter; a refusal or a throw is 403; allowEveryone must be explicit', async () => {
    const seen: string[] = [];
    const d = await dashboardFixture('Embedded', register, {
      authorization: [
        async (req) => { seen.push('first'); return req.headers['x-user'] !== undefined; },
        async (req) => { seen.push('second'); if (req.headers['x-user'] === 'boom') throw new Error('directory down'); return req.headers['x-user'] === 'admin'; },
      ],
    });
    try {
      const as = (user: string | undefined) => d.get('/', { headers: { [FAKE_REMOTE_HEADER]: '203.0.113.9', ...(user === undefined ? {} : { 'x-user': user }) } });
      assert.equal((await as('admin')).status, 200, 'a remote request the filters allow');
      assert.equal((await as('guest')).status, 403);
      assert.equal((await as(undefined)).status, 403);
      assert.equal((await as('boom')).status, 403);
      assert.ok(seen.includes('second'));
    } finally {
      await d.dispose();
    }
    const open = await dashboardFixture('Embedded', register, { allowEveryone: true });
    try {
      assert.equal((await open.get('/', { headers: { [FAKE_REMOTE_HEADER]: '203.0.113.9' } })).status, 200);
    } finally {
      await open.dispose();
    }
  });

  it('actions need POST, the cookie and its token, and the same origin', async () => {
    const d = await dashboardFixture('Embedded', register);
    try {
      const id = (await d.e.engine.client.enqueue(new Note('x')))._unsafeUnwrap();
      const { cookie, token } = await d.session('/jobs');
      assert.ok(cookie.startsWith('mediator-jobs-af=') && token.length > 20);
      assert.equal((await d.post('/jobs/delete', { ids: id })).status, 403, 'no cookie, no token');
      assert.equal((await d.post('/jobs/delete', { ids: id }, { cookie })).status, 403, 'cookie without token');
      assert.equal((await d.post('/jobs/delete', { ids: id, _csrf: token })).status, 403, 'token without its cookie');
      assert.equal((await d.post('/jobs/delete', { ids: id, _csrf: `${token.slice(0, -2)}AA` }, { cookie })).status, 403, 'wrong token');
      const other = await d.session('/jobs');
      assert.equal((await d.post('/jobs/delete', { ids: id, _csrf: other.token }, { cookie })).status, 403, 'another browser’s token');
      assert.equal((await d.post('/jobs/delete', { ids: id, _csrf: token }, { cookie, origin: 'https://evil.example' })).status, 403, 'cross-origin');
      assert.equal((await d.post('/jobs/delete', { ids: id, _csrf: token }, { cookie, 'sec-fetch-site': 'cross-site' })).status, 403, 'cross-site');
      assert.equal((await d.get(`/jobs/delete?ids=${id}&_csrf=${token}`, { headers: { cookie } })).status, 404, 'GET never acts');
      assert.equal((await d.e.t.storage.getState(id))._unsafeUnwrap(), 'Enqueued', 'nothing was deleted');

      const done = await d.post('/jobs/delete', { ids: id, _csrf: token, return: `/jobs/${id}` }, { cookie, origin: d.origin });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), `/jobs/jobs/${id}?done=deleted&n=1&of=1`);
      assert.equal((await d.e.t.storage.getState(id))._unsafeUnwrap(), 'Deleted');
      const shown = await (await d.get(`/jobs/${id}?done=deleted&n=1&of=1`, { headers: { cookie } })).text();
      assert.match(shown, /Deleted 1 job;/);

      const requeued = await d.post('/jobs/requeue', { ids: [id, '999999'], _csrf: token, return: '//evil.example/x' }, { cookie });
      assert.equal(requeued.status, 303);
      assert.equal(requeued.headers.get('location'), '/jobs/?done=requeued&n=1&of=2', 'never redirects off the dashboard');
      assert.equal((await d.post('/jobs/requeue', { ids: 'abc', _csrf: token }, { cookie })).status, 400);
      assert.equal((await d.post('/jobs/requeue', { _csrf: token }, { cookie })).status, 400);
      assert.equal((await d.post('/recurring/trigger', { id: 'missing', _csrf: token }, { cookie })).status, 404);
      assert.equal((await d.post('/jobs/requeue', { ids: id, _csrf: token }, { cookie, 'content-type': 'application/json' })).status, 415);
    } finally {
      await d.dispose();
    }
  });

  it('a bulk requeue keeps back a job whose unique key another job holds, says so, and requeues the rest', async () => {
    const d = await dashboardFixture('Embedded', register);
    try {
      const { cookie, token } = await d.session('/jobs');
      const old = (await d.e.engine.client.enqueue(new Note('old'), { uniqueKey: 'nightly-export' }))._unsafeUnwrap();
      const plain = (await d.e.engine.client.enqueue(new Note('plain')))._unsafeUnwrap();
      for (const id of [old, plain]) (await d.e.engine.client.delete(id))._unsafeUnwrap();
      const holder = (await d.e.engine.client.enqueue(new Note('holder'), { uniqueKey: 'nightly-export' }))._unsafeUnwrap();
      const shownKey = await (await d.get(`/jobs/${holder}`, { headers: { cookie } })).text();
      assert.match(shownKey, /<dt>Unique key<\/dt><dd>nightly-export<\/dd>/, 'the job page shows the key');

      const requeued = await d.post('/jobs/requeue', { ids: [old, plain], _csrf: token, return: '/jobs' }, { cookie });
      assert.equal(requeued.status, 303, 'not a 500: the other job was requeued');
      assert.equal(requeued.headers.get('location'), '/jobs/jobs?done=requeued&n=1&of=2&held=1');
      assert.equal((await d.e.t.storage.getState(plain))._unsafeUnwrap(), 'Enqueued');
      assert.equal((await d.e.t.storage.getState(old))._unsafeUnwrap(), 'Deleted', 'kept back');
      const notice = await (await d.get('/jobs?done=requeued&n=1&of=2&held=1', { headers: { cookie } })).text();
      assert.match(notice, /Requeued 1 job\. 1 job kept back: another job with the same unique key is waiting or running\./);
      assert.deepEqual(d.e.logger.errors(), [], 'nothing was logged as an error');
    } finally {
      await d.dispose();
    }
  });

  it('a requeue refused for another reason (a filter elected a bad queue) is not reported as a held unique key', async () => {
    const d = await dashboardFixture('Embedded', register);
    try {
      const { cookie, token } = await d.session('/jobs');
      const plain = (await d.e.engine.client.enqueue(new Note('plain')))._unsafeUnwrap();
      (await d.e.engine.client.delete(plain))._unsafeUnwrap();
      d.e.engine.filters.add({
        onStateElection: (context) => {
          if (context.candidate.to.name === 'Enqueued') context.candidate = { ...context.candidate, to: { name: 'Enqueued', queue: 'not a queue!' } };
        },
      })._unsafeUnwrap();
      const requeued = await d.post('/jobs/requeue', { ids: [plain], _csrf: token, return: '/jobs' }, { cookie });
      assert.doesNotMatch(requeued.headers.get('location') ?? '', /held=/, 'the job has no unique key');
      assert.equal(requeued.status, 500, 'the action failed, and says so');
      assert.deepEqual(d.e.logger.errors(), ['Dashboard: action failed'], 'logged as the failure it is');
      assert.equal((await d.e.t.storage.getState(plain))._unsafeUnwrap(), 'Deleted');
    } finally {
      await d.dispose();
    }
  });

  it('actions work behind body parsers mounted before the dashboard, and a body read and dropped is a 400, not a hang', async () => {
    const d = await dashboardFixture('Embedded', register);
    // What Express's parsers leave on a form post: json() an empty body and the stream unread,
    // text() and raw() the form read into req.body, and a middleware that drains the stream and keeps nothing.
    const parsers: Record<string, (req: IncomingMessage & { body?: unknown; _body?: boolean }, raw: Buffer) => void> = {
      json: (req) => void (req.body = {}),
      text: (req, raw) => Object.assign(req, { body: raw.toString('utf8'), _body: true }),
      raw: (req, raw) => Object.assign(req, { body: raw, _body: true }),
      drained: () => undefined,
    };
    const server = createServer((req, res) => {
      const parser = parsers[String(req.headers['x-parser'])];
      if (parser === undefined) return void d.handler(req, res);
      if (req.headers['x-parser'] === 'json') return void (parser(req, Buffer.alloc(0)), d.handler(req, res));
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => (parser(req, Buffer.concat(chunks)), d.handler(req, res)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${origin}/jobs/jobs`);
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      for (const parser of ['json', 'text', 'raw']) {
        const id = (await d.e.engine.client.enqueue(new Note(parser)))._unsafeUnwrap();
        const response = await fetch(`${origin}/jobs/jobs/delete`, {
          method: 'POST', redirect: 'manual', body: new URLSearchParams({ ids: id, _csrf: token }),
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin, 'x-parser': parser },
        });
        assert.equal(response.status, 303, `behind a ${parser} parser`);
        assert.equal((await d.e.t.storage.getState(id))._unsafeUnwrap(), 'Deleted', `behind a ${parser} parser`);
      }
      const drained = await fetch(`${origin}/jobs/jobs/delete`, {
        method: 'POST', redirect: 'manual', body: new URLSearchParams({ ids: '1', _csrf: token }), signal: AbortSignal.timeout(10_000),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin, 'x-parser': 'drained' },
      });
      assert.equal(drained.status, 400);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await d.dispose();
    }
  });

  it('never redirects an action off the dashboard, even mounted at / where a path may normalise to //host', async () => {
    const d = await dashboardFixture('Embedded', register, { path: '/' });
    try {
      const id = (await d.e.engine.client.enqueue(new Note('x')))._unsafeUnwrap();
      const { cookie, token } = await d.session('/jobs');
      for (const back of ['/.//evil.example/x', '//evil.example', '/%2e//evil.example', `/jobs/${id}`]) {
        const done = await d.post('/jobs/requeue', { ids: id, _csrf: token, return: back }, { cookie });
        assert.equal(done.status, 303, back);
        const location = done.headers.get('location') ?? '';
        assert.ok(location.startsWith('/') && !location.startsWith('//') && !location.startsWith('/\\'), `${back} went to ${location}`);
      }
    } finally {
      await d.dispose();
    }
  });

  it('read-only mode hides actions and refuses them', async () => {
    const d = await dashboardFixture('Embedded', register, { readOnly: true });
    try {
      const id = (await d.e.engine.client.enqueue(new Note('x')))._unsafeUnwrap();
      const page = await (await d.get(`/jobs/${id}`)).text();
      assert.ok(!page.includes('<button'), 'no action buttons');
      assert.match(page, /read-only/);
      const list = await (await d.get('/jobs?state=Enqueued')).text();
      assert.ok(!list.includes('type="checkbox"'));
      const { cookie, token } = await d.session('/jobs');
      assert.equal((await d.post('/jobs/delete', { ids: id, _csrf: token }, { cookie })).status, 403);
      assert.equal((await d.e.t.storage.getState(id))._unsafeUnwrap(), 'Enqueued');
    } finally {
      await d.dispose();
    }
  });

  it('warns once when mounted where it can never answer (app.use with a path that is not its own), and stays quiet where it can', async () => {
    const d = await dashboardFixture('Embedded', register);
    const servers: ReturnType<typeof createServer>[] = [];
    /** An app with one mount, stripping the mount path as Express (baseUrl) or Connect (originalUrl only) do; the app's own 404 after next(). */
    const mountedAt = async (mount: string, handler: DashboardHandler, style: 'express' | 'connect') => {
      const server = createServer((req: IncomingMessage & { baseUrl?: string; originalUrl?: string }, res) => {
        const url = req.url ?? '/';
        const notFound = () => void res.writeHead(404).end('app 404');
        if (url !== mount && !url.startsWith(`${mount}/`) && !url.startsWith(`${mount}?`)) return notFound();
        req.originalUrl = url;
        if (style === 'express') req.baseUrl = mount;
        req.url = url.slice(mount.length) === '' || url.slice(mount.length).startsWith('?') ? `/${url.slice(mount.length)}` : url.slice(mount.length);
        handler(req, res, notFound);
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    const mountWarnings = () => d.e.logger.at('warn').filter((message) => message.includes('Dashboard: mounted at'));
    try {
      const byDefault = await mountedAt('/hangfire', createDashboard(d.e.engine)._unsafeUnwrap(), 'express');
      assert.equal((await fetch(`${byDefault}/hangfire/`)).status, 404, 'the default path is /jobs: nothing answers at /hangfire');
      assert.equal((await fetch(`${byDefault}/hangfire/jobs?state=Failed`)).status, 404);
      assert.deepEqual(mountWarnings(), [
        "Dashboard: mounted at /hangfire, but its path is /jobs, so it answers nothing there. Pass { path: '/hangfire' } to createDashboard, or mount it with useJobDashboard(app, engine, '/hangfire').",
      ], 'one warning, however many requests');

      const connect = await mountedAt('/ops', createDashboard(d.e.engine)._unsafeUnwrap(), 'connect');
      assert.equal((await fetch(`${connect}/ops`)).status, 404);
      assert.equal(mountWarnings().length, 2, 'Connect: the mount is what it stripped from the URL');
      assert.match(mountWarnings()[1]!, /mounted at \/ops, but its path is \/jobs/);

      const inside = await mountedAt('/admin', createDashboard(d.e.engine, { path: '/admin/jobs' })._unsafeUnwrap(), 'express');
      assert.equal((await fetch(`${inside}/admin/other`)).status, 404, 'a path of the app beside the dashboard');
      assert.equal((await fetch(`${inside}/admin/jobs`)).status, 200, 'the dashboard inside the mount answers');
      const own = await mountedAt('/hangfire', createDashboard(d.e.engine, { path: '/hangfire' })._unsafeUnwrap(), 'express');
      assert.equal((await fetch(`${own}/hangfire`)).status, 200);
      assert.equal(mountWarnings().length, 2, 'no warning where the dashboard can answer');
    } finally {
      for (const server of servers) server.close();
      await d.dispose();
    }
  });

  it('passes other paths to next(), 404s them without one, and mounts Express-style with useJobDashboard', async () => {
    const d = await dashboardFixture('Embedded', register);
    try {
      const outside = await fetch(`${d.origin}/elsewhere`);
      assert.equal(outside.status, 404);
      assert.equal((await fetch(`${d.origin}/jobsx`)).status, 404, 'a prefix is not a match');
      let nextCalled = 0;
      const handler = createDashboard(d.e.engine, { path: '/admin/jobs' })._unsafeUnwrap();
      const fakeRes = {} as never;
      handler({ url: '/other', headers: {}, socket: { remoteAddress: '127.0.0.1' } } as never, fakeRes, () => void nextCalled++);
      assert.equal(nextCalled, 1);

      const mounted: [string, unknown][] = [];
      const app = { use: (path: string, h: unknown) => void mounted.push([path, h]) };
      const used = useJobDashboard(app, d.e.engine, '/hangfire', []);
      assert.ok(used.isOk());
      assert.equal(mounted[0]?.[0], '/hangfire');
      assert.ok(createDashboard(d.e.engine, { path: 'no-slash' }).isErr());
      assert.ok(createDashboard(d.e.engine, { path: '/x/' }).isErr());
      assert.ok(createDashboard(d.e.engine, { allowEveryone: true, authorization: [() => true] }).isErr());
      assert.ok(createDashboard(d.e.engine, { options: { dashboardPath: '/from-options' } }).isOk());
    } finally {
      await d.dispose();
    }
  });

  it('serves its assets with the security headers and answers a failing storage with a 500 page', async () => {
    const d = await dashboardFixture('Embedded', register);
    try {
      for (const [path, type] of [['/assets/dashboard.css', /text\/css/], ['/assets/dashboard.js', /javascript/]] as const) {
        const response = await d.get(path);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', type);
        assertSecurityHeaders(response);
      }
      const head = await d.get('/', { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal((await d.get('/', { method: 'PUT' })).status, 405);
      (await d.e.t.storage.close())._unsafeUnwrap();
      const broken = await d.get('/jobs?state=Failed');
      assert.equal(broken.status, 500);
      assert.ok(!(await broken.text()).includes('Closed'), 'details stay in the log');
      assert.ok(d.e.logger.errors().some((m) => m.startsWith('Dashboard:')));
    } finally {
      await d.dispose();
    }
  });
});
