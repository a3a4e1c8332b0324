/**
 * The LimitRanger admission plugin: a pod created in a namespace with LimitRanges gets each Container item's
 * `defaultRequest` and `default` for the resources its containers and init containers leave unset (recorded in the
 * `kubernetes.io/limit-ranger` annotation), then every Container, Pod and PersistentVolumeClaim item's min, max and
 * maxLimitRequestRatio are enforced with a 403.
 *
 * Mirrors kube-apiserver `plugin/pkg/admission/limitranger/admission.go` at v1.32: Admit (PodMutateLimitFunc on pod
 * creates; pod updates are not judged, their containers being immutable) and Validate (PodValidateLimitFunc,
 * PersistentVolumeClaimValidateLimitFunc on creates and on updates of the requests that changed), with
 * minConstraint/maxConstraint/maxRequestConstraint/limitRequestRatioConstraint's messages, aggregated. Pod totals
 * are podRequests/podLimits (app containers and sidecars summed, each init container on top of the sidecars before
 * it, the larger of the two).
 */
import type { LimitRange, LimitRangeItem } from '../../api/policy.js';
import { podTotals } from '../../api/quota-usage.js';
import { canonicalQuantity, cmpQuantity, parseExact, type ResourceList } from '../../api/resource-list.js';
import type { Container, KubeObject, Pod } from '../../api/types.js';
import type { AdmissionAttributes } from '../resource-handler.js';
import { admissionForbidden, aggregateMessage } from './forbidden.js';

/** The annotation naming what the plugin set. */
export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

/** What the plugin reads: the LimitRanges of a namespace. */
export interface LimitRangerDeps {
  listLimitRanges(namespace: string): Promise<LimitRange[]>;
}

/** defaultContainerResourceRequirements: the Container items' defaultRequest (requests) and default (limits). */
export function containerDefaults(lr: LimitRange): { requests: ResourceList; limits: ResourceList } {
  const requests: ResourceList = {};
  const limits: ResourceList = {};
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    for (const [k, v] of Object.entries(item.defaultRequest ?? {})) requests[k] = canonicalQuantity(v);
    for (const [k, v] of Object.entries(item.default ?? {})) limits[k] = canonicalQuantity(v);
  }
  return { requests, limits };
}

function mergeContainer(c: Container, defaults: { requests: ResourceList; limits: ResourceList }, kind: string, notes: string[]): void {
  const resources = (c.resources ??= {});
  const limits = (resources.limits ??= {});
  const requests = (resources.requests ??= {});
  // Upstream admits a decoded pod, already defaulted (SetDefaults_Pod): a request defaults to its limit first.
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  const setLimits = Object.keys(defaults.limits).filter((k) => !(k in limits)).sort();
  const setRequests = Object.keys(defaults.requests).filter((k) => !(k in requests)).sort();
  for (const k of setLimits) limits[k] = defaults.limits[k] ?? 0;
  for (const k of setRequests) requests[k] = defaults.requests[k] ?? 0;
  if (setRequests.length) notes.push(`${setRequests.join(', ')} request for ${kind} ${c.name}`);
  if (setLimits.length) notes.push(`${setLimits.join(', ')} limit for ${kind} ${c.name}`);
}

