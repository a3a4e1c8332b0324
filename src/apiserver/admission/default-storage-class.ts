/**
 * The DefaultStorageClass admission plugin: a PersistentVolumeClaim created without a class (no `storageClassName`,
 * no beta annotation) gets the default StorageClass, the newest one marked `storageclass.kubernetes.io/is-default-class`;
 * an explicit `storageClassName: ""` asks for none and is left alone.
 *
 * Mirrors kube-apiserver `plugin/pkg/admission/storage/storageclass/setdefault/admission.go` (Admit on create) with
 * `pkg/volume/util/storageclass.go` GetDefaultClass.
 */
import { BETA_STORAGE_CLASS_ANNOTATION, defaultStorageClass, type PersistentVolumeClaim } from '../../api/storage.js';
import type { KubeObject } from '../../api/types.js';
import type { AdmissionAttributes } from '../resource-handler.js';

/** What the plugin reads: every StorageClass (its lister). */
export interface DefaultStorageClassDeps {
  listStorageClasses(): Promise<KubeObject[]>;
}

/** The plugin: sets the default class on a claim being created, in place. */
export function defaultStorageClassAdmission(deps: DefaultStorageClassDeps): (a: AdmissionAttributes) => Promise<void> {
  return async (a) => {
    if (a.group !== '' || a.resource !== 'persistentvolumeclaims' || a.subresource !== '' || a.operation !== 'CREATE') return;
    const pvc = a.object as PersistentVolumeClaim;
    if (pvc.spec?.storageClassName !== undefined && pvc.spec.storageClassName !== null) return;
    if (pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined) return;
    const def = defaultStorageClass(await deps.listStorageClasses());
    if (!def) return;
    (pvc.spec ??= {}).storageClassName = def.metadata.name ?? '';
  };
}
