/**
 * The core/v1 serviceaccounts strategy: name validation and the NAME SECRETS AGE table.
 *
 * Mirrors `pkg/registry/core/serviceaccount/strategy.go`, `pkg/apis/core/validation` ValidateServiceAccount
 * and printers.go printServiceAccount.
 */
import { translateTimestampSince } from '../api/duration.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../api/meta.js';
import type { KubeObject, ObjectReference } from '../api/types.js';
import type { ResourceInfo, Strategy } from './strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './table-columns.js';

/** core/v1 ServiceAccount. */
export interface ServiceAccount extends KubeObject {
  secrets?: ObjectReference[];
  imagePullSecrets?: { name?: string }[];
  automountServiceAccountToken?: boolean;
}

/** Discovery facts of core/v1 serviceaccounts. */
export const serviceAccountInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  kind: 'ServiceAccount',
  namespaced: true,
  shortNames: ['sa'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/** The core/v1 serviceaccounts Strategy. */
export const serviceAccountStrategy: Strategy<ServiceAccount> = {
  info: serviceAccountInfo,
  returnDeletedObject: true,
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: (sa) => validateObjectMeta(sa.metadata, true, nameIsDNSSubdomain),
  validateUpdate: (sa, old) => validateObjectMetaUpdate(sa.metadata, old.metadata),
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'),
      AGE_COLUMN,
    ],
    cells: (sa, now) => [sa.metadata.name ?? '', (sa.secrets ?? []).length, translateTimestampSince(sa.metadata.creationTimestamp, now)],
  },
};