/** PodMutateLimitFunc: applies `lr`'s container defaults to `pod` in place and annotates what was set. */
export function applyContainerDefaults(lr: LimitRange, pod: Pod): void {
  const defaults = containerDefaults(lr);
  const notes: string[] = [];
  for (const c of pod.spec.containers ?? []) mergeContainer(c, defaults, 'container', notes);
  for (const c of pod.spec.initContainers ?? []) mergeContainer(c, defaults, 'init container', notes);
  if (notes.length) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

const str = (v: string | number): string => canonicalQuantity(v);

function minConstraint(type: string, name: string, enforced: string | number, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request[name];
  const lim = limit[name];
  if (req === undefined) return `minimum ${name} usage per ${type} is ${str(enforced)}.  No request is specified`;
  if (cmpQuantity(enforced, req) > 0) return `minimum ${name} usage per ${type} is ${str(enforced)}, but request is ${str(req)}`;
  if (lim !== undefined && cmpQuantity(enforced, lim) > 0) return `minimum ${name} usage per ${type} is ${str(enforced)}, but limit is ${str(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: string | number, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request[name];
  const lim = limit[name];
  if (lim === undefined) return `maximum ${name} usage per ${type} is ${str(enforced)}.  No limit is specified`;
  if (cmpQuantity(lim, enforced) > 0) return `maximum ${name} usage per ${type} is ${str(enforced)}, but limit is ${str(lim)}`;
  if (req !== undefined && cmpQuantity(req, enforced) > 0) return `maximum ${name} usage per ${type} is ${str(enforced)}, but request is ${str(req)}`;
  return undefined;
}

function maxRequestConstraint(type: string, name: string, enforced: string | number, request: ResourceList): string | undefined {
  const req = request[name];
  if (req === undefined) return `maximum ${name} usage per ${type} is ${str(enforced)}.  No request is specified`;
  if (cmpQuantity(req, enforced) > 0) return `maximum ${name} usage per ${type} is ${str(enforced)}, but request is ${str(req)}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: string | number, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request[name];
  const lim = limit[name];
  const head = `${name} max limit to request ratio per ${type} is ${str(enforced)}`;
  if (req === undefined || parseExact(req).nano === 0n) return `${head}, but no request is specified or request is 0`;
  if (lim === undefined || parseExact(lim).nano === 0n) return `${head}, but no limit is specified or limit is 0`;
  const l = parseExact(lim).nano;
  const r = parseExact(req).nano;
  // limit > request × ratio, exactly: limit × 10^9 > request × ratio(nano).
  if (l * 1_000_000_000n > r * parseExact(enforced).nano) {
    const scaled = (l * 1_000_000n + r / 2n) / r; // the ratio × 10^6, rounded half up
    const text = `${scaled / 1_000_000n}.${String(scaled % 1_000_000n).padStart(6, '0')}`;
    return `${head}, but provided ratio is ${text}`;
  }
  return undefined;
}

const sorted = (list: ResourceList | undefined): [string, string | number][] => Object.entries(list ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function same(a: ResourceList | undefined, b: ResourceList | undefined, name: string): boolean {
  const x = a?.[name];
  const y = b?.[name];
  if ((x === undefined) !== (y === undefined)) return false;
  return x === undefined || y === undefined || cmpQuantity(x, y) === 0;
}

/** The min/max/ratio checks of one item over a request and limit list; `unchanged(name)` skips a resource. */
function checkItem(item: LimitRangeItem, request: ResourceList, limit: ResourceList, unchanged: (name: string) => boolean): string[] {
  const type = item.type;
  const out: (string | undefined)[] = [];
  for (const [k, v] of sorted(item.min)) if (!unchanged(k)) out.push(minConstraint(type, k, v, request, limit));
  for (const [k, v] of sorted(item.max)) if (!unchanged(k)) out.push(maxConstraint(type, k, v, request, limit));
  for (const [k, v] of sorted(item.maxLimitRequestRatio)) if (!unchanged(k)) out.push(ratioConstraint(type, k, v, request, limit));
  return out.filter((m): m is string => m !== undefined);
}

/** PodValidateLimitFunc: the violations of `lr` by `pod` (`old` on update: unchanged values are not judged again). */
export function podViolations(lr: LimitRange, pod: Pod, old?: Pod): string[] {
  const out: string[] = [];
  for (const item of lr.spec?.limits ?? []) {
    if (item.type === 'Container') {
      for (const [list, oldList] of [[pod.spec.containers ?? [], old?.spec.containers], [pod.spec.initContainers ?? [], old?.spec.initContainers]] as const) {
        for (const c of list) {
          const o = oldList?.find((x) => x.name === c.name);
          const req = c.resources?.requests ?? {};
          const lim = c.resources?.limits ?? {};
          out.push(...checkItem(item, req, lim, (k) => o !== undefined && same(req, o.resources?.requests, k) && same(lim, o.resources?.limits, k)));
        }
      }
    }
    if (item.type === 'Pod') {
      const req = podTotals(pod, 'requests');
      const lim = podTotals(pod, 'limits');
      const oldReq = old ? podTotals(old, 'requests') : undefined;
      const oldLim = old ? podTotals(old, 'limits') : undefined;
      out.push(...checkItem(item, req, lim, (k) => old !== undefined && same(req, oldReq, k) && same(lim, oldLim, k)));
    }
  }
  return out;
}

interface Claim extends KubeObject {
  spec?: { resources?: { requests?: ResourceList } };
}

/** PersistentVolumeClaimValidateLimitFunc: min and max of the claim's requests (a request the stored claim holds unchanged is skipped). */
export function claimViolations(lr: LimitRange, pvc: Claim, old?: Claim): string[] {
  const requests = pvc.spec?.resources?.requests ?? {};
  const oldRequests = old?.spec?.resources?.requests ?? {};
  const unchanged = (k: string): boolean => requests[k] !== undefined && oldRequests[k] !== undefined && cmpQuantity(requests[k] ?? 0, oldRequests[k] ?? 0) === 0;
  const out: (string | undefined)[] = [];
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of sorted(item.min)) if (!unchanged(k)) out.push(minConstraint(item.type, k, v, requests, {}));
    for (const [k, v] of sorted(item.max)) if (!unchanged(k)) out.push(maxRequestConstraint(item.type, k, v, requests));
  }
  return out.filter((m): m is string => m !== undefined);
}

/** The plugin's two halves: `admit` (mutating, before the strategy) and `validate` (after it). */
export interface LimitRanger {
  admit(a: AdmissionAttributes): Promise<void>;
  validate(a: AdmissionAttributes): Promise<void>;
}

/** The LimitRanger plugin over `deps`. Both halves throw a 403 StatusError to refuse. */
export function limitRangerAdmission(deps: LimitRangerDeps): LimitRanger {
  const judged = (a: AdmissionAttributes): boolean =>
    a.group === '' && a.subresource === '' && ((a.resource === 'pods' && a.operation === 'CREATE') || a.resource === 'persistentvolumeclaims');
  return {
    async admit(a) {
      if (!judged(a) || a.resource !== 'pods') return;
      const pod = a.object as Pod;
      pod.spec ??= { containers: [] };
      for (const lr of await deps.listLimitRanges(a.namespace)) applyContainerDefaults(lr, pod);
    },
    async validate(a) {
      if (!judged(a)) return;
      if (a.oldObject?.metadata.deletionTimestamp) return;
      for (const lr of await deps.listLimitRanges(a.namespace)) {
        const errs = a.resource === 'pods' ? podViolations(lr, a.object as Pod) : claimViolations(lr, a.object as Claim, a.oldObject as Claim | undefined);
        if (errs.length) throw admissionForbidden(a, aggregateMessage(errs));
      }
    },
  };
}
