import type { ChildProcess } from 'node:child_process';

/** Waits for the child's stdout to contain a match of `pattern`; fails after `timeoutMs` showing what it did print. */
export function lineFrom(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; got: ${buffer}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = buffer.match(pattern);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}
