/**
 * Validation of PersistentVolumes, PersistentVolumeClaims and StorageClasses with kube-apiserver's messages and
 * field paths.
 *
 * Mirrors `pkg/apis/core/validation/validation.go` (ValidatePersistentVolume[Update|StatusUpdate],
 * ValidatePersistentVolumeClaim[Update|StatusUpdate], validateVolumeNodeAffinity, ValidateNodeSelector,
 * validateLocalVolumeSource, ValidatePositiveQuantityValue) and `pkg/apis/storage/validation/validation.go`
 * (ValidateStorageClass[Update]) at v1.32, with the VolumeAttributesClass and RecoverVolumeExpansionFailure feature
 * gates off (their defaults). Immutability errors give upstream's first line without Go's cmp.Diff.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta.js';
import { compareQuantities, isQuantity, QUANTITY_FORMAT_ERROR } from '../../api/quantity.js';
import {
  BETA_STORAGE_CLASS_ANNOTATION,
  type NodeSelector,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type PersistentVolumeClaimSpec,
  type PersistentVolumeSpec,
  type StorageClass,
} from '../../api/storage.js';
import type { IntOrString } from '../../api/types.js';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../../api/validation.js';
import { validateLabelSelector } from '../apps/pod-template.js';

/** supportedAccessModes, sorted as `sets.List` sorts them. */
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const PV_RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const SC_RECLAIM_POLICIES = ['Delete', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const NODE_SELECTOR_OPERATORS = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'];
/** The volume sources of a PersistentVolumeSpec, in ValidatePersistentVolumeSpec's order. */
const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi',
  'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO',
  'local', 'storageos', 'csi',
];

/** ValidateClassName (NameIsDNSSubdomain) of a class name at `path`. */
function validateClassName(name: string, path: string): FieldError[] {
  return isDNS1123Subdomain(name).map((msg) => field.invalid(path, name, msg));
}

/** The access-mode rules shared by PV and PVC specs (supported values; ReadWriteOncePod alone). */
function validateAccessModes(modes: readonly string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) errs.push(field.notSupported(path, m, ACCESS_MODES));
    else if (m === 'ReadWriteOncePod') rwop = true;
    else other = true;
  }
  if (rwop && other) errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** ValidatePositiveQuantityValue (after a syntax check): `must be greater than zero`. */
function validatePositiveQuantity(q: IntOrString, path: string): FieldError[] {
  if (!isQuantity(q)) return [field.invalid(path, q, QUANTITY_FORMAT_ERROR)];
  return compareQuantities(q, 0) <= 0 ? [field.invalid(path, String(q), 'must be greater than zero')] : [];
}

