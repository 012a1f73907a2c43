/**
 * The dashboard in a real headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core): every page opens without a CSP violation or script
 * error, and the actions work end to end against a running server.
 * Screenshots of the main pages go to test/output/screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { err, ok } from 'neverthrow';
import { Request } from '../../src/mediator/index.js';
import { eventually } from '../support/test-storage.js';
import { dashboardFixture, type DashboardFixture } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, '..', 'output', 'screenshots');
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';

class Note extends Request<string> {
  constructor(readonly text: string, readonly label = '') {
    super();
  }
  override toString(): string {
    return this.label;
  }
}
/** Fails the first time it runs for its key, succeeds afterwards. */
class FailsOnce extends Request<string, { kind: 'FirstRunFails'; message: string }> {
  constructor(readonly key: string) {
    super();
  }
}
/** Runs until its signal aborts. */
class Endless extends Request<void> {}

const attempts = new Map<string, number>();
const started = new Set<string>();
const aborted = new Set<string>();

/** The browser's complaints: console errors (CSP violations are reported there), page errors, dialogs. */
interface Watched {
  readonly page: Page;
  readonly problems: string[];
  readonly dialogs: string[];
}

describe('dashboard in a browser (Embedded)', () => {
  let browser: Browser;
  let d: DashboardFixture;

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: the browser tests need it. Install it with \`apt-get install chromium\` (CI installs it).`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    d = await dashboardFixture(
      'Embedded',
      (registry) => {
        registry.addHandler(Note, { handle: (n: Note) => n.text })._unsafeUnwrap();
        registry.addHandler(FailsOnce, {
          handle: (request: FailsOnce) => {
            const seen = (attempts.get(request.key) ?? 0) + 1;
            attempts.set(request.key, seen);
            return seen === 1 ? err({ kind: 'FirstRunFails' as const, message: `first run of ${request.key} fails` }) : ok(`${request.key} done`);
          },
        })._unsafeUnwrap();
        registry.addHandler(Endless, {
          handle: (_request: Endless, context: { signal: AbortSignal; job?: { jobId: string } }) =>
            new Promise<void>((_resolve, reject) => {
              const id = context.job?.jobId ?? '?';
              started.add(id);
              context.signal.addEventListener('abort', () => {
                aborted.add(id);
                reject(new Error('stopped'));
              }, { once: true });
            }),
        })._unsafeUnwrap();
      },
      { pollIntervalMs: 500, title: 'Acme jobs' },
      { WorkerCount: 2 },
    );
    await d.e.startServer({ ServerName: 'web-1' });
  });

  after(async () => {
    await browser?.close();
    await d?.dispose();
  });

  async function open(path: string, prepare?: (page: Page) => Promise<void>): Promise<Watched> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await prepare?.(page);
    const problems: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const response = await page.goto(`${d.root}${path}`);
    assert.equal(response?.status(), 200, `GET ${path}`);
    return { page, problems, dialogs };
  }

  async function done(w: Watched, screenshot?: string): Promise<void> {
    // A few polls, so errors from the live updates show up too.
    await w.page.waitForTimeout(1_200);
    if (screenshot !== undefined) await w.page.screenshot({ path: join(SCREENSHOTS, `${screenshot}.png`), fullPage: true });
    assert.deepEqual(w.problems, [], 'no console errors or CSP violations');
    assert.deepEqual(w.dialogs, [], 'no dialog (no script ran from job data)');
    await w.page.close();
  }

  it('opens every page without CSP violations or script errors (screenshots)', async () => {
    for (let i = 0; i < 5; i++) (await d.e.engine.client.enqueue(new Note(`report ${i}`, `Monthly report ${i}`)))._unsafeUnwrap();
    const failing = (await d.e.engine.client.enqueue(new FailsOnce('screenshot')))._unsafeUnwrap();
    (await d.e.engine.client.schedule(new Note('later'), 3_600_000))._unsafeUnwrap();
    (await d.e.engine.recurring.addOrUpdate('nightly-cleanup', new Note('cleanup'), '0 3 * * *', { timeZone: 'Europe/Paris' }))._unsafeUnwrap();
    await d.e.waitForState(failing, 'Failed');

    const overview = await open('/');
    await overview.page.waitForSelector('#chart svg polyline.line-succeeded', { state: 'attached', timeout: 10_000 });
    assert.equal(await overview.page.textContent('[data-count="Failed"].card-count'), '1');
    await done(overview, 'overview');
    for (const [path, name] of [['/jobs?state=Succeeded', 'jobs-succeeded'], [`/jobs/${failing}`, 'job-failed'], ['/recurring', 'recurring'], ['/servers', 'servers'], ['/queues', 'queues'], ['/jobs?state=Scheduled', 'jobs-scheduled']] as const) {
      const w = await open(path);
      await done(w, name);
    }
  });

  it('the live chart counts jobs that finished while expiration removed others (it draws the all-time counts)', async () => {
    // The most jobs one poll counted, from the chart's tooltips (the line itself draws rates).
    const chartMax = async (page: Page) => {
      const titles = await page.locator('#chart svg g.sample title').allTextContents();
      return Math.max(0, ...titles.map((t) => Number(/(\d+) succeeded/.exec(t)?.[1])).filter(Number.isFinite));
    };
    const w = await open('/');
    await w.page.waitForSelector('#chart svg polyline.line-succeeded', { state: 'attached', timeout: 10_000 });
    const quiet = await chartMax(w.page);
    // Hold the page's stats polls while, between two of them, 3 jobs succeed and every Succeeded
    // job expires: the number kept goes down although 3 jobs finished.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    await w.page.route('**/api/stats', async (route) => {
      held++;
      await gate;
      await route.continue();
    });
    const { storage } = d.e.t;
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await d.e.engine.client.enqueue(new Note(`chart ${i}`)))._unsafeUnwrap());
    for (const id of ids) await d.e.waitForState(id, 'Succeeded');
    const kept = (await storage.stateCounts())._unsafeUnwrap().Succeeded;
    await d.e.t.sql(`UPDATE ${storage.schema.quoted}.jobs SET expire_at = now() WHERE state = 'Succeeded'`);
    assert.equal((await storage.expireJobs(10_000))._unsafeUnwrap(), kept, 'every Succeeded job expired');
    await eventually(async () => (held > 0 ? true : undefined), 'a stats poll is held');
    release();
    await eventually(async () => ((await chartMax(w.page)) >= 3 ? true : undefined), 'the chart shows the 3 jobs that succeeded', 10_000);
    assert.ok(quiet < 3, `the chart was quiet before (its scale was ${quiet})`);
    await done(w);
  });

  it('the live chart spreads the jobs counted after a pause over the pause (no spike)', async () => {
    // The page was in a background tab for 10 minutes: the samples it kept end then, one job per poll,
    // and the first poll after it counts the 300 jobs that ran meanwhile.
    const page = await (await d.get('/')).text();
    const key = `mediator-jobs:samples:v2:${/data-stats="([^"]+)"/.exec(page)?.[1] ?? ''}`;
    const pollMs = 500;
    const pauseEnd = Date.now() - 600_000;
    const seeded = Array.from({ length: 10 }, (_, i) => ({ t: pauseEnd - (9 - i) * pollMs, s: i + 1, f: 0 }));
    let polls = 0;
    const w = await open('/', async (p) => {
      await p.addInitScript(`sessionStorage.setItem(${JSON.stringify(key)}, ${JSON.stringify(JSON.stringify(seeded))})`);
      // 310, 311, 312, ...: 300 jobs over the pause, then one job per poll again.
      await p.route('**/api/stats', (route) => route.fulfill({ json: { allTime: { succeeded: 309 + ++polls, failed: 0 } } }));
    });
    // The 10 samples kept, and 2 polls after the pause.
    await w.page.waitForFunction(
      (k) => (JSON.parse((globalThis as unknown as { sessionStorage: { getItem(name: string): string | null } }).sessionStorage.getItem(k) ?? '[]') as unknown[]).length >= 12,
      key,
      { timeout: 10_000 },
    );
    await w.page.waitForSelector('#chart svg polyline.line-succeeded', { state: 'attached' });
    const labels = await w.page.locator('#chart svg text.axis-label').allTextContents();
    const scale = Math.max(...labels.map(Number).filter(Number.isFinite));
    assert.ok(scale <= 2, `no spike: the 300 jobs are spread over the 10 minutes (the scale is ${scale}, labels ${JSON.stringify(labels)})`);
    assert.ok(scale >= 1, `the regular polls still show their job each (the scale is ${scale})`);
    const titles = await w.page.locator('#chart svg g.sample title').allTextContents();
    assert.ok(titles.some((t) => /\(10 min\): 300 succeeded, 0 failed$/.test(t)), `the pause's tooltip has its real numbers: ${JSON.stringify(titles)}`);
    // The pause's step is as wide as the pause, at 300 jobs / 1200 polls = 0.25 per poll.
    const rects = await w.page.locator('#chart svg g.sample rect.hit').evaluateAll((nodes) => nodes.map((n) => Number((n as unknown as { getAttribute(name: string): string | null }).getAttribute('width'))));
    const plotWidth = rects.reduce((sum, width) => sum + width, 0);
    assert.ok(Math.max(...rects) > plotWidth * 0.9, `the pause covers most of the time axis: ${JSON.stringify(rects)}`);
    await done(w, 'chart-after-pause');
  });

  it('the live chart starts after two polls, as the page says', async () => {
    let polls = 0;
    const w = await open('/', async (p) => {
      // Two polls answer (4 jobs apart), the third never does.
      await p.route('**/api/stats', async (route) => {
        if (++polls > 2) return;
        await route.fulfill({ json: { allTime: { succeeded: polls === 1 ? 10 : 14, failed: 0 } } });
      });
    });
    assert.match((await w.page.textContent('#chart')) ?? '', /starts when the page's script has polled twice/);
    await w.page.waitForSelector('#chart svg polyline.line-succeeded', { state: 'attached', timeout: 10_000 });
    assert.ok(polls <= 3, 'drawn from two answered polls (a third one, if sent, is never answered)');
    assert.match((await w.page.textContent('#chart svg g.sample title')) ?? '', /: 4 succeeded, 0 failed$/);
    await w.page.close();
  });

  it('shows a hostile payload as text: no script runs, no dialog opens', async () => {
    const id = (await d.e.engine.client.enqueue(new Note(HOSTILE, HOSTILE)))._unsafeUnwrap();
    await d.e.waitForState(id, 'Succeeded');
    const w = await open(`/jobs/${id}`);
    assert.ok((await w.page.textContent('.job-title'))?.includes(HOSTILE));
    assert.match((await w.page.textContent('pre.code')) ?? '', /<script>alert\(1\)<\/script>/);
    assert.equal(await w.page.locator('main img').count(), 0, 'no img element was created');
    await done(w, 'job-hostile');
    const list = await open(`/jobs?q=${encodeURIComponent('onerror')}`);
    assert.ok((await list.page.textContent('table.jobs'))?.includes(HOSTILE));
    await done(list);
  });

  it('long names and messages wrap inside the page; hostile ones stay text, and a hostile recurring id works in its form', async () => {
    const long = `Very${'LongUnbrokenName'.repeat(25)}`;
    const named = (await d.e.engine.client.enqueue(new Note(long, long)))._unsafeUnwrap();
    const failing = (await d.e.engine.client.enqueue(new FailsOnce(long + HOSTILE)))._unsafeUnwrap();
    const recurringId = `${long.slice(0, 120)}-${HOSTILE}`;
    (await d.e.engine.recurring.addOrUpdate(recurringId, new Note('r', long), '0 3 * * *'))._unsafeUnwrap();
    await d.e.waitForState(named, 'Succeeded');
    await d.e.waitForState(failing, 'Failed');
    interface Box { scrollWidth: number; clientWidth: number; className: string; tagName: string }
    for (const path of ['/jobs', `/jobs/${named}`, `/jobs/${failing}`, '/recurring']) {
      const w = await open(path);
      // The page and every panel as wide as the window: nothing scrolls sideways.
      const overflowing = await w.page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { documentElement: Box; querySelectorAll(selector: string): ArrayLike<Box> } }).document;
        return [doc.documentElement, ...Array.from(doc.querySelectorAll('main, .panel, table'))]
          .filter((box) => box.scrollWidth > box.clientWidth + 1)
          .map((box) => `${box.tagName}.${box.className}: ${box.scrollWidth} > ${box.clientWidth}`);
      });
      assert.deepEqual(overflowing, [], `${path}: nothing wider than the window`);
      await done(w, path === '/recurring' ? 'recurring-long' : undefined);
    }
    const details = await open(`/jobs/${failing}`);
    assert.equal(await details.page.textContent('.error-message'), `FirstRunFails: first run of ${long}${HOSTILE} fails`);
    await done(details, 'job-long-error');
    const recurring = await open('/recurring');
    const row = recurring.page.locator('tr[data-recurring-id]').filter({ hasText: '<script>alert(1)' });
    assert.equal(await row.getAttribute('data-recurring-id'), recurringId, 'the id is intact in its attribute');
    await Promise.all([recurring.page.waitForURL(/done=triggered/), row.locator('button:has-text("Trigger now")').click()]);
    assert.ok((await d.e.engine.storage.getRecurring(recurringId))._unsafeUnwrap()?.lastJobId, 'the hostile id triggered its own recurring job');
    await done(recurring);
  });

  it('spells out invisible and direction-changing characters in names, and a recurring id holding them still works in its form', async () => {
    // Shown raw, "invoice\u202Efdp.exe" reads "invoiceexe.pdf", and "nightly\u200Breport" looks like "nightlyreport".
    const spoofed = 'invoice\u202Efdp.exe';
    const job = (await d.e.engine.client.enqueue(new Note('spoof', spoofed)))._unsafeUnwrap();
    const recurringId = 'nightly\u200Breport\u2066';
    (await d.e.engine.recurring.addOrUpdate(recurringId, new Note('r', 'nightly'), '0 3 * * *'))._unsafeUnwrap();
    await d.e.waitForState(job, 'Succeeded');

    for (const path of ['/jobs', `/jobs/${job}`]) {
      const w = await open(path);
      const text = (await w.page.textContent('main')) ?? '';
      assert.ok(text.includes('invoice⟨U+202E⟩fdp.exe'), `${path}: the override is spelt out`);
      assert.ok(!text.includes('\u202E'), `${path}: no live override in the page`);
      await done(w);
    }
    const recurring = await open('/recurring');
    const row = recurring.page.locator('tr[data-recurring-id]').filter({ hasText: 'nightly⟨U+200B⟩report⟨U+2066⟩' });
    assert.equal(await row.count(), 1, 'the id is shown with its invisible characters spelt out');
    assert.equal(await row.getAttribute('data-recurring-id'), recurringId, 'the id is intact in its attribute');
    await Promise.all([recurring.page.waitForURL(/done=triggered/), row.locator('button:has-text("Trigger now")').click()]);
    assert.ok((await d.e.engine.storage.getRecurring(recurringId))._unsafeUnwrap()?.lastJobId, 'the trigger reached the id as it is stored');
    await done(recurring);
  });

  it('search finds a job by its payload text', async () => {
    const id = (await d.e.engine.client.enqueue(new Note('customer needle-4711 refund')))._unsafeUnwrap();
    const w = await open('/jobs');
    await w.page.fill('input[name=q]', 'NEEDLE-4711');
    await Promise.all([w.page.waitForURL(/q=NEEDLE-4711/), w.page.click('form.search button[type=submit]')]);
    const ids = await w.page.locator('table.jobs input[name=ids]').evaluateAll((boxes) => boxes.map((b) => (b as unknown as { value: string }).value));
    assert.deepEqual(ids, [id]);
    await done(w, 'search');
  });

  it('retries a failed job and watches it succeed without reloading', async () => {
    const id = (await d.e.engine.client.enqueue(new FailsOnce('retry-me')))._unsafeUnwrap();
    await d.e.waitForState(id, 'Failed');
    const w = await open(`/jobs/${id}`);
    assert.match((await w.page.textContent('.error-panel')) ?? '', /first run of retry-me fails/);
    await Promise.all([w.page.waitForURL(/done=requeued/), w.page.click('form.actions button:has-text("Requeue")')]);
    // The page was loaded once after the redirect; the live refresh shows the outcome.
    await w.page.waitForSelector('.job-head .state-succeeded', { timeout: 15_000 });
    assert.match((await w.page.textContent('#live')) ?? '', /"retry-me done"/);
    await done(w);
  });

  it('triggers, pauses and resumes a recurring job', async () => {
    (await d.e.engine.recurring.addOrUpdate('hourly-sync', new Note('sync'), '0 * * * *'))._unsafeUnwrap();
    const w = await open('/recurring');
    const row = '[data-recurring-id="hourly-sync"]';
    await Promise.all([w.page.waitForURL(/done=triggered/), w.page.click(`${row} button:has-text("Trigger now")`)]);
    assert.match((await w.page.textContent('.notice')) ?? '', /triggered/);
    const lastJob = (await w.page.textContent(`${row} td:nth-child(7) a`))?.replace('#', '') ?? '';
    assert.match(lastJob, /^\d+$/, 'the run is linked');
    await d.e.waitForState(lastJob, 'Succeeded');
    await Promise.all([w.page.waitForURL(/done=paused/), w.page.click(`${row} button:has-text("Pause")`)]);
    assert.equal(await w.page.textContent(`${row} .state`), 'Paused');
    assert.equal((await d.e.engine.storage.getRecurring('hourly-sync'))._unsafeUnwrap()?.paused, true);
    await Promise.all([w.page.waitForURL(/done=resumed/), w.page.click(`${row} button:has-text("Resume")`)]);
    assert.equal(await w.page.textContent(`${row} .state`), 'Active');
    await done(w);
  });

  it('deletes a running job: its handler is aborted', async () => {
    const id = (await d.e.engine.client.enqueue(new Endless()))._unsafeUnwrap();
    await eventually(async () => (started.has(id) ? true : undefined), 'the job to start');
    const w = await open(`/jobs/${id}`);
    await Promise.all([w.page.waitForURL(/done=deleted/), w.page.click('button:has-text("Delete (stops it)")')]);
    await eventually(async () => (aborted.has(id) ? true : undefined), 'the handler to be aborted', 10_000);
    await w.page.waitForSelector('.job-head .state-deleted');
    assert.equal((await d.e.t.storage.getState(id))._unsafeUnwrap(), 'Deleted');
    await done(w);
  });

  it('deletes selected jobs in bulk', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await d.e.engine.client.schedule(new Note(`bulk ${i}`), 3_600_000))._unsafeUnwrap());
    const w = await open('/jobs?state=Scheduled');
    for (const id of ids) await w.page.check(`input[name=ids][value="${id}"]`);
    assert.equal(await w.page.textContent('[data-selection-count]'), '3 selected');
    await Promise.all([w.page.waitForURL(/done=deleted/), w.page.click('button:has-text("Delete selected")')]);
    assert.match((await w.page.textContent('.notice')) ?? '', /Deleted 3 jobs/);
    for (const id of ids) assert.equal((await d.e.t.storage.getState(id))._unsafeUnwrap(), 'Deleted');
    await done(w);
  });
});
