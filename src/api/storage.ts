/**
 * core/v1 PersistentVolume and PersistentVolumeClaim, storage.k8s.io/v1 StorageClass: the object shapes and the
 * well-known annotations shared by the registry, the PV controller, the local-path provisioner, the scheduler's
 * volume binding and the kubelet.
 *
 * Mirrors k8s.io/api `core/v1/types.go` (PersistentVolume*, VolumeNodeAffinity, NodeSelector) and
 * `storage/v1/types.go` (StorageClass) at v1.32, and the annotation names of
 * `pkg/controller/volume/persistentvolume/util` and `pkg/apis/storage/util`.
 */
import type { LabelSelectorSpec } from './labels.js';
import type { HostPathType, IntOrString, KubeObject, ObjectReference } from './types.js';

/** `spec.accessModes[]` values (`GetAccessModesAsString` abbreviates them RWO, ROX, RWX, RWOP). */
export type PersistentVolumeAccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

/** `spec.persistentVolumeReclaimPolicy` of a PV, `reclaimPolicy` of a StorageClass. */
export type PersistentVolumeReclaimPolicy = 'Retain' | 'Delete' | 'Recycle';

/** `status.phase` of a PV. */
export type PersistentVolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';

/** `status.phase` of a PVC. */
export type PersistentVolumeClaimPhase = 'Pending' | 'Bound' | 'Lost';

/** `volumeBindingMode` of a StorageClass. */
export type VolumeBindingMode = 'Immediate' | 'WaitForFirstConsumer';

/** core/v1 NodeSelectorRequirement (operators In, NotIn, Exists, DoesNotExist, Gt, Lt). */
export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** core/v1 NodeSelectorTerm: the AND of its requirements. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** core/v1 NodeSelector: the OR of its terms. */
export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

/** core/v1 VolumeNodeAffinity. */
export interface VolumeNodeAffinity {
  required?: NodeSelector;
}

/** core/v1 PersistentVolumeSpec (the sources k1s mounts are typed; others are stored as given). */
export interface PersistentVolumeSpec {
  /** `{ storage: "1Gi" }`. */
  capacity?: Record<string, IntOrString>;
  accessModes?: PersistentVolumeAccessMode[];
  claimRef?: ObjectReference;
  persistentVolumeReclaimPolicy?: PersistentVolumeReclaimPolicy;
  storageClassName?: string;
  mountOptions?: string[];
  volumeMode?: 'Filesystem' | 'Block';
  nodeAffinity?: VolumeNodeAffinity;
  volumeAttributesClassName?: string;
  hostPath?: { path: string; type?: HostPathType };
  local?: { path: string; fsType?: string };
  [source: string]: unknown;
}

/** core/v1 PersistentVolumeStatus. */
export interface PersistentVolumeStatus {
  phase?: PersistentVolumePhase;
  message?: string;
  reason?: string;
  lastPhaseTransitionTime?: string;
}

/** core/v1 PersistentVolume (cluster-scoped). */
export interface PersistentVolume extends KubeObject {
  spec?: PersistentVolumeSpec;
  status?: PersistentVolumeStatus;
}

/** core/v1 PersistentVolumeClaimSpec. */
export interface PersistentVolumeClaimSpec {
  accessModes?: PersistentVolumeAccessMode[];
  selector?: LabelSelectorSpec;
  resources?: { requests?: Record<string, IntOrString>; limits?: Record<string, IntOrString> };
  volumeName?: string;
  /** Absent: the DefaultStorageClass admission sets the default class; `""`: no class (static PVs without one). */
  storageClassName?: string;
  volumeMode?: 'Filesystem' | 'Block';
  dataSource?: { apiGroup?: string; kind: string; name: string };
  dataSourceRef?: { apiGroup?: string; kind: string; name: string; namespace?: string };
  volumeAttributesClassName?: string;
}

/** core/v1 PersistentVolumeClaimCondition. */
export interface PersistentVolumeClaimCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

/** core/v1 PersistentVolumeClaimStatus. */
export interface PersistentVolumeClaimStatus {
  phase?: PersistentVolumeClaimPhase;
  accessModes?: PersistentVolumeAccessMode[];
  capacity?: Record<string, IntOrString>;
  conditions?: PersistentVolumeClaimCondition[];
  [extra: string]: unknown;
}

/** core/v1 PersistentVolumeClaim. */
export interface PersistentVolumeClaim extends KubeObject {
  spec?: PersistentVolumeClaimSpec;
  status?: PersistentVolumeClaimStatus;
}

