/**
 * Who makes a request: the user info authentication yields, Kubernetes' well-known user and group names, and the
 * ServiceAccount username scheme.
 *
 * Mirrors k8s.io/apiserver `pkg/authentication/user` (DefaultInfo, the system:* names) and
 * `pkg/authentication/serviceaccount/util.go` (MakeUsername, SplitUsername, MakeGroupNames).
 */

/** An authenticated (or anonymous) requester, as authentication.k8s.io/v1 UserInfo spells it. */
export interface UserInfo {
  username: string;
  /** '' when the authenticator knows none (client certificates). */
  uid: string;
  groups: string[];
  /** Extra attributes by key, e.g. `authentication.kubernetes.io/pod-name`; keys are lower-case. */
  extra: Record<string, string[]>;
}

/** The group whose members every authorizer allows (kube-apiserver's privileged group, `system:masters`). */
export const SYSTEM_MASTERS = 'system:masters';
/** Added to every authenticated user (`user.AllAuthenticated`). */
export const ALL_AUTHENTICATED = 'system:authenticated';
/** The group of anonymous requests (`user.AllUnauthenticated`). */
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
/** The user of anonymous requests (`user.Anonymous`). */
export const ANONYMOUS = 'system:anonymous';
/** The group of every node (`user.NodesGroup`). */
export const NODES_GROUP = 'system:nodes';
/** Prefix of node user names (`system:node:<node name>`). */
export const NODE_USER_PREFIX = 'system:node:';
/** The group of every ServiceAccount (`serviceaccount.AllServiceAccountsGroup`). */
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
/** user.Extra key of the credential a request authenticated with (`JTI=...`, `X509SHA256=...`). */
export const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';

const SA_PREFIX = 'system:serviceaccount:';

/** `system:serviceaccount:<namespace>:<name>` (serviceaccount.MakeUsername). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

/** The namespace and name of a ServiceAccount username, or undefined for any other user (serviceaccount.SplitUsername). */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** The groups of a ServiceAccount: `system:serviceaccounts` and `system:serviceaccounts:<namespace>` (MakeGroupNames). */
export function serviceAccountGroups(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${namespace}`];
}

/** The anonymous user (anonymous authentication's answer). */
export function anonymousUser(): UserInfo {
  return { username: ANONYMOUS, uid: '', groups: [ALL_UNAUTHENTICATED], extra: {} };
}

/** `user` with `system:authenticated` added unless present or anonymous (group.AuthenticatedGroupAdder). */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.username === ANONYMOUS || user.groups.includes(ALL_AUTHENTICATED) || user.groups.includes(ALL_UNAUTHENTICATED)) return user;
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
}
