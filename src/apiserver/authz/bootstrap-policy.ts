/**
 * The default RBAC policy every cluster starts with: the ClusterRoles cluster-admin, admin, edit, view (aggregated
 * from the system:aggregate-to-* roles), system:basic-user, system:discovery, system:public-info-viewer,
 * system:node and the other system roles, and the ClusterRoleBindings that grant them; created at start and
 * reconciled (missing rules, subjects, labels and annotations added back) unless annotated
 * `rbac.authorization.kubernetes.io/autoupdate: "false"`.
 *
 * Mirrors kube-apiserver `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go` (ClusterRoles,
 * ClusterRoleBindings; their rules as `kubectl get clusterrole -o yaml` shows them on v1.32) and the
 * `rbac/bootstrap-roles` post-start hook (`pkg/registry/rbac/rest/storage_rbac.go`, `reconciliation`).
 * The per-controller roles (system:controller:*) are left out: k1s's controllers act as system:masters. Beside them,
 * metrics-server's system:aggregated-metrics-reader, for the metrics.k8s.io API.
 */
import { isAlreadyExists } from '../../api/errors.js';
import { RBAC_GROUP, type ClusterRole, type ClusterRoleBinding, type PolicyRule, type Subject } from '../../api/rbac.js';
import type { KubeObject } from '../../api/types.js';
import type { GenericStore } from '../generic-store.js';
import { sortedJson } from '../authn/jwt.js';
import { semanticallyEqual } from '../object-meta.js';

/** JSON equality regardless of key order. */
const same = (a: unknown, b: unknown): boolean => sortedJson(a) === sortedJson(b);

const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const EVENTS = rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']);

const AGG_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
const AGG_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
const AGG_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

/** The annotation that lets reconciliation update a default object (`"false"` keeps a user's changes). */
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

function clusterRole(name: string, rules: PolicyRule[] | null, extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): ClusterRole {
  const role: ClusterRole = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...(extra.labels ?? {}) }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
  };
  if (extra.aggregateFrom) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateFrom]: 'true' } }] };
  if (rules) role.rules = rules;
  return role;
}