/** storage.k8s.io/v1 StorageClass (cluster-scoped; no spec: its fields sit at the top level). */
export interface StorageClass extends KubeObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: 'Retain' | 'Delete';
  mountOptions?: string[];
  allowVolumeExpansion?: boolean;
  volumeBindingMode?: VolumeBindingMode;
  allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[];
}

/** Marks the default StorageClass (value `"true"`); storageutil.IsDefaultAnnotation. */
export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** The beta form of {@link IS_DEFAULT_CLASS_ANNOTATION}, still honoured. */
export const BETA_IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
/** The deprecated class annotation of PVs and PVCs, read before `storageClassName`. */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
/** Set on a PVC by the scheduler: the node the first consumer was scheduled to (WaitForFirstConsumer). */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** Set on a PVC by the PV controller: which external provisioner is to provision it. */
export const STORAGE_PROVISIONER_ANNOTATION = 'volume.kubernetes.io/storage-provisioner';
/** The beta form of {@link STORAGE_PROVISIONER_ANNOTATION}, set alongside it. */
export const BETA_STORAGE_PROVISIONER_ANNOTATION = 'volume.beta.kubernetes.io/storage-provisioner';
/** Set on a PV by its provisioner: the provisioner's name. */
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
/** Set on a PVC once the PV controller finished binding it (`yes`). */
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
/** Set on a PVC (and PV) bound by the controller rather than by the user (`yes`). */
export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';
/** The StorageObjectInUseProtection finalizer of PVCs (removed once no pod uses the claim). */
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
/** The StorageObjectInUseProtection finalizer of PVs (removed once the volume is not Bound). */
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

/** True when `sc` is marked default by either annotation (storageutil.IsDefaultAnnotation). */
export function isDefaultStorageClass(sc: KubeObject): boolean {
  const a = sc.metadata.annotations ?? {};
  return a[IS_DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_IS_DEFAULT_CLASS_ANNOTATION] === 'true';
}

/**
 * The default StorageClass among `classes` (storageutil GetDefaultClass, used by the
 * DefaultStorageClass admission and the PV controller): of those marked default, the newest by
 * creationTimestamp, ties broken by name; undefined when none is marked.
 */
export function defaultStorageClass(classes: readonly KubeObject[]): StorageClass | undefined {
  const defaults = classes.filter(isDefaultStorageClass) as StorageClass[];
  defaults.sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  return defaults[0];
}

/** The class of a PV: the beta annotation first, then `spec.storageClassName`, else '' (GetPersistentVolumeClass). */
export function persistentVolumeClass(pv: PersistentVolume): string {
  const beta = pv.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (beta !== undefined) return beta;
  return pv.spec?.storageClassName ?? '';
}

/** The class a PVC asks for: the beta annotation first, then `spec.storageClassName`, else '' (GetPersistentVolumeClaimClass). */
export function persistentVolumeClaimClass(pvc: PersistentVolumeClaim): string {
  const beta = pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (beta !== undefined) return beta;
  return pvc.spec?.storageClassName ?? '';
}

const MODE_ABBREVIATIONS: [PersistentVolumeAccessMode, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** `RWO,ROX`: the modes present, deduplicated, in the fixed order of GetAccessModesAsString. */
export function accessModesAsString(modes: readonly string[] | undefined): string {
  const set = new Set(modes ?? []);
  return MODE_ABBREVIATIONS.filter(([m]) => set.has(m)).map(([, abbr]) => abbr).join(',');
}

/** True when `have` contains every mode of `want` (volume_util CheckAccessModes). */
export function containsAccessModes(have: readonly string[] | undefined, want: readonly string[] | undefined): boolean {
  const set = new Set(have ?? []);
  return (want ?? []).every((m) => set.has(m));
}

/**
 * The `spec.claimRef` of a volume bound (or reserved, or provisioned) for `pvc`: kind, namespace, name, uid,
 * apiVersion and resourceVersion of the claim (`reference.GetReference` as the PV controller, the scheduler's
 * VolumeBinding plugin and external provisioners write it).
 */
export function claimReference(pvc: PersistentVolumeClaim): ObjectReference {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: pvc.metadata.namespace ?? '',
    name: pvc.metadata.name ?? '',
    uid: pvc.metadata.uid ?? '',
    apiVersion: 'v1',
    resourceVersion: pvc.metadata.resourceVersion ?? '',
  };
}
