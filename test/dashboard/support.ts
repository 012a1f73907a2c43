/** Serves a dashboard over a test engine on 127.0.0.1, with helpers to read pages and post actions. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboard, type DashboardHandler } from '../../src/dashboard/create-dashboard.js';
import type { DashboardOptions } from '../../src/dashboard/dashboard-options.js';
import type { JobSettingsInput } from '../../src/config/index.js';
import type { MediatorRegistry } from '../../src/mediator/index.js';
import type { StorageKind } from '../support/test-storage.js';
import { testEngine, type TestEngine } from '../engine/support.js';

/**
 * A test-only header: the wrapper below makes the request look as if it came
 * from this address (the dashboard reads `req.socket.remoteAddress`).
 */
export const FAKE_REMOTE_HEADER = 'x-test-remote-address';

export interface DashboardFixture {
  readonly e: TestEngine;
  readonly handler: DashboardHandler;
  /** The server's origin, e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  /** The dashboard's root URL (origin + path). */
  readonly root: string;
  get(path: string, init?: RequestInit): Promise<Response>;
  /** A browser's session: the anti-forgery cookie and the token from a page. */
  session(path?: string): Promise<{ cookie: string; token: string }>;
  post(path: string, fields: Record<string, string | string[]>, headers?: Record<string, string>): Promise<Response>;
  dispose(): Promise<void>;
}

/** Makes `req.socket.remoteAddress` say `address` for this request only. */
export function fakeRemoteAddress(req: IncomingMessage, address: string): void {
  const socket = req.socket;
  const real = Object.getOwnPropertyDescriptor(socket, 'remoteAddress');
  Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true });
  req.once('close', () => {
    if (real === undefined) Reflect.deleteProperty(socket, 'remoteAddress');
    else Object.defineProperty(socket, 'remoteAddress', real);
  });
}

export async function dashboardFixture(
  kind: StorageKind,
  register: (registry: MediatorRegistry) => void,
  options: DashboardOptions = {},
  settings: JobSettingsInput = {},
  retry?: Parameters<typeof testEngine>[3],
): Promise<DashboardFixture> {
  const e = await testEngine(kind, register, settings, retry ?? { retry: false });
  const handler = createDashboard(e.engine, options)._unsafeUnwrap();
  const server: Server = createServer((req, res) => {
    const fake = req.headers[FAKE_REMOTE_HEADER];
    if (typeof fake === 'string') fakeRemoteAddress(req, fake);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const path = options.path ?? '/jobs';
  const root = `${origin}${path === '/' ? '' : path}`;
  const fixture: DashboardFixture = {
    e,
    handler,
    origin,
    root,
    get: (p, init) => fetch(`${root}${p}`, { redirect: 'manual', ...init }),
    async session(p = '/') {
      const response = await fixture.get(p);
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';
      return { cookie, token };
    },
    post: (p, fields, headers = {}) => {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
      return fetch(`${root}${p}`, { method: 'POST', redirect: 'manual', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    },
    async dispose() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await e.dispose();
    },
  };
  return fixture;
}
