/**
 * Request authentication: the user of a request from its verified client certificate (CN = user, O = groups), else
 * from a bearer ServiceAccount token (checked against the ServiceAccount, Pod or Secret it names; a legacy token, one
 * kept in a token Secret, against that Secret and its ServiceAccount), else anonymous;
 * `system:authenticated` is added to every authenticated user.
 *
 * Mirrors kube-apiserver's authenticator union (`pkg/kubeapiserver/authenticator/config.go`): x509
 * (`request/x509` CommonNameUserConversion, with an `X509SHA256=` credential id), then bearer tokens
 * (`request/bearertoken`: a token nobody accepts is an error, so 401), with anonymous last; and the bound-token
 * checks of `pkg/serviceaccount/claims.go` (deleted or re-created objects invalidate their tokens).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { unauthorized } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { CREDENTIAL_ID_KEY, serviceAccountGroups, serviceAccountUsername, withAuthenticatedGroup, type UserInfo } from '../../api/user.js';
import { legacyTokenProblem } from './legacy-tokens.js';
import { LEEWAY_SECONDS, TokenInvalidError, type ServiceAccountTokens } from './service-account-tokens.js';

/** user.Extra keys of ServiceAccount tokens bound to a Pod (serviceaccount.PodNameKey...). */
export const POD_NAME_KEY = 'authentication.kubernetes.io/pod-name';
export const POD_UID_KEY = 'authentication.kubernetes.io/pod-uid';
export const NODE_NAME_KEY = 'authentication.kubernetes.io/node-name';
export const NODE_UID_KEY = 'authentication.kubernetes.io/node-uid';

/** What the authenticator reads. */
export interface AuthenticatorDeps {
  /** ServiceAccount tokens; absent = bearer tokens are refused. */
  tokens?: ServiceAccountTokens;
  /** Reads a core/v1 object (`serviceaccounts`, `pods`, `secrets`); undefined when missing. */
  getObject(resource: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  clock: () => Date;
  /** Told why a credential was refused (kube-apiserver's "Unable to authenticate the request" log). */
  onRefused?: (reason: string) => void;
}

/** The outcome of authenticating one request. */
export type Authentication = { kind: 'user'; user: UserInfo } | { kind: 'anonymous' };

const certUsers = new WeakMap<TLSSocket, UserInfo | null>();

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The user of a TLS connection's verified client certificate (cached per connection); null when it has none. */
function certificateUser(socket: TLSSocket): UserInfo | null {
  const cached = certUsers.get(socket);
  if (cached !== undefined) return cached;
  let user: UserInfo | null = null;
  if (socket.authorized === true) {
    const cert = socket.getPeerCertificate();
    const cn = asList(cert.subject?.CN)[0] ?? '';
    if (cn !== '') {
      const id = `X509SHA256=${createHash('sha256').update(cert.raw).digest('hex')}`;
      user = { username: cn, uid: '', groups: asList(cert.subject?.O), extra: { [CREDENTIAL_ID_KEY]: [id] } };
    }
  }
  certUsers.set(socket, user);
  return user;
}

/** The bearer token of an `Authorization: Bearer <token>` header, or undefined (bearertoken.AuthenticateRequest). */
export function bearerToken(req: IncomingMessage): string | undefined {
  const auth = (req.headers.authorization ?? '').trim();
  if (auth === '') return undefined;
  const parts = auth.split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer' || parts[1] === '') return undefined;
  return parts[1];
}

/** The API server's request authenticator. */
export class RequestAuthenticator {
  constructor(private readonly deps: AuthenticatorDeps) {}

  /**
   * Authenticates `req`: the certificate user if its client certificate verified, else the token's user, else
   * anonymous when it carries no credential. Throws 401 Unauthorized for a credential that does not verify.
   */
  async authenticate(req: IncomingMessage): Promise<Authentication> {
    const socket = req.socket as TLSSocket;
    const certUser = typeof socket.getPeerCertificate === 'function' ? certificateUser(socket) : null;
    if (certUser) return { kind: 'user', user: withAuthenticatedGroup(certUser) };
    const token = bearerToken(req);
    if (token !== undefined) {
      const r = await this.authenticateToken(token);
      if (!r) {
        this.deps.onRefused?.('invalid bearer token');
        throw unauthorized();
      }
      if ('error' in r) {
        this.deps.onRefused?.(r.error);
        throw unauthorized();
      }
      return { kind: 'user', user: withAuthenticatedGroup(r.user) };
    }
    // A certificate that did not verify is an error, like x509's "verifying certificate ... failed".
    if (socket.authorized === false && typeof socket.getPeerCertificate === 'function' && Object.keys(socket.getPeerCertificate()).length > 0) {
      this.deps.onRefused?.(`verifying certificate failed: ${String(socket.authorizationError ?? '')}`);
      throw unauthorized();
    }
    return { kind: 'anonymous' };
  }

