/**
 * Finding the PersistentVolume for a claim: the smallest Available volume of the claim's class whose capacity, access
 * modes, volume mode, labels (selector) and node affinity fit, or the volume already pre-bound to the claim.
 *
 * Mirrors `pkg/controller/volume/persistentvolume/util` FindMatchingVolume, IsVolumeBoundToClaim and CheckAccessModes,
 * and `index.go` findByClaim (a volume must offer every access mode the claim asks for). Used by the PV controller
 * (no node: immediate binding) and by the scheduler's volume binding (the node a pod is placed on).
 */
import { labelSelectorFromSpec } from '../../api/labels.js';
import { nodeSelectorMatches, type NodeFacts } from '../../api/node-selector.js';
import { compareQuantities, isQuantity } from '../../api/quantity.js';
import {
  containsAccessModes,
  persistentVolumeClaimClass,
  persistentVolumeClass,
  type PersistentVolume,
  type PersistentVolumeClaim,
} from '../../api/storage.js';

/**
 * IsVolumeBoundToClaim: the volume's claimRef names the claim (namespace and name), with the claim's uid or none
 * (a volume the user pre-bound by name).
 */
export function isVolumeBoundToClaim(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata.name || (ref.namespace ?? '') !== (pvc.metadata.namespace ?? '')) return false;
  return !ref.uid || ref.uid === pvc.metadata.uid;
}

/** CheckVolumeModeMismatches: both default to Filesystem. */
function volumeModeMismatch(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  return (pvc.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem');
}

/** CheckNodeAffinity: a volume without node affinity fits every node. */
export function volumeFitsNode(pv: PersistentVolume, node: NodeFacts): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  return required ? nodeSelectorMatches(required, node) : true;
}

function capacityOf(pv: PersistentVolume): string | number {
  const q = pv.spec?.capacity?.['storage'];
  return q !== undefined && isQuantity(q) ? q : 0;
}

/**
 * FindMatchingVolume over `volumes` for `pvc`. With `node` (the scheduler's path) node affinity and access modes are
 * checked for every candidate; without a node and `delayBinding` (WaitForFirstConsumer, no node chosen yet) only a
 * volume pre-bound to the claim is returned, as the scheduler binds the others. Returns undefined when none fits
 * (also when the pre-bound volume does not fit the node).
 */
export function findMatchingVolume(
  pvc: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
  node: NodeFacts | undefined,
  delayBinding: boolean,
): PersistentVolume | undefined {
  const request = pvc.spec?.resources?.requests?.['storage'] ?? 0;
  const wanted = isQuantity(request) ? request : 0;
  const cls = persistentVolumeClaimClass(pvc);
  const selector = pvc.spec?.selector ? labelSelectorFromSpec(pvc.spec.selector) : undefined;
  let best: PersistentVolume | undefined;
  for (const pv of volumes) {
    if (!containsAccessModes(pv.spec?.accessModes, pvc.spec?.accessModes)) continue;
    if (compareQuantities(capacityOf(pv), wanted) < 0) continue;
    if (volumeModeMismatch(pvc, pv)) continue;
    if (pv.metadata.deletionTimestamp) continue;
    const fits = node ? volumeFitsNode(pv, node) : true;
    if (isVolumeBoundToClaim(pv, pvc)) return fits ? pv : undefined;
    if (!node && delayBinding) continue;
    if (pv.status?.phase !== 'Available' || pv.spec?.claimRef) continue;
    if (selector && !selector.matches(pv.metadata.labels)) continue;
    if (persistentVolumeClass(pv) !== cls) continue;
    if (!fits) continue;
    if (!best || compareQuantities(capacityOf(best), capacityOf(pv)) > 0) best = pv;
  }
  return best;
}