/** The default ClusterRoles. */
export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('admin', null, { aggregateFrom: AGG_ADMIN }),
    clusterRole('edit', null, { aggregateFrom: AGG_EDIT, labels: { [AGG_ADMIN]: 'true' } }),
    clusterRole('view', null, { aggregateFrom: AGG_VIEW, labels: { [AGG_EDIT]: 'true' } }),
    clusterRole('system:aggregate-to-admin', [
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      rule(RW, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
    ], { labels: { [AGG_ADMIN]: 'true' } }),
    clusterRole('system:aggregate-to-edit', [
      rule(READ, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      rule(['create'], [''], ['pods/eviction']),
      rule(WRITE, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(WRITE, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
      rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(WRITE, ['batch'], ['cronjobs', 'jobs']),
      rule(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
      rule(WRITE, ['policy'], ['poddisruptionbudgets']),
      rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      rule(RW, ['coordination.k8s.io'], ['leases']),
    ], { labels: { [AGG_EDIT]: 'true' } }),
    clusterRole('system:aggregate-to-view', [
      rule(READ, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
      rule(READ, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
      rule(READ, [''], ['namespaces']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(READ, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      rule(READ, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale']),
      rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ], { labels: { [AGG_VIEW]: 'true' } }),
    clusterRole('system:auth-delegator', [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])]),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])]),
    clusterRole('system:certificates.k8s.io:kube-apiserver-client-approver', [rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client'])]),
    clusterRole('system:certificates.k8s.io:kube-apiserver-client-kubelet-approver', [rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet'])]),
    clusterRole('system:certificates.k8s.io:kubelet-serving-approver', [rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kubelet-serving'])]),
    clusterRole('system:certificates.k8s.io:legacy-unknown-approver', [rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/legacy-unknown'])]),
    clusterRole('system:discovery', [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])]),
    clusterRole('system:heapster', [rule(READ, [''], ['events', 'namespaces', 'nodes', 'pods']), rule(READ, ['extensions'], ['deployments'])]),
    clusterRole('system:kube-aggregator', [rule(READ, [''], ['endpoints', 'services'])]),
    clusterRole('system:kube-controller-manager', [
      EVENTS,
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
      rule(['create'], [''], ['secrets', 'serviceaccounts']),
      rule(['delete'], [''], ['secrets']),
      rule(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
      rule(['update'], [''], ['secrets', 'serviceaccounts']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['create'], [''], ['serviceaccounts/token']),
    ]),
    clusterRole('system:kube-dns', [rule(['list', 'watch'], [''], ['endpoints', 'services'])]),
    clusterRole('system:kube-scheduler', [
      EVENTS,
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
      rule(READ, [''], ['nodes']),
      rule(['delete', 'get', 'list', 'watch'], [''], ['pods']),
      rule(['create'], [''], ['bindings', 'pods/binding']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(READ, [''], ['replicationcontrollers', 'services']),
      rule(READ, ['apps', 'extensions'], ['replicasets']),
      rule(READ, ['apps'], ['statefulsets']),
      rule(READ, ['policy'], ['poddisruptionbudgets']),
      rule(READ, [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(READ, ['storage.k8s.io'], ['csinodes']),
      rule(READ, [''], ['namespaces']),
      rule(READ, ['storage.k8s.io'], ['csidrivers']),
      rule(READ, ['storage.k8s.io'], ['csistoragecapacities']),
    ]),
    clusterRole('system:kubelet-api-admin', [rule(READ, [''], ['nodes']), rule(['proxy'], [''], ['nodes']), rule(['*'], [''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats'])]),
    clusterRole('system:monitoring', [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])]),
    clusterRole('system:node', nodeRules()),
    clusterRole('system:node-bootstrapper', [rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])]),
    clusterRole('system:node-problem-detector', [rule(['get'], [''], ['nodes']), rule(['patch'], [''], ['nodes/status']), EVENTS]),
    clusterRole('system:node-proxier', [rule(['list', 'watch'], [''], ['endpoints', 'services']), rule(READ, [''], ['nodes']), EVENTS, rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices'])]),
    clusterRole('system:persistent-volume-provisioner', [
      rule(['create', 'delete', 'get', 'list', 'watch'], [''], ['persistentvolumes']),
      rule(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
      rule(['watch'], [''], ['events']),
      EVENTS,
    ]),
    clusterRole('system:public-info-viewer', [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
    clusterRole('system:service-account-issuer-discovery', [urls(['get'], ['/.well-known/openid-configuration', '/openid/v1/jwks'])]),
    // metrics-server's role, as k3s deploys it with the metrics.k8s.io API k1s serves: `view` and up may read metrics.
    {
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'system:aggregated-metrics-reader', labels: { 'k8s-app': 'metrics-server', [AGG_ADMIN]: 'true', [AGG_EDIT]: 'true', [AGG_VIEW]: 'true' } },
      rules: [rule(READ, ['metrics.k8s.io'], ['pods', 'nodes'])],
    },
    clusterRole('system:volume-scheduler', [
      rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
      rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumeclaims']),
    ]),
  ];
}

/** The rules of the `system:node` ClusterRole: what the Node authorizer grants beyond its graph (`NodeRules`). */
export function nodeRules(): PolicyRule[] {
  return [
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
    rule(READ, [''], ['services']),
    rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
    rule(['patch', 'update'], [''], ['nodes/status']),
    rule(['patch', 'update'], [''], ['nodes']),
    rule(['create', 'patch', 'update'], [''], ['events']),
    rule(READ, [''], ['pods']),
    rule(['create', 'delete'], [''], ['pods']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(['create'], [''], ['pods/eviction']),
    rule(READ, [''], ['configmaps', 'secrets']),
    rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['get'], [''], ['endpoints']),
    rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
    rule(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
    rule(['get'], ['storage.k8s.io'], ['volumeattachments']),
    rule(['create'], [''], ['serviceaccounts/token']),
    rule(['get', 'patch', 'update'], [''], ['persistentvolumeclaims/status']),
    rule(READ, ['storage.k8s.io'], ['csidrivers']),
    rule(['create', 'delete', 'get', 'patch', 'update'], ['storage.k8s.io'], ['csinodes']),
    rule(READ, ['node.k8s.io'], ['runtimeclasses']),
  ];
}

const group = (name: string): Subject => ({ apiGroup: RBAC_GROUP, kind: 'Group', name });
const user = (name: string): Subject => ({ apiGroup: RBAC_GROUP, kind: 'User', name });

function binding(name: string, role: string, subjects: Subject[] | undefined): ClusterRoleBinding {
  const b: ClusterRoleBinding = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
  };
  if (subjects) b.subjects = subjects;
  return b;
}

/** The default ClusterRoleBindings (`system:node` has no subjects: the Node authorizer grants nodes their rights). */
export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    binding('cluster-admin', 'cluster-admin', [group('system:masters')]),
    binding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
    binding('system:discovery', 'system:discovery', [group('system:authenticated')]),
    binding('system:kube-controller-manager', 'system:kube-controller-manager', [user('system:kube-controller-manager')]),
    binding('system:kube-dns', 'system:kube-dns', [{ apiGroup: '', kind: 'ServiceAccount', name: 'kube-dns', namespace: 'kube-system' }]),
    binding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
    binding('system:monitoring', 'system:monitoring', [group('system:monitoring')]),
    binding('system:node', 'system:node', undefined),
    binding('system:node-proxier', 'system:node-proxier', [user('system:kube-proxy')]),
    binding('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    binding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
    binding('system:volume-scheduler', 'system:volume-scheduler', [user('system:kube-scheduler')]),
  ];
}

/** `have` with what `want` adds: missing rules, subjects, labels, annotations and aggregation selectors; undefined when nothing is missing. */
function reconciled(have: KubeObject, want: KubeObject): KubeObject | undefined {
  const out = structuredClone(have) as KubeObject & Record<string, unknown>;
  const w = want as KubeObject & Record<string, unknown>;
  if (want.metadata.labels) out.metadata.labels = { ...want.metadata.labels, ...(have.metadata.labels ?? {}) };
  if (want.metadata.annotations) out.metadata.annotations = { ...want.metadata.annotations, ...(have.metadata.annotations ?? {}) };
  for (const key of ['rules', 'subjects'] as const) {
    const wanted = (w[key] as unknown[] | undefined) ?? [];
    if (wanted.length === 0) continue;
    const current = [...((out[key] as unknown[] | undefined) ?? [])];
    for (const item of wanted) if (!current.some((c) => same(c, item))) current.push(item);
    out[key] = current;
  }
  if (w['aggregationRule']) {
    const sel = ((out['aggregationRule'] as ClusterRole['aggregationRule']) ?? {}).clusterRoleSelectors ?? [];
    const add = ((w['aggregationRule'] as ClusterRole['aggregationRule'])?.clusterRoleSelectors ?? []).filter((s) => !sel.some((c) => same(c, s)));
    if (add.length) out['aggregationRule'] = { clusterRoleSelectors: [...sel, ...add] };
  }
  return semanticallyEqual(out, have) ? undefined : out;
}

/**
 * Creates the default ClusterRoles and ClusterRoleBindings that are missing and reconciles the others (adds back
 * what a default lost) unless their autoupdate annotation is "false". A binding whose roleRef was changed is left
 * alone. Throws on storage errors.
 */
export async function ensureBootstrapPolicy(stores: { clusterRoles: GenericStore; clusterRoleBindings: GenericStore }): Promise<void> {
  const apply = async (gs: GenericStore, objects: KubeObject[]): Promise<void> => {
    for (const want of objects) {
      const name = want.metadata.name ?? '';
      const have = await gs.get('', name).catch(() => undefined);
      if (!have) {
        try {
          await gs.create('', want, { dryRun: false });
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
        continue;
      }
      if (have.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') continue;
      const haveRef = (have as ClusterRoleBinding).roleRef;
      if (haveRef && !same(haveRef, (want as ClusterRoleBinding).roleRef)) continue;
      const next = reconciled(have, want);
      if (next) await gs.update('', name, next, { dryRun: false });
    }
  };
  await apply(stores.clusterRoles, bootstrapClusterRoles());
  await apply(stores.clusterRoleBindings, bootstrapClusterRoleBindings());
}
