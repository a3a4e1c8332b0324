/**
 * The storage.k8s.io/v1 storageclasses strategy: defaulting, validation, and the NAME PROVISIONER RECLAIMPOLICY
 * VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE table with `(default)` after the default class's name.
 *
 * Mirrors `pkg/registry/storage/storageclass/strategy.go`, `pkg/apis/storage/v1/defaults.go` SetDefaults_StorageClass
 * and `pkg/printers/internalversion/printers.go` printStorageClass at v1.32.
 */
import { translateTimestampSince } from '../../api/duration.js';
import { isDefaultStorageClass, type StorageClass } from '../../api/storage.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';
import { validateStorageClass, validateStorageClassUpdate } from './validation.js';

/** Discovery facts of storage.k8s.io/v1 storageclasses. */
export const storageClassInfo: ResourceInfo = {
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'storageclasses',
  singular: 'storageclass',
  kind: 'StorageClass',
  namespaced: false,
  shortNames: ['sc'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/** SetDefaults_StorageClass: reclaimPolicy Delete, volumeBindingMode Immediate. */
export function defaultStorageClassFields(sc: StorageClass): void {
  sc.reclaimPolicy ||= 'Delete';
  sc.volumeBindingMode ||= 'Immediate';
}

/** The storage.k8s.io/v1 storageclasses Strategy. */
export const storageClassStrategy: Strategy<StorageClass> = {
  info: storageClassInfo,
  prepareForCreate: defaultStorageClassFields,
  prepareForUpdate: defaultStorageClassFields,
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
      column('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
      column('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'),
      column('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
      AGE_COLUMN,
    ],
    cells: (sc, now) => [
      isDefaultStorageClass(sc) ? `${sc.metadata.name ?? ''} (default)` : (sc.metadata.name ?? ''),
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      sc.allowVolumeExpansion ?? false,
      translateTimestampSince(sc.metadata.creationTimestamp, now),
    ],
  },
};
