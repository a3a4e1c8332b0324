/**
 * Local ephemeral storage isolation: whether a pod's emptyDir exceeds its sizeLimit, the pod's ephemeral storage
 * its containers' total limit, or a container its own limit, and the eviction message for each.
 *
 * Mirrors `pkg/kubelet/eviction/eviction_manager.go` localStorageEviction (feature LocalStorageCapacityIsolation,
 * on by default): emptyDirLimitEviction, then podEphemeralStorageLimitEviction (usage > PodLimits of
 * ephemeral-storage), then containerEphemeralStorageLimitEviction (logs, plus the rootfs unless the images live on
 * a dedicated file system), with `helpers.go`'s emptyDirMessageFmt, podEphemeralStorageMessageFmt and
 * containerEphemeralStorageMessageFmt. Quantities print as Quantity.String() (`1Mi`, `500k`).
 */
import { formatQuantity, parseExact, parseQuantity, type QuantityFormat } from '../../api/quantity.js';
import type { Container, Pod } from '../../api/types.js';
import type { PodStats } from '../stats/summary.js';

/** The resource names the eviction manager reclaims (v1.ResourceName plus its internal `inodes` and `pids`). */
export type EvictionResource = 'memory' | 'ephemeral-storage' | 'inodes' | 'pids';

/**
 * PodRequests / PodLimits of one resource, in its unit (bytes): app containers plus restartable init containers,
 * or the largest init container when that is more. Undefined when no container names the resource
 * (a request defaults to the limit, as API defaulting sets it).
 */
export function podResourceTotal(pod: Pod, resource: string, kind: 'requests' | 'limits'): number | undefined {
  return podResourceQuantity(pod, resource, kind)?.value;
}

/**
 * {@link podResourceTotal} with the text Quantity.String() gives it: the sum keeps the format of the first
 * quantity added (resource.Quantity.Add), an init container that wins the maximum its own.
 */
export function podResourceQuantity(pod: Pod, resource: string, kind: 'requests' | 'limits'): { value: number; text: string } | undefined {
  let format: QuantityFormat | undefined;
  let initFormat: QuantityFormat | undefined;
  const raw = (c: Container): string | number | undefined => (kind === 'requests' ? (c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource]) : c.resources?.limits?.[resource]);
  const value = (c: Container): number => {
    const v = raw(c);
    if (v === undefined) return 0;
    format ??= parseExact(v).format;
    return parseQuantity(v);
  };
  let sum = 0;
  for (const c of pod.spec.containers) sum += value(c);
  let sidecars = 0;
  let initMax = 0;
  for (const c of pod.spec.initContainers ?? []) {
    const r = value(c);
    const v = raw(c);
    const candidate = c.restartPolicy === 'Always' ? (sidecars += r) : sidecars + r;
    if (candidate > initMax && v !== undefined) initFormat = parseExact(v).format;
    initMax = Math.max(initMax, candidate);
  }
  if (format === undefined) return undefined;
  const total = Math.max(sum + sidecars, initMax);
  const f = initMax > sum + sidecars ? (initFormat ?? format) : format;
  return { value: total, text: formatQuantity({ nano: BigInt(Math.trunc(total)) * 1_000_000_000n, format: f }) };
}

/** True when the pod names a local storage limit the eviction manager enforces (so its disk usage is measured). */
export function hasLocalStorageLimit(pod: Pod): boolean {
  if ((pod.spec.volumes ?? []).some((v) => v.emptyDir?.sizeLimit !== undefined)) return true;
  return [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].some((c) => c.resources?.limits?.['ephemeral-storage'] !== undefined);
}

/** Quantity.String() of a spec quantity (`1Mi` stays `1Mi`, `1000` prints `1k`). */
export function quantityString(value: string | number): string {
  return formatQuantity(parseExact(value));
}

/**
 * The reason to evict `pod` for its local storage, as the message upstream gives it, or undefined when it is
 * within its limits. `stats` must carry the pod's storage stats (volumeStats, ephemeralStorage, containers'
 * rootfs and logs); without them nothing is exceeded. `dedicatedImageFs`: the container's rootfs is not
 * counted against its own limit.
 */
export function localStorageViolation(pod: Pod, stats: PodStats, dedicatedImageFs: boolean): string | undefined {
  // emptyDirLimitEviction
  const used = new Map((stats.volumeStats ?? []).map((v) => [v.name, v.usedBytes]));
  for (const v of pod.spec.volumes ?? []) {
    if (!v.emptyDir || v.emptyDir.sizeLimit === undefined) continue;
    const size = parseQuantity(v.emptyDir.sizeLimit);
    const u = used.get(v.name);
    if (u !== undefined && size > 0 && u > size) return `Usage of EmptyDir volume "${v.name}" exceeds the limit "${quantityString(v.emptyDir.sizeLimit)}". `;
  }
  // podEphemeralStorageLimitEviction
  const podLimit = podResourceQuantity(pod, 'ephemeral-storage', 'limits');
  if (podLimit !== undefined && (stats.ephemeralStorage?.usedBytes ?? 0) > podLimit.value) {
    return `Pod ephemeral local storage usage exceeds the total limit of containers ${podLimit.text}. `;
  }
  // containerEphemeralStorageLimitEviction (app containers only, as upstream)
  for (const cs of stats.containers) {
    const c = pod.spec.containers.find((x) => x.name === cs.name);
    const limit = c?.resources?.limits?.['ephemeral-storage'];
    if (limit === undefined || parseQuantity(limit) === 0) continue;
    const usage = (cs.logs?.usedBytes ?? 0) + (dedicatedImageFs ? 0 : (cs.rootfs?.usedBytes ?? 0));
    if (usage > parseQuantity(limit)) return `Container ${cs.name} exceeded its local ephemeral storage limit "${quantityString(limit)}". `;
  }
  return undefined;
}
