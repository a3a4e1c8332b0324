/**
 * Access control of the API server, assembled: authentication (client certificates, ServiceAccount tokens),
 * impersonation, authorization (system:masters, Node, RBAC, or AlwaysAllow), the default RBAC policy, the
 * admission plugins (mutating, then validating after the strategy), the reviews' request context, and the OpenID discovery documents.
 *
 * Mirrors the order of kube-apiserver's handler chain (`k8s.io/apiserver/pkg/server/config.go`
 * DefaultBuildHandlerChain): WithAuthentication (401), WithImpersonation, WithAuthorization (403); and
 * `pkg/controlplane/apiserver` wiring of the RBAC bootstrap hook and the service-account issuer discovery.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNotFound, unauthorized } from '../api/errors.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../api/rbac.js';
import { RBAC_GROUP } from '../api/rbac.js';
import type { KubeObject, Pod } from '../api/types.js';
import { anonymousUser, withAuthenticatedGroup, type UserInfo } from '../api/user.js';
import type { RequestContext } from '../registry/strategy.js';
import { rbacEscalationAdmission } from './admission/rbac-escalation.js';
import { serviceAccountAdmission } from './admission/service-account.js';
import { defaultStorageClassAdmission } from './admission/default-storage-class.js';
import { limitRangerAdmission } from './admission/limit-ranger.js';
import { podSecurityAdmission } from './admission/pod-security/admission.js';
import { resourceQuotaAdmission } from './admission/resource-quota.js';
import { runtimeClassAdmission } from './admission/runtime-class.js';
import type { RuntimeClass } from '../api/runtime-class.js';
import type { LimitRange, ResourceQuota } from '../api/policy.js';
import { RequestAuthenticator } from './authn/authenticator.js';
import { impersonate, wantsImpersonation } from './authn/impersonation.js';
import type { ServiceAccountTokens } from './authn/service-account-tokens.js';
import { AuthorizerChain, requestAttributes, type AuthorizationMode } from './authz/authorizer.js';
import { ensureBootstrapPolicy, nodeRules } from './authz/bootstrap-policy.js';
import { NodeAuthorizer } from './authz/node.js';
import { RbacAuthorizer } from './authz/rbac.js';
import { WatchedObjects } from './authz/watched-objects.js';
import { sendJson } from './http.js';
import { parseSelectors } from './selectors.js';
import { setRequestUser } from './request-user.js';
import { listEverything } from './list.js';
import type { AdmissionAttributes } from './resource-handler.js';
import type { Resources } from './resources.js';
import type { RequestInfo } from './routing.js';

/** Access options of the API server (kube-apiserver flags in brackets). */
export interface AccessOptions {
  /** ServiceAccount token signer/verifier [--service-account-key-file, --service-account-issuer]; absent = bearer tokens get 401. */
  serviceAccountTokens?: ServiceAccountTokens;
  /** [--authorization-mode]; default AlwaysAllow (every authenticated request is allowed). */
  authorizationMode?: AuthorizationMode;
  /**
   * Admission plugins beyond NamespaceLifecycle [--enable-admission-plugins]: `LimitRanger`, `ServiceAccount`,
   * `DefaultStorageClass`, `PodSecurity`, `RuntimeClass`, `ResourceQuota` (run in kube-apiserver's order whatever the
   * order here).
   * Default none.
   */
  admissionPlugins?: AdmissionPluginName[];
  /** Told why a credential was refused (for the server log). */
  onAuthenticationError?: (reason: string) => void;
}

/** The admission plugins k1s has. */
export type AdmissionPluginName = 'LimitRanger' | 'ServiceAccount' | 'DefaultStorageClass' | 'PodSecurity' | 'RuntimeClass' | 'ResourceQuota';

/** Paths anyone may read without credentials (health and version). */
const PUBLIC_PATHS = /^\/(healthz|livez|readyz)(\/.*)?$|^\/version\/?$/;
const OIDC_CONFIG = '/.well-known/openid-configuration';
const JWKS = '/openid/v1/jwks';

/** The assembled access control. */
export interface Access {
  /** Authenticates, impersonates and authorizes `req` (throws 401/403); records and returns its user. */
  admitRequest(req: IncomingMessage, url: URL, info: RequestInfo): Promise<UserInfo>;
  /** Serves the OpenID discovery documents at their paths; false for any other path. */
  serveDiscovery(path: string, res: ServerResponse, address: string): boolean;
  /** Admission for the resource handler, when a plugin is enabled. */
  admit?: (a: AdmissionAttributes) => Promise<void>;
  /** Validating admission for the resource handler (after the strategy), when a validating plugin is enabled. */
  validate?: (a: AdmissionAttributes) => Promise<void>;
  /** Which resources' updates admission judges (the RBAC kinds under RBAC). */
  admitsUpdatesOf?: (group: string, resource: string) => boolean;
  /** The reviews' request context. */
  review: Omit<RequestContext, 'namespace' | 'user' | 'now'>;
  /** Stops the watches behind the authorizers. */
  stop(): void;
}

