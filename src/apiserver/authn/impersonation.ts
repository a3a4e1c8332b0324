/**
 * Impersonation: `Impersonate-User`, `Impersonate-Group`, `Impersonate-Uid` and `Impersonate-Extra-<key>` headers
 * (kubectl `--as`, `--as-group`, `--as-uid`) switch the request's user once the requester may `impersonate` each
 * (users, groups, serviceaccounts by namespace and name, uids, userextras/<key>).
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/filters/impersonation.go`: a ServiceAccount username impersonates the
 * ServiceAccount (and its groups when none are named), `system:authenticated` is added unless a group says otherwise
 * (anonymous gets `system:unauthenticated`), and groups, extra or uid without a user are an error.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthorizationAttributes } from '../../api/authorization.js';
import { internalError } from '../../api/errors.js';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, serviceAccountGroups, serviceAccountUsername, splitServiceAccountUsername, type UserInfo } from '../../api/user.js';

const EXTRA_PREFIX = 'impersonate-extra-';

/** One thing to impersonate and the attributes its `impersonate` check uses. */
interface Request {
  resource: 'users' | 'groups' | 'serviceaccounts' | 'uids' | 'userextras';
  apiGroup: string;
  namespace: string;
  name: string;
  subresource: string;
}

function values(req: IncomingMessage, name: string): string[] {
  const v = req.headersDistinct[name];
  return (v ?? []).filter((s) => s !== '');
}

/** True when `req` asks to impersonate anything. */
export function wantsImpersonation(req: IncomingMessage): boolean {
  return Object.keys(req.headers).some((h) => h === 'impersonate-user' || h === 'impersonate-group' || h === 'impersonate-uid' || h.startsWith(EXTRA_PREFIX));
}

/**
 * The user `requester` impersonates through `req`'s headers, after `check` allowed each impersonation (it throws
 * 403 Forbidden otherwise). Throws 500 for groups, extra or uid without a user, as upstream does.
 */
export async function impersonate(req: IncomingMessage, requester: UserInfo, check: (a: AuthorizationAttributes) => Promise<void>): Promise<UserInfo> {
  const requests: Request[] = [];
  const userName = values(req, 'impersonate-user')[0] ?? '';
  const sa = splitServiceAccountUsername(userName);
  if (userName) {
    requests.push(sa ? { resource: 'serviceaccounts', apiGroup: '', namespace: sa.namespace, name: sa.name, subresource: '' } : { resource: 'users', apiGroup: '', namespace: '', name: userName, subresource: '' });
  }
  const groupsAsked = values(req, 'impersonate-group');
  for (const g of groupsAsked) requests.push({ resource: 'groups', apiGroup: '', namespace: '', name: g, subresource: '' });
  const extra: Record<string, string[]> = {};
  for (const header of Object.keys(req.headers)) {
    if (!header.startsWith(EXTRA_PREFIX)) continue;
    let key = header.slice(EXTRA_PREFIX.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      // kept as sent
    }
    for (const v of values(req, header)) {
      requests.push({ resource: 'userextras', apiGroup: 'authentication.k8s.io', namespace: '', name: v, subresource: key });
      (extra[key] ??= []).push(v);
    }
  }
  const uid = values(req, 'impersonate-uid')[0] ?? '';
  if (uid) requests.push({ resource: 'uids', apiGroup: 'authentication.k8s.io', namespace: '', name: uid, subresource: '' });
  if (!userName && requests.length > 0) {
    throw internalError(`requested ${requests.map((r) => `{${r.resource} ${r.namespace} ${r.name}}`).join(' ')} without impersonating a user`);
  }
  for (const r of requests) {
    await check({ user: requester, verb: 'impersonate', resourceRequest: true, apiGroup: r.apiGroup, apiVersion: '', resource: r.resource, subresource: r.subresource, namespace: r.namespace, name: r.name, path: '' });
  }
  let groups = groupsAsked.length > 0 ? [...groupsAsked] : sa ? serviceAccountGroups(sa.namespace) : [];
  if (userName !== ANONYMOUS) {
    if (!groups.includes(ALL_AUTHENTICATED) && !groups.includes(ALL_UNAUTHENTICATED)) groups = [...groups, ALL_AUTHENTICATED];
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) groups = [...groups, ALL_UNAUTHENTICATED];
  return { username: sa ? serviceAccountUsername(sa.namespace, sa.name) : userName, uid, groups, extra };
}
