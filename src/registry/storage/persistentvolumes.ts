/**
 * The core/v1 persistentvolumes strategy: defaulting, the pv-protection finalizer, validation, status/spec separation
 * with lastPhaseTransitionTime, and the NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS
 * VOLUMEATTRIBUTESCLASS REASON AGE table (VOLUMEMODE with -o wide).
 *
 * Mirrors `pkg/registry/core/persistentvolume/strategy.go`, `pkg/apis/core/v1/defaults.go` SetDefaults_PersistentVolume,
 * the StorageObjectInUseProtection admission plugin (PVs) and `pkg/printers/internalversion/printers.go`
 * printPersistentVolume at v1.32.
 */
import { translateTimestampSince } from '../../api/duration.js';
import { rfc3339 } from '../../api/meta.js';
import { accessModesAsString, persistentVolumeClass, PV_PROTECTION_FINALIZER, type PersistentVolume } from '../../api/storage.js';
import { ensureFinalizer, keepStoredSpec } from '../spec-status.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';
import { validatePersistentVolume, validatePersistentVolumeStatusUpdate, validatePersistentVolumeUpdate } from './validation.js';

/** Discovery facts of core/v1 persistentvolumes. */
export const persistentVolumeInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumes',
  singular: 'persistentvolume',
  kind: 'PersistentVolume',
  namespaced: false,
  shortNames: ['pv'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status'],
};

/** SetDefaults_PersistentVolume: reclaim policy Retain, volumeMode Filesystem, hostPath type ''. */
export function defaultPersistentVolume(pv: PersistentVolume): void {
  const spec = (pv.spec ??= {});
  spec.persistentVolumeReclaimPolicy ||= 'Retain';
  spec.volumeMode ??= 'Filesystem';
  if (spec.hostPath && spec.hostPath.type === undefined) spec.hostPath.type = '';
}

/** The core/v1 persistentvolumes Strategy. */
export const persistentVolumeStrategy: Strategy<PersistentVolume> = {
  info: persistentVolumeInfo,
  prepareForCreate(pv) {
    defaultPersistentVolume(pv);
    // StorageObjectInUseProtection: a Bound volume is not removed until its claim lets go.
    ensureFinalizer(pv, PV_PROTECTION_FINALIZER);
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: pv.metadata.creationTimestamp ?? rfc3339() };
  },
  prepareForUpdate(pv, old) {
    defaultPersistentVolume(pv);
    pv.status = old.status ?? {};
  },
  validate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  prepareForStatusUpdate(pv, old) {
    keepStoredSpec(pv, old);
    const status = (pv.status ??= {});
    const before = old.status ?? {};
    if (status.phase === before.phase) {
      if (status.lastPhaseTransitionTime === undefined && before.lastPhaseTransitionTime !== undefined) status.lastPhaseTransitionTime = before.lastPhaseTransitionTime;
    } else if (status.lastPhaseTransitionTime === undefined || status.lastPhaseTransitionTime === before.lastPhaseTransitionTime) {
      status.lastPhaseTransitionTime = rfc3339();
    }
  },
  validateStatusUpdate: validatePersistentVolumeStatusUpdate,
  returnDeletedObject: true,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Capacity', 'string', "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
      column('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes'),
      column('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming'),
      column('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase'),
      column('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding'),
      column('StorageClass', 'string', 'StorageClass of the pv'),
      column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
      column('Reason', 'string', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
      AGE_COLUMN,
      column('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.', 1),
    ],
    cells: (pv, now) => {
      const ref = pv.spec?.claimRef;
      return [
        pv.metadata.name ?? '',
        String(pv.spec?.capacity?.['storage'] ?? '0'),
        accessModesAsString(pv.spec?.accessModes),
        pv.spec?.persistentVolumeReclaimPolicy ?? '',
        pv.metadata.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? ''),
        ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : '',
        persistentVolumeClass(pv),
        pv.spec?.volumeAttributesClassName ?? '<unset>',
        pv.status?.reason ?? '',
        translateTimestampSince(pv.metadata.creationTimestamp, now),
        pv.spec?.volumeMode ?? '<unset>',
      ];
    },
  },
};
