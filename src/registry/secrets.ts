/**
 * The core/v1 secrets strategy: default type Opaque, stringData merged into base64 data, key and
 * per-type validation, `immutable`, and the NAME TYPE DATA AGE table.
 *
 * Mirrors `pkg/registry/core/secret/strategy.go`, `pkg/apis/core/v1/conversion.go` (stringData
 * overwrites data), `pkg/apis/core/v1/defaults.go` SetDefaults_Secret and `pkg/apis/core/validation`
 * ValidateSecret / ValidateSecretUpdate.
 */
import { Buffer } from 'node:buffer';
import { translateTimestampSince } from '../api/duration.js';
import type { FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../api/meta.js';
import type { Secret } from '../api/types.js';
import { MAX_DATA_SIZE, validateDataKeys, validateImmutableData } from './data-keys.js';
import type { ResourceInfo, Strategy } from './strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './table-columns.js';

/** Discovery facts of core/v1 secrets. */
export const secretInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'secrets',
  singular: 'secret',
  kind: 'Secret',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/**
 * Defaulting and conversion on every write: type Opaque when empty; stringData values are
 * base64-encoded (UTF-8) into data, overwriting same-named keys, and stringData is dropped (write-only).
 */
export function normalizeSecret(secret: Secret): void {
  secret.type ||= 'Opaque';
  if (secret.stringData) {
    const data = { ...(secret.data ?? {}) };
    for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    secret.data = data;
    delete secret.stringData;
  }
}

const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function requireKeys(secret: Secret, keys: string[]): FieldError[] {
  return keys.filter((k) => !(k in (secret.data ?? {}))).map((k) => field.required(`data[${k}]`));
}

function validateJSONKey(secret: Secret, key: string): FieldError[] {
  const v = secret.data?.[key];
  if (v === undefined) return [field.required(`data[${key}]`)];
  try {
    JSON.parse(Buffer.from(v, 'base64').toString('utf8'));
    return [];
  } catch (err) {
    return [field.invalid(`data[${key}]`, '<secret contents redacted>', (err as Error).message)];
  }
}

/** ValidateSecret: metadata, data keys and base64 values, total size, per-type required keys. */
export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateDataKeys(secret.data, 'data'));
  let total = 0;
  for (const [k, v] of Object.entries(secret.data ?? {})) {
    if (typeof v !== 'string' || !base64Re.test(v)) {
      errs.push(field.invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
      continue;
    }
    total += Buffer.from(v, 'base64').length;
  }
  if (total > MAX_DATA_SIZE) errs.push(field.tooLong('data', MAX_DATA_SIZE));
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(field.required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
      errs.push(...validateJSONKey(secret, '.dockercfg'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      errs.push(...validateJSONKey(secret, '.dockerconfigjson'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in (secret.data ?? {})) && !('password' in (secret.data ?? {}))) errs.push(...requireKeys(secret, ['username', 'password']));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!secret.data?.['ssh-privatekey']) errs.push(field.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      errs.push(...requireKeys(secret, ['tls.crt', 'tls.key']));
      break;
    default:
      break;
  }
  return errs;
}

/** ValidateSecretUpdate: metadata rules, immutable type, `immutable` data. */
export function validateSecretUpdate(secret: Secret, old: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(secret.metadata, old.metadata);
  errs.push(...field.validateImmutableField(secret.type ?? '', old.type ?? '', 'type'));
  errs.push(...validateImmutableData(secret, old, ['data']));
  errs.push(...validateSecret(secret).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

/** The core/v1 secrets Strategy. */
export const secretStrategy: Strategy<Secret> = {
  info: secretInfo,
  prepareForCreate: normalizeSecret,
  prepareForUpdate: (secret) => normalizeSecret(secret),
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
      column('Data', 'string', 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.'),
      AGE_COLUMN,
    ],
    cells: (s, now) => [s.metadata.name ?? '', s.type ?? '', Object.keys(s.data ?? {}).length, translateTimestampSince(s.metadata.creationTimestamp, now)],
  },
  selectableFields: (s) => ({ 'metadata.name': s.metadata.name ?? '', 'metadata.namespace': s.metadata.namespace ?? '', type: s.type ?? '' }),
};
