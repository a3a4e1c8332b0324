/**
 * The ResourceQuota admission plugin: an object created (or a service or claim updated) in a namespace with quotas
 * is charged to each quota that covers it; the request is refused with a 403 when it would exceed one, when a quota's
 * usage is not known yet, or when a pod leaves a cpu or memory request or limit unset that a quota counts. The new
 * usage is written to the quotas' status before the object is stored (dry runs write nothing).
 *
 * Mirrors k8s.io/apiserver `pkg/admission/plugin/resourcequota/controller.go` at v1.32 (CheckRequest with its
 * `exceeded quota`, `failed quota`, `status unknown for quota` messages and prettyPrint, checkQuotas' status updates
 * retried on conflict with fresh quotas) and admission.go (a queue per namespace: one evaluation at a time).
 */
import { isConflict, type StatusError } from '../../api/errors.js';
import type { ResourceQuota } from '../../api/policy.js';
import { evaluatorHandles, matchingResources, objectUsage, podConstraintViolation, quotaMatches } from '../../api/quota-usage.js';
import { addLists, canonicalQuantity, equalLists, lessThanOrEqual, maskList, removeZeros, subtractNonNegative, type ResourceList } from '../../api/resource-list.js';
import type { Pod } from '../../api/types.js';
import type { AdmissionAttributes } from '../resource-handler.js';
import { admissionForbidden } from './forbidden.js';

/** What the plugin reads and writes. */
export interface ResourceQuotaDeps {
  /** The quotas of a namespace, as stored now. */
  listQuotas(namespace: string): Promise<ResourceQuota[]>;
  /** Writes a quota's status (PUT resourcequotas/status; 409 Conflict when its resourceVersion is stale). */
  updateQuotaStatus(quota: ResourceQuota): Promise<void>;
  /** The API server's clock (pods past their deletion grace period no longer count). */
  now(): Date;
}

/** prettyPrint: `name=quantity` pairs sorted by name, comma-separated. */
export function prettyPrint(list: ResourceList): string {
  return Object.keys(list)
    .sort()
    .map((k) => `${k}=${canonicalQuantity(list[k] ?? 0)}`)
    .join(',');
}

/** Resources that are never charged (the plugin's ignored resources: events and other ephemeral kinds). */
const IGNORED = new Set(['/events', 'events.k8s.io/events', '/bindings', '/componentstatuses', 'authentication.k8s.io/tokenreviews', 'authorization.k8s.io/subjectaccessreviews']);

/**
 * CheckRequest: the quotas as they would be after admitting `a` (unchanged when nothing is charged); throws the 403
 * StatusError that refuses it.
 */
export function checkRequest(quotas: ResourceQuota[], a: AdmissionAttributes, now: Date): ResourceQuota[] {
  if (!evaluatorHandles(a.group, a.resource, a.operation)) return quotas;
  const interesting: number[] = [];
  quotas.forEach((q, i) => {
    if (!quotaMatches(q, a.group, a.resource, a.object)) return;
    const hardNames = Object.keys(q.status?.hard ?? {});
    const restricted = matchingResources(a.group, a.resource, hardNames);
    if (a.group === '' && a.resource === 'pods') {
      const why = podConstraintViolation(restricted, a.object as Pod);
      if (why) throw admissionForbidden(a, `failed quota: ${q.metadata.name ?? ''}: ${why}`);
    }
    const used = q.status?.used ?? {};
    const unknown = restricted.filter((r) => !(r in used));
    if (unknown.length) throw admissionForbidden(a, `status unknown for quota: ${q.metadata.name ?? ''}, resources: ${[...restricted].sort().join(',')}`);
    interesting.push(i);
  });
  if (interesting.length === 0) return quotas;
  const usage = objectUsage(a.group, a.resource, a.object, now);
  const deltas = new Map<number, ResourceList>(interesting.map((i) => [i, usage]));
  const old = a.oldObject;
  if (a.operation === 'UPDATE' && old?.metadata.resourceVersion) {
    // Quotas that covered the old object too are charged only the growth.
    const growth = subtractNonNegative(usage, objectUsage(a.group, a.resource, old, now));
    for (const i of interesting) if (quotaMatches(quotas[i] as ResourceQuota, a.group, a.resource, old)) deltas.set(i, growth);
  }
  for (const [i, d] of deltas) {
    const nonZero = removeZeros(d);
    if (Object.keys(nonZero).length === 0) deltas.delete(i);
    else deltas.set(i, nonZero);
  }
  if (deltas.size === 0) return quotas;
  return charge(quotas, deltas, a);
}

/** Adds each quota's delta to its used, refusing (403) a quota pushed past its hard limit. */
function charge(quotas: ResourceQuota[], deltas: Map<number, ResourceList>, a: AdmissionAttributes): ResourceQuota[] {
  const out = quotas.map((q) => structuredClone(q));
  for (const [i, delta] of deltas) {
    const q = out[i] as ResourceQuota;
    const hard = q.status?.hard ?? {};
    const used = q.status?.used ?? {};
    const requested = maskList(delta, Object.keys(hard));
    const next = addLists(used, requested);
    const { allowed, exceeded } = lessThanOrEqual(maskList(next, Object.keys(requested)), hard);
    if (!allowed) {
      throw admissionForbidden(
        a,
        `exceeded quota: ${q.metadata.name ?? ''}, requested: ${prettyPrint(maskList(requested, exceeded))}, used: ${prettyPrint(maskList(used, exceeded))}, limited: ${prettyPrint(maskList(hard, exceeded))}`,
      );
    }
    q.status = { ...(q.status ?? {}), used: next };
  }
  return out;
}

/** The plugin: judges creates and updates of namespaced objects (validating admission, after the strategy). */
export function resourceQuotaAdmission(deps: ResourceQuotaDeps): (a: AdmissionAttributes) => Promise<void> {
  const chains = new Map<string, Promise<void>>();
  const evaluate = async (a: AdmissionAttributes): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const quotas = await deps.listQuotas(a.namespace);
      if (quotas.length === 0) return;
      const next = checkRequest(quotas, a, deps.now());
      if (a.dryRun) return;
      try {
        for (let i = 0; i < next.length; i++) {
          const before = quotas[i];
          const after = next[i];
          if (before && after && !equalLists(before.status?.used ?? {}, after.status?.used ?? {})) await deps.updateQuotaStatus(after);
        }
        return;
      } catch (err) {
        if (attempt < 3 && isConflict(err)) continue;
        throw err as StatusError;
      }
    }
  };
  return async (a) => {
    if (a.subresource !== '' || a.namespace === '' || IGNORED.has(`${a.group}/${a.resource}`) || !evaluatorHandles(a.group, a.resource, a.operation)) return;
    // One evaluation at a time per namespace, as the plugin's per-namespace work queue does.
    const previous = chains.get(a.namespace) ?? Promise.resolve();
    const run = previous.then(() => evaluate(a));
    const settled = run.then(() => {}, () => {});
    chains.set(a.namespace, settled);
    void settled.then(() => {
      if (chains.get(a.namespace) === settled) chains.delete(a.namespace);
    });
    return run;
  };
}
