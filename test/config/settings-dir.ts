// Test helper: real temporary directories holding appsettings files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const created: string[] = [];

after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/**
 * Creates a temporary directory with the given files; object contents are written as
 * JSON, strings verbatim (for malformed files). Removed when the test file finishes.
 */
export function settingsDir(files: Record<string, string | object> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mediator-jobs-config-'));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}
