/**
 * The core/v1 limitranges strategy: defaulting of Container items, validation and the NAME CREATED AT table.
 *
 * Mirrors `pkg/apis/core/v1/defaults.go` SetDefaults_LimitRangeItem, `pkg/registry/core/limitrange/strategy.go` (no status; ValidateLimitRange on create and update) and
 * `pkg/printers/internalversion/printers.go` printLimitRange (the creation timestamp as a `date` cell).
 */
import { validateObjectMetaUpdate } from '../../api/meta.js';
import type { LimitRange } from '../../api/policy.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { NAME_COLUMN } from '../table-columns.js';
import { validateLimitRange } from './validation.js';

/** Discovery facts of core/v1 limitranges. */
export const limitRangeInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'limitranges',
  singular: 'limitrange',
  kind: 'LimitRange',
  namespaced: true,
  shortNames: ['limits'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/** The `Created At` column (a `date` cell holding the RFC 3339 creation time). */
const CREATED_AT_COLUMN = {
  name: 'Created At',
  type: 'date' as const,
  format: '',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
};

/**
 * SetDefaults_LimitRangeItem for Container items: `default` from `max`, then `defaultRequest` from `default`, then
 * from `min`, for each resource left unset.
 */
export function defaultLimitRange(lr: LimitRange): void {
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    const defaults = (item.default ??= {});
    const requests = (item.defaultRequest ??= {});
    for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in defaults)) defaults[k] = v;
    for (const [k, v] of Object.entries(defaults)) if (!(k in requests)) requests[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in requests)) requests[k] = v;
    if (Object.keys(defaults).length === 0) delete item.default;
    if (Object.keys(requests).length === 0) delete item.defaultRequest;
  }
}

/** The core/v1 limitranges Strategy. */
export const limitRangeStrategy: Strategy<LimitRange> = {
  info: limitRangeInfo,
  prepareForCreate: defaultLimitRange,
  prepareForUpdate: defaultLimitRange,
  validate: validateLimitRange,
  validateUpdate: (lr, old) => [...validateObjectMetaUpdate(lr.metadata, old.metadata), ...validateLimitRange(lr).filter((e) => !e.field.startsWith('metadata.'))],
  table: {
    columnDefinitions: [NAME_COLUMN, CREATED_AT_COLUMN],
    cells: (lr) => [lr.metadata.name ?? '', lr.metadata.creationTimestamp ?? null],
  },
};