  /**
   * Checks a bearer token for `audiences` (default the API server's; TokenReview's job too): undefined when no authenticator knows it, `{ error }` when it is a
   * ServiceAccount token that is invalid (signature, audience, time, or its ServiceAccount/Pod/Secret deleted or
   * re-created), else the user (without `system:authenticated`) and the audiences it is valid for.
   */
  async authenticateToken(token: string, audiences?: readonly string[]): Promise<{ user: UserInfo; audiences: string[] } | { error: string } | undefined> {
    const tokens = this.deps.tokens;
    if (!tokens) return undefined;
    const now = this.deps.clock();
    let v;
    let legacy;
    try {
      legacy = tokens.verifyLegacy(token, audiences);
      v = legacy ? undefined : tokens.verify(token, now, audiences);
    } catch (err) {
      if (err instanceof TokenInvalidError) return { error: err.message };
      throw err;
    }
    if (legacy) {
      // A token kept in a Secret: valid while that Secret holds it and its ServiceAccount is the one it names.
      const problem = await legacyTokenProblem(token, legacy, this.deps.getObject);
      if (problem) return { error: problem };
      const user: UserInfo = {
        username: serviceAccountUsername(legacy.namespace, legacy.serviceAccount.name),
        uid: legacy.serviceAccount.uid,
        groups: serviceAccountGroups(legacy.namespace),
        extra: {},
      };
      return { user, audiences: legacy.audiences };
    }
    if (!v) return undefined;
    const deletedBefore = now.getTime() - LEEWAY_SECONDS * 1000;
    const check = async (resource: string, kind: string, r: { name: string; uid: string }): Promise<string | undefined> => {
      const obj = await this.deps.getObject(resource, v.namespace, r.name);
      if (!obj) return `${kind} ${v.namespace}/${r.name} has been deleted`;
      const del = obj.metadata.deletionTimestamp ? Date.parse(obj.metadata.deletionTimestamp) : undefined;
      if (del !== undefined && del < deletedBefore) return `${kind} ${v.namespace}/${r.name} has been deleted`;
      if ((obj.metadata.uid ?? '') !== r.uid) return `${kind} UID (${obj.metadata.uid ?? ''}) does not match claim (${r.uid})`;
      return undefined;
    };
    const checkNode = async (r: { name: string; uid: string }): Promise<string | undefined> => {
      const node = await this.deps.getObject('nodes', '', r.name);
      if (!node) return `node "${r.name}" not found`;
      if ((node.metadata.uid ?? '') !== r.uid) return `node UID (${node.metadata.uid ?? ''}) does not match claim (${r.uid})`;
      return undefined;
    };
    const problem =
      (await check('serviceaccounts', 'service account', v.serviceAccount)) ??
      (v.secret ? await check('secrets', 'secret', v.secret) : undefined) ??
      (v.pod ? await check('pods', 'pod', v.pod) : undefined) ??
      // A token bound to a Node itself (no pod) ends with the Node (ServiceAccountTokenNodeBindingValidation).
      (v.node && !v.pod ? await checkNode(v.node) : undefined);
    if (problem) return { error: problem };
    const extra: Record<string, string[]> = {};
    if (v.pod?.name && v.pod.uid) {
      extra[POD_NAME_KEY] = [v.pod.name];
      extra[POD_UID_KEY] = [v.pod.uid];
    }
    if (v.id) extra[CREDENTIAL_ID_KEY] = [`JTI=${v.id}`];
    if (v.node?.name) {
      extra[NODE_NAME_KEY] = [v.node.name];
      if (v.node.uid) extra[NODE_UID_KEY] = [v.node.uid];
    }
    const user: UserInfo = {
      username: serviceAccountUsername(v.namespace, v.serviceAccount.name),
      uid: v.serviceAccount.uid,
      groups: serviceAccountGroups(v.namespace),
      extra,
    };
    return { user, audiences: v.audiences };
  }
}
