/**
 * Validation of pod volumes and container volumeMounts, with kube's messages and field paths.
 *
 * Mirrors `pkg/apis/core/validation/validation.go` ValidateVolumes, validateVolumeSource,
 * validateHostPathVolumeSource, validateConfigMapVolumeSource, validateSecretVolumeSource,
 * validateKeyToPath, validateDownwardAPIVolumeSource, ValidateVolumeMounts, validateLocalDescendingPath
 * and validateMountPropagation.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { isQuantity, parseQuantity, QUANTITY_FORMAT_ERROR } from '../../api/quantity.js';
import type { Container, KeyToPath, Volume } from '../../api/types.js';
import { isDNS1123Label } from '../../api/validation.js';
import { VOLUME_SOURCES } from './defaults.js';
import { validateObjectFieldSelector, validateResourceFieldSelector } from './validation-env.js';

const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';
const hostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const volumeFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

/** validatePathNoBacksteps: no `..` element. */
export function validatePathNoBacksteps(p: string, path: string): FieldError[] {
  return p.split('/').includes('..') ? [field.invalid(path, p, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative and without `..` elements. */
export function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(field.invalid(path, p, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(p, path));
  return errs;
}

function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(field.invalid(path, p, "must not start with '..'"));
  return errs;
}

function validateMode(mode: number | undefined, path: string): FieldError[] {
  return mode !== undefined && (mode > 0o777 || mode < 0) ? [field.invalid(path, mode, fileModeErrorMsg)] : [];
}

function validateKeyToPath(kp: KeyToPath, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp.key) errs.push(field.required(`${path}.key`));
  if (!kp.path) errs.push(field.required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(kp.path ?? '', `${path}.path`));
  errs.push(...validateMode(kp.mode, `${path}.mode`));
  return errs;
}

interface DownwardAPIFile {
  path?: string;
  fieldRef?: { apiVersion?: string; fieldPath: string };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number };
  mode?: number;
}

function validateDownwardAPI(src: { items?: DownwardAPIFile[]; defaultMode?: number }, path: string): FieldError[] {
  const errs: FieldError[] = [...validateMode(src.defaultMode, `${path}.defaultMode`)];
  (src.items ?? []).forEach((item, i) => {
    const p = `${path}.items[${i}]`;
    if (!item.path) errs.push(field.required(`${p}.path`));
    errs.push(...validateLocalNonReservedPath(item.path ?? '', `${p}.path`));
    errs.push(...validateMode(item.mode, `${p}.mode`));
    if (item.fieldRef) {
      errs.push(...validateObjectFieldSelector(item.fieldRef, volumeFieldPaths, `${p}.fieldRef`));
      if (item.resourceFieldRef) errs.push(field.invalid(p, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    } else if (item.resourceFieldRef) {
      errs.push(...validateResourceFieldSelector(item.resourceFieldRef, `${p}.resourceFieldRef`, true));
    } else {
      errs.push(field.required(p, 'one of fieldRef and resourceFieldRef is required'));
    }
  });
  return errs;
}

function validateSource(v: Volume, key: string, path: string): FieldError[] {
  switch (key) {
    case 'emptyDir': {
      const limit = v.emptyDir?.sizeLimit;
      if (limit === undefined) return [];
      if (!isQuantity(limit)) return [field.invalid(`${path}.sizeLimit`, limit, QUANTITY_FORMAT_ERROR)];
      return parseQuantity(limit) < 0 ? [field.forbidden(`${path}.sizeLimit`, 'SizeLimit field must be a valid resource quantity')] : [];
    }
    case 'hostPath': {
      const hp = v.hostPath;
      if (!hp?.path) return [field.required(`${path}.path`)];
      const errs = validatePathNoBacksteps(hp.path, `${path}.path`);
      if (hp.type !== undefined && !hostPathTypes.includes(hp.type)) errs.push(field.notSupported(`${path}.type`, hp.type, hostPathTypes));
      return errs;
    }
    case 'configMap': {
      const cm = v.configMap ?? {};
      const errs: FieldError[] = [];
      if (!cm.name) errs.push(field.required(`${path}.name`));
      errs.push(...validateMode(cm.defaultMode, `${path}.defaultMode`));
      (cm.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, `${path}.items[${i}]`)));
      return errs;
    }
    case 'secret': {
      const s = v.secret ?? {};
      const errs: FieldError[] = [];
      if (!s.secretName) errs.push(field.required(`${path}.secretName`));
      errs.push(...validateMode(s.defaultMode, `${path}.defaultMode`));
      (s.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, `${path}.items[${i}]`)));
      return errs;
    }
    case 'persistentVolumeClaim':
      return v.persistentVolumeClaim?.claimName ? [] : [field.required(`${path}.claimName`)];
    case 'downwardAPI':
      return validateDownwardAPI((v.downwardAPI ?? {}) as { items?: DownwardAPIFile[] }, path);
    default:
      return [];
  }
}

/** validateVolumeSource: exactly one source, each source valid. */
function validateVolumeSource(v: Volume, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const key of VOLUME_SOURCES) {
    if (v[key] === undefined || v[key] === null) continue;
    if (n > 0) {
      errs.push(field.forbidden(`${path}.${key}`, 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    errs.push(...validateSource(v, key, `${path}.${key}`));
  }
  if (n === 0) errs.push(field.required(path, 'must specify a volume type'));
  return errs;
}

/**
 * ValidateVolumes: returns the map of valid volumes (name → volume) for mount checks, and the errors.
 * A volume with any error is left out of the map, as upstream does.
 */
export function validateVolumes(volumes: Volume[] | undefined, path: string): { vols: Map<string, Volume>; errs: FieldError[] } {
  const vols = new Map<string, Volume>();
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = `${path}[${i}]`;
    const el = validateVolumeSource(v, p);
    if (!v.name) el.push(field.required(`${p}.name`));
    else for (const msg of isDNS1123Label(v.name)) el.push(field.invalid(`${p}.name`, v.name, msg));
    if (names.has(v.name)) el.push(field.duplicate(`${p}.name`, v.name));
    if (el.length === 0) {
      names.add(v.name);
      vols.set(v.name, v);
    } else {
      errs.push(...el);
    }
  });
  return { vols, errs };
}

const propagations = ['Bidirectional', 'HostToContainer', 'None'];

/**
 * ValidateVolumeMounts: name required and matching a volume (`Not found`), mountPath required and
 * unique, subPath/subPathExpr relative without `..`, mountPropagation supported.
 */
export function validateVolumeMounts(c: Container, vols: Map<string, Volume>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!m.name) errs.push(field.required(`${p}.name`));
    if (!vols.has(m.name)) errs.push(field.notFound(`${p}.name`, m.name ?? ''));
    if (!m.mountPath) errs.push(field.required(`${p}.mountPath`));
    if (mountPoints.has(m.mountPath)) errs.push(field.invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
    mountPoints.add(m.mountPath);
    // Upstream reports subPath errors on the list path (`volumeMounts.subPath`), not the item.
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${path}.subPath`));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(field.invalid(`${p}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, `${path}.subPathExpr`));
    }
    if (m.mountPropagation !== undefined) {
      if (!propagations.includes(m.mountPropagation)) {
        errs.push(field.notSupported(`${path}.mountPropagation`, m.mountPropagation, propagations));
      } else if (m.mountPropagation === 'Bidirectional' && c.securityContext?.privileged !== true) {
        errs.push(field.forbidden(`${path}.mountPropagation`, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
  });
  return errs;
}