/**
 * Sets up access control over `resources`: creates the default RBAC policy (when RBAC is on and served) and waits
 * until the authorizers' watched copies of roles, bindings and pods are in. Throws on storage errors.
 */
export async function setUpAccess(resources: Resources, options: AccessOptions, clock: () => Date): Promise<Access> {
  const abort = new AbortController();
  const mode = options.authorizationMode ?? 'AlwaysAllow';
  const tokens = options.serviceAccountTokens;
  const lookup = (group: string, resource: string) => resources.all.find((s) => s.gr.group === group && s.gr.resource === resource);
  const getObject = async (resource: string, namespace: string, name: string): Promise<KubeObject | undefined> => {
    const gs = lookup('', resource);
    if (!gs) return undefined;
    try {
      return await gs.get(namespace, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const authenticator = new RequestAuthenticator({ ...(tokens ? { tokens } : {}), getObject, clock, ...(options.onAuthenticationError ? { onRefused: options.onAuthenticationError } : {}) });

  let rbac: RbacAuthorizer | undefined;
  let node: NodeAuthorizer | undefined;
  if (mode !== 'AlwaysAllow') {
    const clusterRoles = lookup(RBAC_GROUP, 'clusterroles');
    const clusterRoleBindings = lookup(RBAC_GROUP, 'clusterrolebindings');
    if (clusterRoles && clusterRoleBindings) await ensureBootstrapPolicy({ clusterRoles, clusterRoleBindings });
    const objects = {
      roles: new WatchedObjects<Role>(lookup(RBAC_GROUP, 'roles')),
      clusterRoles: new WatchedObjects<ClusterRole>(clusterRoles),
      roleBindings: new WatchedObjects<RoleBinding>(lookup(RBAC_GROUP, 'rolebindings')),
      clusterRoleBindings: new WatchedObjects<ClusterRoleBinding>(clusterRoleBindings),
    };
    const pods = new WatchedObjects<Pod>(lookup('', 'pods'));
    const watched = [...Object.values(objects), ...(mode === 'Node,RBAC' ? [pods] : [])];
    for (const w of watched) w.start(abort.signal);
    await Promise.all(watched.map((w) => w.synced));
    rbac = new RbacAuthorizer(objects);
    if (mode === 'Node,RBAC') {
      const podStore = lookup('', 'pods');
      node = new NodeAuthorizer(
        {
          pods,
          listPods: async (nodeName) => {
            if (!podStore) return [];
            const q = new URLSearchParams({ fieldSelector: `spec.nodeName=${nodeName}` });
            return (await podStore.list('', { ...parseSelectors(podStore.strategy, q), limit: 0, continueToken: undefined })).items as Pod[];
          },
          getClaim: (ns, name) => getObject('persistentvolumeclaims', ns, name),
        },
        nodeRules(),
      );
    }
  }
  const authorizer = new AuthorizerChain({ mode, ...(rbac ? { rbac } : {}), ...(node ? { node } : {}) });

  const review: Access['review'] = {
    authorizer,
    apiAudiences: tokens?.audiences ?? [],
    authenticateToken: async (token, audiences) => {
      const r = await authenticator.authenticateToken(token, audiences);
      if (!r) return { authenticated: false, error: 'invalid bearer token' };
      if ('error' in r) return { authenticated: false, error: r.error };
      return { authenticated: true, user: withAuthenticatedGroup(r.user), audiences: r.audiences };
    },
  };

  const enabled = new Set(options.admissionPlugins ?? []);
  const listIn = async <T extends KubeObject>(resource: string, namespace: string): Promise<T[]> => {
    const gs = lookup('', resource);
    return gs ? ((await gs.list(namespace, listEverything())).items as T[]) : [];
  };
  // Mutating admission, in kube-apiserver's order: LimitRanger, ServiceAccount, DefaultStorageClass, RuntimeClass.
  const plugins: ((a: AdmissionAttributes) => Promise<void>)[] = [];
  // Validating admission, after the strategy: LimitRanger, PodSecurity, RuntimeClass, ResourceQuota (last, as upstream).
  const validators: ((a: AdmissionAttributes) => Promise<void>)[] = [];
  if (enabled.has('LimitRanger') && lookup('', 'limitranges')) {
    const limitRanger = limitRangerAdmission({ listLimitRanges: (ns) => listIn<LimitRange>('limitranges', ns) });
    plugins.push((a) => limitRanger.admit(a));
    validators.push((a) => limitRanger.validate(a));
  }
  if (enabled.has('ServiceAccount') && lookup('', 'serviceaccounts')) {
    plugins.push(serviceAccountAdmission({ getServiceAccount: (ns, name) => getObject('serviceaccounts', ns, name) }));
  }
  const storageClasses = lookup('storage.k8s.io', 'storageclasses');
  if (enabled.has('DefaultStorageClass') && storageClasses) {
    plugins.push(defaultStorageClassAdmission({ listStorageClasses: async () => (await storageClasses.list('', listEverything())).items }));
  }
  const runtimeClasses = lookup('node.k8s.io', 'runtimeclasses');
  const runtimeClass = enabled.has('RuntimeClass') && runtimeClasses
    ? runtimeClassAdmission({
        getRuntimeClass: async (name) => {
          try {
            return (await runtimeClasses.get('', name)) as RuntimeClass;
          } catch (err) {
            if (isNotFound(err)) return undefined;
            throw err;
          }
        },
      })
    : undefined;
  if (runtimeClass) plugins.push((a) => runtimeClass.admit(a));
  if (enabled.has('PodSecurity')) {
    validators.push(podSecurityAdmission({ getNamespace: (name) => getObject('namespaces', '', name), listPods: (ns) => listIn<Pod>('pods', ns) }));
  }
  if (runtimeClass) validators.push((a) => runtimeClass.validate(a));
  const quotas = lookup('', 'resourcequotas');
  if (enabled.has('ResourceQuota') && quotas) {
    validators.push(
      resourceQuotaAdmission({
        listQuotas: (ns) => listIn<ResourceQuota>('resourcequotas', ns),
        updateQuotaStatus: async (q) => {
          await quotas.update(q.metadata.namespace ?? '', q.metadata.name ?? '', q, { dryRun: false, subresource: 'status' });
        },
        now: clock,
      }),
    );
  }
  // RBAC's own storage refuses roles and bindings that grant more than their author holds.
  const escalation = rbac;
  if (escalation) {
    plugins.push(rbacEscalationAdmission({ authorizer, rulesFor: (u, ns) => escalation.policyRules(u, ns), roleRules: (ref, ns) => escalation.referencedRules(ref, ns) }));
  }
  const admit = plugins.length > 0 ? async (a: AdmissionAttributes): Promise<void> => {
    for (const p of plugins) await p(a);
  } : undefined;
  const validate = validators.length > 0 ? async (a: AdmissionAttributes): Promise<void> => {
    for (const v of validators) await v(a);
  } : undefined;

  return {
    async admitRequest(req, url, info) {
      const path = url.pathname;
      const auth = await authenticator.authenticate(req);
      if (auth.kind === 'anonymous' && !PUBLIC_PATHS.test(path)) throw unauthorized();
      let user = auth.kind === 'user' ? auth.user : anonymousUser();
      if (wantsImpersonation(req)) user = await impersonate(req, user, (a) => authorizer.check(a));
      setRequestUser(req, user);
      // Health and version stay open to anonymous requests, as they were before authorization.
      if (auth.kind === 'anonymous' && user.username === anonymousUser().username) return user;
      const attrs = requestAttributes(user, req.method ?? 'GET', path, info, url.searchParams);
      await authorizer.check(attrs);
      // WebSocket (GET) exec, attach and port-forward need `create` too (AuthorizePodWebsocketUpgradeCreatePermission).
      if (attrs.resourceRequest && attrs.resource === 'pods' && ['exec', 'attach', 'portforward'].includes(attrs.subresource) && attrs.verb === 'get') {
        await authorizer.check({ ...attrs, verb: 'create' });
      }
      return user;
    },
    serveDiscovery(path, res, address) {
      if (!tokens || (path !== OIDC_CONFIG && path !== JWKS)) return false;
      res.setHeader('Cache-Control', 'public, max-age=3600');
      if (path === OIDC_CONFIG) sendJson(res, 200, tokens.openIDConfiguration(`https://${address}${JWKS}`));
      else sendJson(res, 200, tokens.jwks(), 'application/jwk-set+json');
      return true;
    },
    ...(admit ? { admit } : {}),
    ...(validate ? { validate } : {}),
    ...(rbac ? { admitsUpdatesOf: (group: string, resource: string) => group === RBAC_GROUP && ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].includes(resource) } : {}),
    review,
    stop: () => abort.abort(),
  };
}
