/**
 * The core/v1 persistentvolumeclaims strategy: defaulting, the pvc-protection
 * finalizer, validation, status/spec separation, and the NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS
 * VOLUMEATTRIBUTESCLASS AGE table (VOLUMEMODE with -o wide).
 *
 * Mirrors `pkg/registry/core/persistentvolumeclaim/strategy.go`, `pkg/apis/core/v1/defaults.go`
 * SetDefaults_PersistentVolumeClaim, the StorageObjectInUseProtection admission plugin (always on, as in
 * kube-apiserver; DefaultStorageClass is src/apiserver/admission/default-storage-class.ts), and
 * `pkg/printers/internalversion/printers.go` printPersistentVolumeClaim at v1.32.
 */
import { translateTimestampSince } from '../../api/duration.js';
import {
  accessModesAsString,
  persistentVolumeClaimClass,
  PVC_PROTECTION_FINALIZER,
  type PersistentVolumeClaim,
} from '../../api/storage.js';
import { ensureFinalizer, keepStoredSpec } from '../spec-status.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';
import { validatePersistentVolumeClaim, validatePersistentVolumeClaimStatusUpdate, validatePersistentVolumeClaimUpdate } from './validation.js';

/** Discovery facts of core/v1 persistentvolumeclaims. */
export const persistentVolumeClaimInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  kind: 'PersistentVolumeClaim',
  namespaced: true,
  shortNames: ['pvc'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status'],
};

/** SetDefaults_PersistentVolumeClaim: volumeMode Filesystem. */
export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  (pvc.spec ??= {}).volumeMode ??= 'Filesystem';
}

/** The core/v1 persistentvolumeclaims Strategy. */
export const persistentVolumeClaimStrategy: Strategy<PersistentVolumeClaim> = {
  info: persistentVolumeClaimInfo,
  prepareForCreate(pvc) {
    defaultPersistentVolumeClaim(pvc);
    // StorageObjectInUseProtection: a claim in use by a pod is not removed until the pod is gone.
    ensureFinalizer(pvc, PVC_PROTECTION_FINALIZER);
    pvc.status = { phase: 'Pending' };
  },
  prepareForUpdate(pvc, old) {
    defaultPersistentVolumeClaim(pvc);
    pvc.status = old.status ?? { phase: 'Pending' };
  },
  validate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  prepareForStatusUpdate: keepStoredSpec,
  validateStatusUpdate: validatePersistentVolumeClaimStatusUpdate,
  returnDeletedObject: true,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
      column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
      column('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'),
      column('StorageClass', 'string', 'StorageClass of the pvc'),
      column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
      AGE_COLUMN,
      column('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', 1),
    ],
    cells: (pvc, now) => {
      const bound = Boolean(pvc.spec?.volumeName);
      return [
        pvc.metadata.name ?? '',
        pvc.metadata.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? ''),
        pvc.spec?.volumeName ?? '',
        bound ? String(pvc.status?.capacity?.['storage'] ?? '0') : '',
        bound ? accessModesAsString(pvc.status?.accessModes) : '',
        persistentVolumeClaimClass(pvc),
        pvc.spec?.volumeAttributesClassName ?? '<unset>',
        translateTimestampSince(pvc.metadata.creationTimestamp, now),
        pvc.spec?.volumeMode ?? '<unset>',
      ];
    },
  },
};
