import type { IncomingMessage } from 'node:http';
import type { AccessPolicy } from './dashboard-options.js';

/**
 * Decides whether a request may see the dashboard (Hangfire's
 * IDashboardAsyncAuthorizationFilter). Every configured filter must allow
 * it; a filter that throws or rejects refuses it.
 */
export type AuthorizationFilter = (request: IncomingMessage) => boolean | Promise<boolean>;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** Headers a reverse proxy adds: a request carrying them came from somebody else, whatever the socket says. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/**
 * Hangfire's LocalRequestsOnlyAuthorizationFilter: the peer is a loopback
 * address (127.0.0.0/8, ::1, ::ffff:127.x). A request that passed through a
 * proxy on the same host looks local at the socket, so one carrying
 * `Forwarded`, `X-Forwarded-For` or `X-Real-IP` is refused.
 */
export const localRequestsOnly: AuthorizationFilter = (request) => {
  const address = request.socket.remoteAddress;
  if (address === undefined || !LOOPBACK.test(address)) return false;
  return PROXY_HEADERS.every((name) => request.headers[name] === undefined);
};

/** The outcome of checking a request. */
export type AccessDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** Runs the policy's filters in order, stopping at the first refusal. Never rejects. */
export async function authorize(policy: AccessPolicy, request: IncomingMessage): Promise<AccessDecision> {
  if (policy.kind === 'Everyone') return { allowed: true };
  const filters = policy.kind === 'LocalOnly' ? [localRequestsOnly] : policy.filters;
  for (const [index, filter] of filters.entries()) {
    let allowed: boolean;
    try {
      allowed = (await filter(request)) === true;
    } catch (error) {
      return { allowed: false, reason: `authorization filter ${index + 1} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!allowed) return { allowed: false, reason: policy.kind === 'LocalOnly' ? 'not a local request (no authorization filters are configured)' : `refused by authorization filter ${index + 1}` };
  }
  return { allowed: true };
}