/** ValidateNodeSelector: at least one term; each requirement's key, operator and values valid. */
export function validateNodeSelector(sel: NodeSelector, path: string): FieldError[] {
  const terms = sel.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [field.required(`${path}.nodeSelectorTerms`, 'must have at least one node selector term')];
  const errs: FieldError[] = [];
  terms.forEach((term, i) => {
    const tp = `${path}.nodeSelectorTerms[${i}]`;
    (term.matchExpressions ?? []).forEach((r, j) => {
      const p = `${tp}.matchExpressions[${j}]`;
      const values = r.values ?? [];
      switch (r.operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) errs.push(field.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length > 0) errs.push(field.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          break;
        case 'Gt':
        case 'Lt':
          if (values.length !== 1) errs.push(field.required(`${p}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
          break;
        default:
          errs.push(field.notSupported(`${p}.operator`, r.operator, NODE_SELECTOR_OPERATORS));
      }
      for (const msg of isQualifiedName(r.key ?? '')) errs.push(field.invalid(`${p}.key`, r.key ?? '', msg));
      values.forEach((v, k) => {
        for (const msg of isValidLabelValue(v)) errs.push(field.invalid(`${p}.values[${k}]`, v, msg));
      });
    });
    (term.matchFields ?? []).forEach((r, j) => {
      const p = `${tp}.matchFields[${j}]`;
      if (r.key !== 'metadata.name') errs.push(field.invalid(`${p}.key`, r.key, 'not a valid field selector key'));
      if (r.operator !== 'In' && r.operator !== 'NotIn') errs.push(field.notSupported(`${p}.operator`, r.operator, ['In', 'NotIn']));
      if ((r.values ?? []).length !== 1) errs.push(field.required(`${p}.values`, 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
    });
  });
  return errs;
}

function validateSource(spec: PersistentVolumeSpec, key: string, path: string): FieldError[] {
  switch (key) {
    case 'hostPath': {
      const hp = spec.hostPath;
      if (!hp?.path) return [field.required(`${path}.path`)];
      const errs: FieldError[] = hp.path.split('/').includes('..') ? [field.invalid(`${path}.path`, hp.path, "must not contain '..'")] : [];
      if (hp.type !== undefined && !HOST_PATH_TYPES.includes(hp.type)) errs.push(field.notSupported(`${path}.type`, hp.type, HOST_PATH_TYPES));
      return errs;
    }
    case 'local': {
      const p = spec.local?.path ?? '';
      if (!p) return [field.required(`${path}.path`)];
      return p.split('/').includes('..') ? [field.invalid(`${path}.path`, p, "must not contain '..'")] : [];
    }
    default:
      return [];
  }
}

/** ValidatePersistentVolumeSpec (not inline): access modes, capacity, reclaim policy, node affinity, one source, class, mode. */
export function validatePersistentVolumeSpec(spec: PersistentVolumeSpec | undefined, path = 'spec'): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const modes = s.accessModes ?? [];
  if (modes.length === 0) errs.push(field.required(`${path}.accessModes`));
  errs.push(...validateAccessModes(modes, `${path}.accessModes`));
  const capacity = s.capacity ?? {};
  const resources = Object.keys(capacity);
  if (resources.length === 0) errs.push(field.required(`${path}.capacity`));
  if (!('storage' in capacity) || resources.length > 1) {
    errs.push(field.notSupported(`${path}.capacity`, new field.GoValue(goResourceList(capacity)), ['storage']));
  }
  for (const [r, q] of Object.entries(capacity)) errs.push(...validatePositiveQuantity(q, `${path}.capacity[${r}]`));
  const policy = s.persistentVolumeReclaimPolicy;
  if (policy && !PV_RECLAIM_POLICIES.includes(policy)) errs.push(field.notSupported(`${path}.persistentVolumeReclaimPolicy`, policy, PV_RECLAIM_POLICIES));
  let affinity = false;
  if (s.nodeAffinity) {
    affinity = true;
    if (s.nodeAffinity.required) errs.push(...validateNodeSelector(s.nodeAffinity.required, `${path}.nodeAffinity.required`));
    else errs.push(field.required(`${path}.nodeAffinity.required`, 'must specify required node constraints'));
  }
  let n = 0;
  for (const key of PV_SOURCES) {
    if (s[key] === undefined || s[key] === null) continue;
    if (n > 0 && key !== 'flexVolume') {
      errs.push(field.forbidden(`${path}.${key}`, 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    errs.push(...validateSource(s, key, `${path}.${key}`));
    if (key === 'local' && !affinity) errs.push(field.required(`${path}.nodeAffinity`, 'Local volume requires node affinity'));
  }
  if (n === 0) errs.push(field.required(path, 'must specify a volume type'));
  if (s.hostPath && s.hostPath.path.replace(/\/+$/, '') === '' && policy === 'Recycle') {
    errs.push(field.forbidden(`${path}.persistentVolumeReclaimPolicy`, "may not be 'recycle' for a hostPath mount of '/'"));
  }
  if (s.storageClassName) errs.push(...validateClassName(s.storageClassName, `${path}.storageClassName`));
  if (s.volumeMode !== undefined && !VOLUME_MODES.includes(s.volumeMode)) errs.push(field.notSupported(`${path}.volumeMode`, s.volumeMode, VOLUME_MODES));
  return errs;
}

/** Go's `%v` of a ResourceList (`map[storage:{...}]` is what upstream prints; k1s prints `map[storage:1Gi]`). */
function goResourceList(list: Record<string, IntOrString>): string {
  return `map[${Object.keys(list).sort().map((k) => `${k}:${String(list[k])}`).join(' ')}]`;
}

/** ValidatePersistentVolume: metadata (cluster-scoped, DNS subdomain name) and spec. */
export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  return [...validateObjectMeta(pv.metadata, false, nameIsDNSSubdomain), ...validatePersistentVolumeSpec(pv.spec)];
}

const PV_SPEC_FIELDS = new Set([
  'capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'volumeMode', 'nodeAffinity',
  'volumeAttributesClassName',
]);

/** The volume source of a PV spec: every field that is not one of PersistentVolumeSpec's own. */
function pvSource(spec: PersistentVolumeSpec | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !PV_SPEC_FIELDS.has(k)));
}

/** ValidatePersistentVolumeUpdate: the volume source and volumeMode are immutable; node affinity only set once. */
export function validatePersistentVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pv.metadata, old.metadata), ...validatePersistentVolumeSpec(pv.spec)];
  if (!field.deepEqual(pvSource(pv.spec), pvSource(old.spec))) {
    errs.push(field.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  errs.push(...field.validateImmutableField(pv.spec?.volumeMode, old.spec?.volumeMode, 'volumeMode'));
  if (old.spec?.nodeAffinity && !field.deepEqual(pv.spec?.nodeAffinity, old.spec.nodeAffinity)) {
    errs.push(field.invalid('nodeAffinity.required', new field.GoValue('core.NodeSelector{...}'), field.FIELD_IMMUTABLE));
  }
  return errs;
}

/** ValidatePersistentVolumeStatusUpdate: metadata only. */
export function validatePersistentVolumeStatusUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  return validateObjectMetaUpdate(pv.metadata, old.metadata);
}

/** ValidatePersistentVolumeClaimSpec: access modes, selector, storage request, class, mode, data sources. */
export function validatePersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec | undefined, path = 'spec'): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const modes = s.accessModes ?? [];
  if (modes.length === 0) errs.push(field.required(`${path}.accessModes`, 'at least 1 access mode is required'));
  if (s.selector) errs.push(...validateLabelSelector(s.selector as Parameters<typeof validateLabelSelector>[0], `${path}.selector`));
  errs.push(...validateAccessModes(modes, `${path}.accessModes`));
  const storage = s.resources?.requests?.['storage'];
  const sp = `${path}.resources[storage]`;
  if (storage === undefined) errs.push(field.required(sp));
  else errs.push(...validatePositiveQuantity(storage, sp));
  if (s.storageClassName) errs.push(...validateClassName(s.storageClassName, `${path}.storageClassName`));
  if (s.volumeMode !== undefined && !VOLUME_MODES.includes(s.volumeMode)) errs.push(field.notSupported(`${path}.volumeMode`, s.volumeMode, VOLUME_MODES));
  for (const [key, ref] of [['dataSource', s.dataSource], ['dataSourceRef', s.dataSourceRef]] as const) {
    if (!ref) continue;
    const p = `${path}.${key}`;
    if (!ref.name) errs.push(field.required(`${p}.name`));
    if (!ref.kind) errs.push(field.required(`${p}.kind`));
    if (!ref.apiGroup && ref.kind !== 'PersistentVolumeClaim') errs.push(field.invalid(p, ref.kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
    if (ref.apiGroup) for (const msg of isDNS1123Subdomain(ref.apiGroup)) errs.push(field.invalid(`${p}.apiGroup`, ref.apiGroup, msg));
  }
  return errs;
}

/** ValidatePersistentVolumeClaim: metadata (namespaced, DNS subdomain name) and spec. */
export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  return [...validateObjectMeta(pvc.metadata, true, nameIsDNSSubdomain), ...validatePersistentVolumeClaimSpec(pvc.spec)];
}

/**
 * ValidatePersistentVolumeClaimUpdate: the spec is immutable except volumeName (set once), the storage request of a
 * bound claim (never below its old value) and a storageClassName set from nil; volumeMode immutable.
 */
export function validatePersistentVolumeClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pvc.metadata, old.metadata), ...validatePersistentVolumeClaimSpec(pvc.spec)];
  const now = structuredClone(pvc.spec ?? {});
  const before = structuredClone(old.spec ?? {});
  if (!before.volumeName) {
    if (now.volumeName === undefined) delete before.volumeName;
    else before.volumeName = now.volumeName;
  }
  const oldBeta = old.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  const newBeta = pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (oldBeta !== newBeta) errs.push(field.invalid(`metadata.annotations[${BETA_STORAGE_CLASS_ANNOTATION}]`, newBeta ?? '', field.FIELD_IMMUTABLE));
  if (before.storageClassName === undefined && now.storageClassName !== undefined && (oldBeta === undefined || oldBeta === now.storageClassName)) {
    before.storageClassName = now.storageClassName;
  }
  if (pvc.status?.phase === 'Bound' && now.resources?.requests && before.resources?.requests?.['storage'] !== undefined) {
    now.resources.requests['storage'] = before.resources.requests['storage'];
  }
  if (!field.deepEqual(now, before)) {
    errs.push(field.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const oldSize = old.spec?.resources?.requests?.['storage'];
  const newSize = pvc.spec?.resources?.requests?.['storage'];
  if (oldSize !== undefined && newSize !== undefined && isQuantity(oldSize) && isQuantity(newSize) && compareQuantities(newSize, oldSize) < 0) {
    errs.push(field.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  errs.push(...field.validateImmutableField(pvc.spec?.volumeMode, old.spec?.volumeMode, 'volumeMode'));
  return errs;
}

/** ValidatePersistentVolumeClaimStatusUpdate: metadata, access modes present, capacity non-negative. */
export function validatePersistentVolumeClaimStatusUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs = validateObjectMetaUpdate(pvc.metadata, old.metadata);
  if ((pvc.spec?.accessModes ?? []).length === 0) errs.push(field.required('Spec.accessModes'));
  for (const [r, q] of Object.entries(pvc.status?.capacity ?? {})) {
    const p = `status.capacity[${r}]`;
    if (!isQuantity(q)) errs.push(field.invalid(p, q, QUANTITY_FORMAT_ERROR));
    else if (compareQuantities(q, 0) < 0) errs.push(field.invalid(p, String(q), 'must be a valid resource quantity'));
  }
  return errs;
}

/** ValidateStorageClass: metadata, provisioner, parameters, reclaim policy, binding mode, allowed topologies. */
export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, false, nameIsDNSSubdomain);
  if (!sc.provisioner) errs.push(field.required('provisioner', ''));
  else for (const msg of isQualifiedName(sc.provisioner.toLowerCase())) errs.push(field.invalid('provisioner', sc.provisioner, msg));
  const params = Object.entries(sc.parameters ?? {});
  if (params.length > 512) errs.push(field.tooLong('parameters', 512));
  else {
    let size = 0;
    for (const [k, v] of params) {
      if (k.length < 1) errs.push(field.invalid('parameters', k, 'field can not be empty.'));
      size += k.length + v.length;
    }
    if (size > 256 * 1024) errs.push(field.tooLong('parameters', 256 * 1024));
  }
  if (sc.reclaimPolicy && !SC_RECLAIM_POLICIES.includes(sc.reclaimPolicy)) errs.push(field.notSupported('reclaimPolicy', sc.reclaimPolicy, SC_RECLAIM_POLICIES));
  if (sc.volumeBindingMode === undefined) errs.push(field.required('volumeBindingMode', ''));
  else if (!BINDING_MODES.includes(sc.volumeBindingMode)) errs.push(field.notSupported('volumeBindingMode', sc.volumeBindingMode, BINDING_MODES));
  (sc.allowedTopologies ?? []).forEach((term, i) => {
    (term.matchLabelExpressions ?? []).forEach((e, j) => {
      const p = `allowedTopologies[${i}].matchLabelExpressions[${j}]`;
      for (const msg of isQualifiedName(e.key ?? '')) errs.push(field.invalid(`${p}.key`, e.key ?? '', msg));
      if ((e.values ?? []).length === 0) errs.push(field.required(`${p}.values`, 'must specify as least one value'));
    });
  });
  return errs;
}

/** ValidateStorageClassUpdate: parameters, provisioner, reclaimPolicy and volumeBindingMode are immutable. */
export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sc.metadata, old.metadata), ...validateStorageClass(sc).filter((e) => !e.field.startsWith('metadata.'))];
  if (!field.deepEqual(sc.parameters ?? {}, old.parameters ?? {})) errs.push(field.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) errs.push(field.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(field.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...field.validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}
