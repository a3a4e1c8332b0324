/**
 * The scheduler's VolumeBinding plugin for one node: whether a pod's claims let it run there, and what to write first —
 * a static volume reserved for a WaitForFirstConsumer claim (its claimRef), or the `volume.kubernetes.io/selected-node`
 * annotation that tells the claim's provisioner where to create the volume. The pod is bound only once every claim is.
 *
 * Mirrors `pkg/scheduler/framework/plugins/volumebinding` (PreFilter: missing or deleted claims, unbound Immediate
 * claims; Filter: node affinity of bound volumes, FindPodVolumes; PreBind: BindPodVolumes then waiting for the PV
 * controller) with upstream's failure reasons.
 */
import type { NodeFacts } from '../api/node-selector.js';
import {
  BIND_COMPLETED_ANNOTATION,
  BOUND_BY_CONTROLLER_ANNOTATION,
  persistentVolumeClaimClass,
  SELECTED_NODE_ANNOTATION,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type StorageClass,
  claimReference,
} from '../api/storage.js';
import type { Pod } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import { findMatchingVolume, isVolumeBoundToClaim, volumeFitsNode } from './persistentvolume/matching.js';
import { resourcePath, RESOURCES } from '../api/paths.js';

/** What the plugin reads (the scheduler's listers). */
export interface VolumeLookup {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  volumes(): PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
}

/** The plugin's verdict for a pod on a node. */
export type VolumeBindingPlan =
  /** Every claim is bound to a volume that fits the node: bind the pod. */
  | { status: 'bound' }
  /** The pod cannot run on the node: `reason` for the FailedScheduling message; PreFilter reasons are not counted per node. */
  | { status: 'unschedulable'; reason: string; preFilter: boolean }
  /** Writes to make before the pod may be bound (static reservations, selected-node annotations). */
  | { status: 'bind'; reserve: { pv: PersistentVolume; pvc: PersistentVolumeClaim }[]; provision: PersistentVolumeClaim[] }
  /** Reservations and provisioning are under way: wait for the PV controller and the provisioner. */
  | { status: 'waiting' };

/** The provisioner of statically provisioned classes (no dynamic provisioning). */
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** isPVCFullyBound: the claim names its volume and the PV controller finished binding it. */
function fullyBound(pvc: PersistentVolumeClaim): boolean {
  return Boolean(pvc.spec?.volumeName) && pvc.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] !== undefined;
}

/** Plans the volume binding of `pod` on `node`. Pure: reads only `lookup`. */
export function planVolumeBinding(pod: Pod, node: NodeFacts, lookup: VolumeLookup): VolumeBindingPlan {
  const ns = pod.metadata.namespace ?? 'default';
  const claims: PersistentVolumeClaim[] = [];
  for (const v of pod.spec.volumes ?? []) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const pvc = lookup.claim(ns, name);
    if (!pvc) return { status: 'unschedulable', reason: `persistentvolumeclaim "${name}" not found`, preFilter: true };
    if (pvc.metadata.deletionTimestamp) return { status: 'unschedulable', reason: `persistentvolumeclaim "${name}" is being deleted`, preFilter: true };
    if (!claims.includes(pvc)) claims.push(pvc);
  }
  const unbound: PersistentVolumeClaim[] = [];
  for (const pvc of claims) {
    if (fullyBound(pvc)) {
      const pv = lookup.volume(pvc.spec?.volumeName ?? '');
      if (!pv) return { status: 'unschedulable', reason: 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)', preFilter: false };
      if (!volumeFitsNode(pv, node)) return { status: 'unschedulable', reason: 'node(s) had volume node affinity conflict', preFilter: false };
      continue;
    }
    const cls = lookup.storageClass(persistentVolumeClaimClass(pvc));
    if (cls?.volumeBindingMode !== 'WaitForFirstConsumer') return { status: 'unschedulable', reason: 'pod has unbound immediate PersistentVolumeClaims', preFilter: true };
    unbound.push(pvc);
  }
  if (unbound.length === 0) return { status: 'bound' };

  const reserve: { pv: PersistentVolume; pvc: PersistentVolumeClaim }[] = [];
  const provision: PersistentVolumeClaim[] = [];
  let inProgress = false;
  const taken = new Set<string>();
  for (const pvc of unbound) {
    const available = lookup.volumes().filter((pv) => !taken.has(pv.metadata.name ?? ''));
    const pv = findMatchingVolume(pvc, available, node, true);
    if (pv) {
      taken.add(pv.metadata.name ?? '');
      if (isVolumeBoundToClaim(pv, pvc) && pv.spec?.claimRef?.uid) inProgress = true;
      else reserve.push({ pv, pvc });
      continue;
    }
    const selected = pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    const cls = lookup.storageClass(persistentVolumeClaimClass(pvc));
    if (!cls || cls.provisioner === NO_PROVISIONER) return { status: 'unschedulable', reason: "node(s) didn't find available persistent volumes to bind", preFilter: false };
    if (selected === node.name) inProgress = true;
    else provision.push(pvc);
  }
  if (reserve.length > 0 || provision.length > 0) return { status: 'bind', reserve, provision };
  return inProgress ? { status: 'waiting' } : { status: 'bound' };
}

/** Where the writes' answers go (the scheduler's caches), so the next plan sees them before the informers do. */
export interface WrittenObjects {
  volume(pv: PersistentVolume): void;
  claim(pvc: PersistentVolumeClaim): void;
}

/**
 * BindPodVolumes' API writes for a `bind` plan: each reserved volume gets a claimRef to its claim (and the
 * bound-by-controller annotation), each claim to provision the selected-node annotation. Throws on API errors.
 */
export async function writeVolumeBindings(
  client: ApiClient,
  plan: Extract<VolumeBindingPlan, { status: 'bind' }>,
  nodeName: string,
  written: WrittenObjects,
): Promise<void> {
  for (const { pv, pvc } of plan.reserve) {
    const next = structuredClone(pv);
    next.metadata.annotations = { ...next.metadata.annotations, [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' };
    (next.spec ??= {}).claimRef = claimReference(pvc);
    written.volume(await client.update<PersistentVolume>(resourcePath(RESOURCES.persistentvolumes, { name: pv.metadata.name ?? '' }), next));
  }
  for (const pvc of plan.provision) {
    const pvcWritten = await client.patch<PersistentVolumeClaim>(
      resourcePath(RESOURCES.persistentvolumeclaims, { namespace: pvc.metadata.namespace ?? '', name: pvc.metadata.name ?? '' }),
      { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } } },
      'merge',
    );
    written.claim(pvcWritten);
  }
}
