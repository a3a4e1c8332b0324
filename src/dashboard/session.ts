/**
 * The dashboard's login: one random token printed in the URL, exchanged once for a session cookie; every data
 * request must carry that cookie (no token, no data), and must name this listener as its Host (and Origin, for
 * WebSockets), so other web sites and DNS-rebound names cannot read the cluster through the browser.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'k1s-dashboard-session';

/** What `login` decided for one `?token=` visit. */
export type LoginResult = { ok: true; cookie: string } | { ok: false; reason: string };

const same = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The cookies of a request: `a=1; b=2` → {a: '1', b: '2'}. */
export function cookiesOf(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** One dashboard's login state: the one-time token and the sessions it opened. */
export class Sessions {
  /** The login token, 32 url-safe characters; valid until its first use. */
  readonly token: string;
  private used = false;
  private readonly sessions = new Set<string>();

  constructor(token: string = randomBytes(24).toString('base64url')) {
    this.token = token;
  }

  /** Exchanges the token for a new session: the `Set-Cookie` value on the first use, a refusal after it. */
  login(token: string): LoginResult {
    if (this.used || !same(token, this.token)) return { ok: false, reason: this.used && same(token, this.token) ? 'this login token was already used: restart k1s dashboard for a new one' : 'wrong login token' };
    this.used = true;
    const id = randomBytes(24).toString('base64url');
    this.sessions.add(id);
    return { ok: true, cookie: `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/` };
  }

  /** True when `req` carries a session cookie this dashboard issued. */
  authenticated(req: IncomingMessage): boolean {
    const id = cookiesOf(req.headers.cookie).get(SESSION_COOKIE);
    return id !== undefined && [...this.sessions].some((s) => same(s, id));
  }
}

/**
 * True when the request's Host is this listener (`127.0.0.1:PORT` or `localhost:PORT`) and its Origin, when it
 * has one, is `http://` that host: what browsers send for the dashboard's own page.
 */
export function sameOrigin(req: IncomingMessage, port: number): boolean {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.host ?? '';
  if (!hosts.includes(host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${host}`;
}
