/**
 * What an object costs against a ResourceQuota: the quota evaluators shared by the ResourceQuota admission plugin and
 * the quota controller (pods' compute resources and count, services with their node ports and load balancers,
 * claims with their storage, object counts of every other resource), and which quotas an object falls under (scopes).
 *
 * Mirrors `pkg/quota/v1/evaluator/core` (pods.go PodUsageFunc, podComputeUsageHelper, QuotaV1Pod, podMatchesScopeFunc,
 * Constraints' `must specify` message; services.go; persistent_volume_claims.go) and `k8s.io/apiserver/pkg/quota/v1/
 * generic` (object count evaluators: `count/<resource>[.<group>]`, and the legacy names of configmaps, secrets,
 * resourcequotas and replicationcontrollers).
 */
import type { ResourceQuota, ScopedResourceSelectorRequirement } from './policy.js';
import { addLists, cmpQuantity, maskList, parseExact, type ResourceList } from './resource-list.js';
import type { Container, KubeObject, Pod } from './types.js';

/** The object-count name of a resource (`count/pods`, `count/deployments.apps`). */
export function objectCountName(group: string, resource: string): string {
  return group === '' ? `count/${resource}` : `count/${resource}.${group}`;
}

const LEGACY_COUNTED = new Set(['configmaps', 'secrets', 'resourcequotas', 'replicationcontrollers']);

function maxInto(into: ResourceList, other: ResourceList): void {
  for (const [k, v] of Object.entries(other)) if (!(k in into) || cmpQuantity(v, into[k] ?? 0) > 0) into[k] = v;
}

/**
 * PodRequests / PodLimits of the spec: app containers and sidecars (restartPolicy Always init containers) summed; each
 * other init container runs beside the sidecars before it; the pod needs the larger of the two.
 */
export function podTotals(pod: Pod, which: 'requests' | 'limits'): ResourceList {
  let total: ResourceList = {};
  for (const c of pod.spec?.containers ?? []) total = addLists(total, c.resources?.[which] ?? {});
  let sidecars: ResourceList = {};
  const init: ResourceList = {};
  for (const c of pod.spec?.initContainers ?? []) {
    const own = c.resources?.[which] ?? {};
    if (c.restartPolicy === 'Always') {
      total = addLists(total, own);
      sidecars = addLists(sidecars, own);
      maxInto(init, sidecars);
    } else maxInto(init, addLists(own, sidecars));
  }
  maxInto(total, init);
  return total;
}

/** QuotaV1Pod: a pod counts against compute quota until it is terminal or past its deletion grace period. */
export function podCountsAgainstQuota(pod: Pod, now: Date): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const del = pod.metadata.deletionTimestamp;
  const grace = pod.metadata.deletionGracePeriodSeconds;
  if (del && grace !== undefined) return now.getTime() <= Date.parse(del) + grace * 1000;
  return true;
}

const isExtended = (name: string): boolean => name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');

/** podComputeUsageHelper: the quota names of a request and a limit list. */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = { pods: '1' };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests[r];
    if (req !== undefined) {
      out[r] = req;
      out[`requests.${r}`] = req;
    }
    const lim = limits[r];
    if (lim !== undefined) out[`limits.${r}`] = lim;
  }
  for (const [r, v] of Object.entries(requests)) {
    if (r.startsWith('hugepages-')) {
      out[r] = v;
      out[`requests.${r}`] = v;
    } else if (isExtended(r)) out[`requests.${r}`] = v;
  }
  return out;
}

/** PodUsageFunc: `count/pods` always; `pods` and compute resources while the pod counts (podCountsAgainstQuota). */
export function podUsage(pod: Pod, now: Date): ResourceList {
  const count: ResourceList = { 'count/pods': '1' };
  if (!podCountsAgainstQuota(pod, now)) return count;
  return { ...count, ...computeUsage(podTotals(pod, 'requests'), podTotals(pod, 'limits')) };
}

interface Service extends KubeObject {
  spec?: { type?: string; ports?: unknown[]; allocateLoadBalancerNodePorts?: boolean };
}

/** The services evaluator: `services`, `count/services`, `services.loadbalancers`, `services.nodeports`. */
export function serviceUsage(svc: Service): ResourceList {
  const out: ResourceList = { services: '1', 'count/services': '1' };
  const type = svc.spec?.type ?? 'ClusterIP';
  const ports = (svc.spec?.ports ?? []).length;
  if (type === 'NodePort') out['services.nodeports'] = String(ports);
  if (type === 'LoadBalancer') {
    out['services.loadbalancers'] = '1';
    out['services.nodeports'] = svc.spec?.allocateLoadBalancerNodePorts === false ? '0' : String(ports);
  }
  return out;
}

interface Claim extends KubeObject {
  spec?: { storageClassName?: string | null; resources?: { requests?: ResourceList } };
  status?: { allocatedResources?: ResourceList };
}

