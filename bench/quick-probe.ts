/**
 * A quick reading of our own hot paths (not the comparative benchmark of the
 * performance issue): enqueue one at a time, 32 concurrent callers, batch, and
 * draining N no-op jobs through the full path (mediator pipeline, filters,
 * state history) with one server. Usage: tsx bench/quick-probe.ts [jobs]
 */
import { resolveOptions } from '../src/config/index.js';
import { JobEngine } from '../src/engine/job-engine.js';
import { silentLogger } from '../src/logging/logger.js';
import { Mediator, MediatorRegistry, Request, constructingResolver } from '../src/mediator/index.js';
import { openStorage } from '../src/storage/open-storage.js';
import { startThrowawayPostgres } from '../test/support/embedded-postgres-server.js';

class Noop extends Request<void> {
  constructor(readonly n: number) {
    super();
  }
}

const jobs = Number(process.argv[2] ?? 20_000);
const server = process.env.DATABASE_URL === undefined ? await startThrowawayPostgres() : undefined;
const url = process.env.DATABASE_URL ?? server!.url;
const options = resolveOptions({ WorkerCount: 50, QueuePollInterval: '1s' })._unsafeUnwrap();
const { storage } = (await openStorage({ type: 'PostgreSql', connectionString: url, schemaName: `probe_${Date.now()}` }))._unsafeUnwrap();
const registry = new MediatorRegistry();
registry.addHandler(Noop, { handle: () => undefined })._unsafeUnwrap();
const engine = new JobEngine({ storage, mediator: new Mediator(registry, constructingResolver), registry, resolver: constructingResolver, options, logger: silentLogger });
const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en')} jobs/s`;

let t = performance.now();
for (let n = 0; n < 1000; n++) (await engine.client.enqueue(new Noop(n)))._unsafeUnwrap();
console.log(`enqueue one at a time: ${rate(1000, performance.now() - t)}`);

t = performance.now();
await Promise.all(Array.from({ length: 32 }, async (_, c) => { for (let n = 0; n < 100; n++) (await engine.client.enqueue(new Noop(c * 100 + n)))._unsafeUnwrap(); }));
console.log(`enqueue, 32 concurrent callers: ${rate(3200, performance.now() - t)}`);

t = performance.now();
for (let b = 0; b < jobs / 1000; b++) (await engine.client.enqueueBatch(Array.from({ length: 1000 }, (_, n) => new Noop(n))))._unsafeUnwrap();
console.log(`batch enqueue (1,000 per call): ${rate(jobs, performance.now() - t)}`);

const total = 1000 + 3200 + jobs;
t = performance.now();
const jobServer = engine.createServer();
(await jobServer.start())._unsafeUnwrap();
for (;;) {
  const counts = (await storage.stateCounts())._unsafeUnwrap();
  if (counts.Succeeded === total) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
console.log(`process ${total.toLocaleString('en')} no-op jobs, full path, 50 workers: ${rate(total, performance.now() - t)}`);
(await jobServer.stop())._unsafeUnwrap();
(await storage.close())._unsafeUnwrap();
await server?.stop();
