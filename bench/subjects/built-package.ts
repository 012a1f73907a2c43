/**
 * mediator-jobs as its users run it: the compiled `dist/` (which `npm run
 * bench` builds first), not `src/` through tsx, just as the peers run from
 * their published JavaScript. tsx's output carries helpers of its own on
 * every closure (measured on the worker's per-job layers: 10-17 µs per job
 * from src, 6.4 µs from dist). Types still come from src, so the bench
 * type-checks before anything is built.
 */
import type * as MediatorJobs from '../../src/index.js';

const BUILT_ENTRY = new URL('../../dist/index.js', import.meta.url).href;

async function loadBuiltPackage(): Promise<typeof MediatorJobs> {
  try {
    return (await import(BUILT_ENTRY)) as typeof MediatorJobs;
  } catch (error) {
    throw new Error(`the bench runs the built package: run "npm run build" first ("npm run bench" does)`, { cause: error });
  }
}

export const ours: typeof MediatorJobs = await loadBuiltPackage();
