import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const output = join(root, 'test', 'output', 'readme');

/** The README's TypeScript blocks that use the package: each must run and pass its own assertions. */
function readmeExamples(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').filter((code) => code.includes("from 'mediator-jobs'"));
}

describe('README examples', () => {
  const examples = readmeExamples();

  it('has examples to run', () => {
    assert.ok(examples.length >= 3, `expected at least 3 examples, found ${examples.length}`);
  });

  examples.forEach((code, index) => {
    const title = code.split('\n').find((line) => line.startsWith('class ') || line.includes('openStorage(')) ?? `example ${index + 1}`;
    it(`runs: ${title.trim()}`, async () => {
      mkdirSync(output, { recursive: true });
      // test/output is outside the project's tsconfig (it is generated); give tsx the same compiler settings here.
      writeFileSync(join(output, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.json', include: ['*.ts'], exclude: [] }));
      const file = join(output, `example-${index + 1}.ts`);
      // Inside the repository 'mediator-jobs' is the source itself.
      writeFileSync(file, code.replaceAll("from 'mediator-jobs'", `from '${join(root, 'src', 'index.js')}'`));
      await run(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, TSX_TSCONFIG_PATH: join(output, 'tsconfig.json') },
      });
    });
  });
});
