/**
 * The user a request was authenticated (and impersonated) as, attached to the request for the handlers behind the
 * filters, as k8s.io/apiserver keeps it in the request context (`request.WithUser`, `request.UserFrom`).
 */
import type { IncomingMessage } from 'node:http';
import { anonymousUser, type UserInfo } from '../api/user.js';

const users = new WeakMap<IncomingMessage, UserInfo>();

/** Records the user of `req`. */
export function setRequestUser(req: IncomingMessage, user: UserInfo): void {
  users.set(req, user);
}

/** The user of `req`; anonymous when none was recorded. */
export function requestUser(req: IncomingMessage): UserInfo {
  return users.get(req) ?? anonymousUser();
}
