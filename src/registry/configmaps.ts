/**
 * The core/v1 configmaps strategy: key validation, size limit, `immutable`, and the NAME DATA AGE table.
 *
 * Mirrors `pkg/registry/core/configmap/strategy.go` and `pkg/apis/core/validation/validation.go`
 * ValidateConfigMap / ValidateConfigMapUpdate, printers.go printConfigMap.
 */
import { translateTimestampSince } from '../api/duration.js';
import type { FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../api/meta.js';
import type { ConfigMap } from '../api/types.js';
import { MAX_DATA_SIZE, validateDataKeys, validateImmutableData } from './data-keys.js';
import type { ResourceInfo, Strategy } from './strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './table-columns.js';

/** Discovery facts of core/v1 configmaps. */
export const configMapInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  singular: 'configmap',
  kind: 'ConfigMap',
  namespaced: true,
  shortNames: ['cm'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/** ValidateConfigMap: metadata, keys of data and binaryData (no key in both), total size <= 1 MiB. */
export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain);
  const data = cm.data ?? {};
  const binary = cm.binaryData ?? {};
  let total = 0;
  errs.push(...validateDataKeys(data, 'data'));
  for (const [k, v] of Object.entries(data)) {
    if (k in binary) errs.push(field.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    total += v.length;
  }
  errs.push(...validateDataKeys(binary, 'binaryData'));
  for (const [k, v] of Object.entries(binary)) {
    if (k in data) errs.push(field.invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    total += Math.floor((v.length * 3) / 4);
  }
  if (total > MAX_DATA_SIZE) errs.push(field.tooLong('', MAX_DATA_SIZE));
  return errs;
}

/** The core/v1 configmaps Strategy. */
export const configMapStrategy: Strategy<ConfigMap> = {
  info: configMapInfo,
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: validateConfigMap,
  validateUpdate: (cm, old) => {
    const meta = validateObjectMetaUpdate(cm.metadata, old.metadata);
    const immutable = validateImmutableData(cm, old, ['data', 'binaryData']);
    // ValidateConfigMap re-checks metadata; keep only its non-metadata errors after the update checks.
    return [...meta, ...immutable, ...validateConfigMap(cm).filter((e) => !e.field.startsWith('metadata.'))];
  },
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Data', 'string', 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.'),
      AGE_COLUMN,
    ],
    cells: (cm, now) => [
      cm.metadata.name ?? '',
      Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
      translateTimestampSince(cm.metadata.creationTimestamp, now),
    ],
  },
};