/** The persistentvolumeclaims evaluator: count, `requests.storage` (the larger of spec and allocated) and per-class names. */
export function claimUsage(pvc: Claim): ResourceList {
  const out: ResourceList = { persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1' };
  const cls = pvc.spec?.storageClassName ?? pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
  const classPrefix = cls ? `${cls}.storageclass.storage.k8s.io/` : '';
  if (classPrefix) out[`${classPrefix}persistentvolumeclaims`] = '1';
  let storage = pvc.spec?.resources?.requests?.['storage'];
  const allocated = pvc.status?.allocatedResources?.['storage'];
  if (allocated !== undefined && (storage === undefined || cmpQuantity(allocated, storage) > 0)) storage = allocated;
  if (storage !== undefined) {
    out['requests.storage'] = storage;
    if (classPrefix) out[`${classPrefix}requests.storage`] = storage;
  }
  return out;
}

/** The usage of any object of `group`/`resource` (pods, services and claims by their evaluators, others counted). */
export function objectUsage(group: string, resource: string, obj: KubeObject, now: Date): ResourceList {
  if (group === '' && resource === 'pods') return podUsage(obj as Pod, now);
  if (group === '' && resource === 'services') return serviceUsage(obj as Service);
  if (group === '' && resource === 'persistentvolumeclaims') return claimUsage(obj as Claim);
  const out: ResourceList = { [objectCountName(group, resource)]: '1' };
  if (group === '' && LEGACY_COUNTED.has(resource)) out[resource] = '1';
  return out;
}

const POD_NAMES = new Set(['pods', 'count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage']);

/** MatchingResources: which of the quota's resource names the evaluator of `group`/`resource` accounts for. */
export function matchingResources(group: string, resource: string, names: string[]): string[] {
  if (group === '' && resource === 'pods') return names.filter((n) => POD_NAMES.has(n) || n.startsWith('hugepages-') || n.startsWith('requests.hugepages-') || (n.startsWith('requests.') && isExtended(n.slice('requests.'.length))));
  if (group === '' && resource === 'services') return names.filter((n) => ['services', 'count/services', 'services.nodeports', 'services.loadbalancers'].includes(n));
  if (group === '' && resource === 'persistentvolumeclaims') {
    return names.filter((n) => ['persistentvolumeclaims', 'count/persistentvolumeclaims', 'requests.storage'].includes(n) || /\.storageclass\.storage\.k8s\.io\/(persistentvolumeclaims|requests\.storage)$/.test(n));
  }
  const own = [objectCountName(group, resource), ...(group === '' && LEGACY_COUNTED.has(resource) ? [resource] : [])];
  return names.filter((n) => own.includes(n));
}

/** Whether the quota evaluator of `group`/`resource` judges an operation (pods: creates; services, claims: creates and updates; others: creates). */
export function evaluatorHandles(group: string, resource: string, operation: 'CREATE' | 'UPDATE'): boolean {
  if (operation === 'CREATE') return true;
  return group === '' && (resource === 'services' || resource === 'persistentvolumeclaims');
}

/** qos BestEffort: no container asks for or limits cpu or memory. */
export function isBestEffort(pod: Pod): boolean {
  const all: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return all.every((c) =>
    ['cpu', 'memory'].every((r) => {
      const req = c.resources?.requests?.[r];
      const lim = c.resources?.limits?.[r];
      return (req === undefined || parseExact(req).nano <= 0n) && (lim === undefined || parseExact(lim).nano <= 0n);
    }),
  );
}

/** The quota's scope selectors: each of `spec.scopes` as Exists, then `spec.scopeSelector.matchExpressions`. */
export function scopeSelectors(q: ResourceQuota): ScopedResourceSelectorRequirement[] {
  return [...(q.spec?.scopes ?? []).map((s) => ({ scopeName: s, operator: 'Exists' })), ...(q.spec?.scopeSelector?.matchExpressions ?? [])];
}

function podMatchesScope(pod: Pod, sel: ScopedResourceSelectorRequirement): boolean {
  const terminating = pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds >= 0;
  switch (sel.scopeName) {
    case 'Terminating':
      return terminating;
    case 'NotTerminating':
      return !terminating;
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const pc = pod.spec?.priorityClassName ?? '';
      switch (sel.operator) {
        case 'Exists':
          return pc !== '';
        case 'DoesNotExist':
          return pc === '';
        case 'In':
          return (sel.values ?? []).includes(pc);
        case 'NotIn':
          return !(sel.values ?? []).includes(pc);
        default:
          return false;
      }
    }
    default:
      return false;
  }
}

/**
 * Matches: whether `obj` (of `group`/`resource`) is charged to quota `q`: the quota limits something the evaluator
 * accounts for, and every scope selector matches (scopes apply to pods only; other kinds match no scoped quota).
 */
export function quotaMatches(q: ResourceQuota, group: string, resource: string, obj: KubeObject): boolean {
  if (matchingResources(group, resource, Object.keys(q.status?.hard ?? q.spec?.hard ?? {})).length === 0) return false;
  const selectors = scopeSelectors(q);
  if (selectors.length === 0) return true;
  if (!(group === '' && resource === 'pods')) return false;
  return selectors.every((s) => podMatchesScope(obj as Pod, s));
}

const VALIDATION_SET = new Set(['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'cpu', 'memory']);

/**
 * podEvaluator.Constraints: when a quota limits cpu or memory, every container must state the request or limit it
 * counts; returns `must specify <resource> for: <containers>; …` (resources sorted), or undefined.
 */
export function podConstraintViolation(required: string[], pod: Pod): string | undefined {
  const needed = required.filter((r) => VALIDATION_SET.has(r));
  if (needed.length === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const usage = computeUsage(c.resources?.requests ?? {}, c.resources?.limits ?? {});
    for (const r of needed) {
      if (r in usage) continue;
      if (!missing.has(r)) missing.set(r, new Set());
      missing.get(r)?.add(c.name);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...(missing.get(r) ?? [])].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

/** The usage of many objects of one kind, masked to `names` (each present, zero when nothing counts). */
export function usageOf(group: string, resource: string, objects: KubeObject[], names: string[], now: Date): ResourceList {
  let used: ResourceList = Object.fromEntries(names.map((n) => [n, '0']));
  for (const obj of objects) used = addLists(used, maskList(objectUsage(group, resource, obj, now), names));
  return used;
}
