import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie holding the browser's anti-forgery nonce. */
export const ANTI_FORGERY_COOKIE = 'mediator-jobs-af';
/** The form field (or `X-CSRF-Token` header) carrying the token. */
export const ANTI_FORGERY_FIELD = '_csrf';

const NONCE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Anti-CSRF tokens bound to the browser: each browser gets a random nonce in
 * an HttpOnly, SameSite=Strict cookie, and the pages carry HMAC(secret,
 * nonce) in a hidden field. A state-changing request must present both, and
 * they must match (compared in constant time). The secret is random per
 * dashboard instance, so a restart invalidates open forms (reload the page).
 * Another site can neither read the token nor send the cookie.
 */
export class AntiForgery {
  private readonly secret = randomBytes(32);

  /** The nonce in the request's cookie header, when well-formed. */
  nonceFrom(cookieHeader: string | undefined): string | undefined {
    if (cookieHeader === undefined) return undefined;
    for (const part of cookieHeader.split(';')) {
      const [name, value] = part.trim().split('=', 2);
      if (name === ANTI_FORGERY_COOKIE && value !== undefined && NONCE.test(value)) return value;
    }
    return undefined;
  }

  newNonce(): string {
    return randomBytes(32).toString('base64url');
  }

  tokenFor(nonce: string): string {
    return createHmac('sha256', this.secret).update(`mediator-jobs dashboard action\n${nonce}`).digest('base64url');
  }

  /** Whether `token` is the one issued for `nonce`. */
  verify(nonce: string | undefined, token: unknown): boolean {
    if (nonce === undefined || typeof token !== 'string' || token.length === 0 || token.length > 100) return false;
    const expected = Buffer.from(this.tokenFor(nonce));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** The Set-Cookie value for a new nonce, scoped to the dashboard's path. */
  cookie(nonce: string, path: string, secure: boolean): string {
    return `${ANTI_FORGERY_COOKIE}=${nonce}; Path=${path}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }
}
