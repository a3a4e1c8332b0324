/**
 * What the local-path provisioner makes of a claim: the PersistentVolume `pvc-<claim uid>` backed by the directory
 * `<base>/pvc-<uid>_<namespace>_<name>` on the selected node, and whether a claim or a volume is its to handle.
 *
 * Mirrors rancher/local-path-provisioner `provisioner.go` (provisionFor, createPersistentVolumeSource: `local` or
 * `hostPath` by the class's `defaultVolumeType` annotation or the claim's `volumeType`, node affinity on
 * `kubernetes.io/hostname`) and sig-storage-lib-external-provisioner `controller.go` (shouldProvision, shouldDelete,
 * the PV name, claimRef, class, mount options and `pv.kubernetes.io/provisioned-by`), with their error texts.
 */
import { join } from 'node:path';
import {
  BETA_STORAGE_PROVISIONER_ANNOTATION,
  persistentVolumeClaimClass,
  PROVISIONED_BY_ANNOTATION,
  SELECTED_NODE_ANNOTATION,
  STORAGE_PROVISIONER_ANNOTATION,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type PersistentVolumeSpec,
  type StorageClass,
  claimReference,
} from '../../api/storage.js';
import type { Node } from '../../api/types.js';

/** The provisioner name k3s's `local-path` class names. */
export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';

/** local-path-provisioner's annotation of the node a volume lives on. */
export const LOCAL_PATH_NODE_ANNOTATION = 'local.path.provisioner/selected-node';

/** The default class k3s deploys (manifests/local-storage.yaml). */
export function localPathStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'local-path', annotations: { defaultVolumeType: 'local', 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Delete',
  };
}

/** `pvc-<claim uid>` (the library's `getProvisionedVolumeNameForClaim`). */
export function volumeNameFor(pvc: PersistentVolumeClaim): string {
  return `pvc-${pvc.metadata.uid ?? ''}`;
}

/** `pvc-<uid>_<namespace>_<name>` under `basePath`. */
export function volumeDirFor(basePath: string, pvc: PersistentVolumeClaim): string {
  return join(basePath, `${volumeNameFor(pvc)}_${pvc.metadata.namespace ?? ''}_${pvc.metadata.name ?? ''}`);
}

/**
 * shouldProvision: an unbound claim of a class of this provisioner, annotated for it by the PV controller, with a
 * selected node when the class waits for the first consumer.
 */
export function shouldProvision(pvc: PersistentVolumeClaim, sc: StorageClass | undefined, provisioner: string): boolean {
  if (pvc.spec?.volumeName || pvc.metadata.deletionTimestamp) return false;
  if (!sc || sc.provisioner !== provisioner || persistentVolumeClaimClass(pvc) !== sc.metadata.name) return false;
  const a = pvc.metadata.annotations ?? {};
  if (a[STORAGE_PROVISIONER_ANNOTATION] !== provisioner && a[BETA_STORAGE_PROVISIONER_ANNOTATION] !== provisioner) return false;
  if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !a[SELECTED_NODE_ANNOTATION]) return false;
  return true;
}

/** shouldDelete: a Released volume this provisioner made, with reclaim policy Delete. */
export function shouldDelete(pv: PersistentVolume, provisioner: string): boolean {
  return (
    pv.status?.phase === 'Released' &&
    pv.spec?.persistentVolumeReclaimPolicy === 'Delete' &&
    pv.metadata.annotations?.[PROVISIONED_BY_ANNOTATION] === provisioner
  );
}

/** The directory of a volume this provisioner made (`local.path` or `hostPath.path`); throws `no path set`. */
export function volumePathOf(pv: PersistentVolume): string {
  const host = pv.spec?.hostPath?.path;
  const local = pv.spec?.local?.path;
  if (host !== undefined && local === undefined) return host;
  if (local !== undefined && host === undefined) return local;
  throw new Error('no path set');
}

/** The node of a volume this provisioner made: the single value of its first `In` node-affinity expression. */
export function volumeNodeOf(pv: PersistentVolume): string {
  const required = pv.spec?.nodeAffinity?.required;
  if (!pv.spec?.nodeAffinity) throw new Error('no NodeAffinity set');
  if (!required) throw new Error('no NodeAffinity.Required set');
  for (const term of required.nodeSelectorTerms ?? []) {
    for (const e of term.matchExpressions ?? []) {
      if (e.operator !== 'In') continue;
      if ((e.values ?? []).length !== 1) throw new Error('multiple values for the node affinity');
      return e.values?.[0] ?? '';
    }
  }
  throw new Error('cannot find affinited node');
}

/**
 * The volume to create for `pvc` of class `sc` on `node`, its directory under `basePath`. Throws an Error with
 * local-path-provisioner's message when the claim cannot be served (selector, access modes, no node, volume type).
 */
export function provisionedVolume(pvc: PersistentVolumeClaim, sc: StorageClass, node: Node | undefined, basePath: string, provisioner: string): PersistentVolume {
  if (pvc.spec?.selector) throw new Error('claim.Spec.Selector is not supported');
  for (const mode of pvc.spec?.accessModes ?? []) {
    if (mode !== 'ReadWriteOnce' && mode !== 'ReadWriteOncePod') throw new Error('NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes');
  }
  if (!node) throw new Error('configuration error, no node was specified');
  const nodeName = node.metadata.name ?? '';
  const requested = sc.parameters?.['nodePath'];
  if (requested !== undefined && requested !== basePath) throw new Error(`config doesn't contain path ${requested} on node ${nodeName}`);
  const path = volumeDirFor(basePath, pvc);
  const volumeType = (pvc.metadata.annotations?.['volumeType'] ?? sc.metadata.annotations?.['defaultVolumeType'] ?? 'hostPath').toLowerCase();
  const spec: PersistentVolumeSpec = {
    persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
    accessModes: [...(pvc.spec?.accessModes ?? [])],
    volumeMode: 'Filesystem',
    capacity: { storage: pvc.spec?.resources?.requests?.['storage'] ?? '0' },
  };
  if (volumeType === 'local') spec.local = { path };
  else if (volumeType === 'hostpath') spec.hostPath = { path, type: 'DirectoryOrCreate' };
  else throw new Error(`"${volumeType}" is not a recognised volume type`);
  const key = sc.parameters?.['nodeAffinityKey'] || 'kubernetes.io/hostname';
  spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values: [node.metadata.labels?.[key] ?? nodeName] }] }] } };
  // What sig-storage-lib-external-provisioner adds to the provisioner's volume.
  spec.claimRef = claimReference(pvc);
  spec.storageClassName = sc.metadata.name ?? '';
  if (sc.mountOptions?.length) spec.mountOptions = [...sc.mountOptions];
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: volumeNameFor(pvc), annotations: { [LOCAL_PATH_NODE_ANNOTATION]: nodeName, [PROVISIONED_BY_ANNOTATION]: provisioner } },
    spec,
  };
}
