/** The job list's pager at its edges: a page past the last one (a bookmark, or jobs expired meanwhile). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { dashboardFixture } from './support.js';

class Note extends Request<string> {
  constructor(readonly text: string) {
    super();
  }
}

const register = (registry: Parameters<Parameters<typeof dashboardFixture>[1]>[0]) => void registry.addHandler(Note, { handle: (n: Note) => n.text })._unsafeUnwrap();

/** The pager's text, tags removed. */
function pagerText(body: string): string {
  const pager = /<nav class="pager"[^>]*>([\s\S]*?)<\/nav>/.exec(body)?.[1] ?? '';
  return pager.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

for (const kind of STORAGE_KINDS) {
  describe(`dashboard job list paging (${kind})`, () => {
    it('a page past the last one says so and links back to the last page, not to another empty one', async () => {
      const d = await dashboardFixture(kind, register);
      try {
        for (const text of ['a', 'b', 'c']) (await d.e.engine.client.enqueue(new Note(text)))._unsafeUnwrap();
        const response = await d.get('/jobs?state=Enqueued&page=5&size=2');
        const body = await response.text();
        assert.equal(response.status, 200, 'a page past the end is no error: the jobs may simply have gone');
        const text = pagerText(body);
        assert.doesNotMatch(text, /9–3/, `no backwards range such as "9–3 of 3": ${text}`);
        assert.match(text, /3 jobs/, `the pager still says how many jobs there are: ${text}`);
        assert.doesNotMatch(body, /No jobs here\./, 'the list is not called empty while it holds jobs');
        const previous = /<a href="([^"]+)" rel="prev">/.exec(body)?.[1] ?? '';
        assert.match(previous.replaceAll('&amp;', '&'), /[?&]page=2(&|$)/, `"Previous" leads to the last page, 2: ${previous}`);

        const last = await (await d.get('/jobs?state=Enqueued&page=2&size=2')).text();
        assert.match(pagerText(last), /3–3 of 3/, 'the last page itself is unchanged');
      } finally {
        await d.dispose();
      }
    });
  });
}
