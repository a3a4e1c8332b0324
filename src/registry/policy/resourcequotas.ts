/**
 * The core/v1 resourcequotas strategy: status cleared on create and kept from the stored object on update, the
 * status subresource (spec kept), validation, and the NAME AGE REQUEST LIMIT table.
 *
 * Mirrors `pkg/registry/core/resourcequota/strategy.go` and `pkg/printers/internalversion/printers.go`
 * printResourceQuota at v1.32 (`resource: used/hard` pairs sorted by name, `limits.*` in LIMIT, the rest in REQUEST).
 */
import { translateTimestampSince } from '../../api/duration.js';
import type { ResourceQuota } from '../../api/policy.js';
import { canonicalQuantity } from '../../api/resource-list.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';
import { validateResourceQuota, validateResourceQuotaStatusUpdate, validateResourceQuotaUpdate } from './validation.js';

/** Discovery facts of core/v1 resourcequotas. */
export const resourceQuotaInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  kind: 'ResourceQuota',
  namespaced: true,
  shortNames: ['quota'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status'],
};

/** The REQUEST and LIMIT cells: `name: used/hard` of every hard resource, sorted by name. */
export function quotaColumns(rq: ResourceQuota): { request: string; limit: string } {
  const hard = rq.status?.hard ?? {};
  const used = rq.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const u = used[name];
    const cell = `${name}: ${u === undefined ? '0' : canonicalQuantity(u)}/${canonicalQuantity(hard[name] ?? 0)}`;
    const pieces = name.split('.');
    (pieces.length > 1 && pieces[0] === 'limits' ? limit : request).push(cell);
  }
  return { request: request.join(', '), limit: limit.join(', ') };
}

/** The core/v1 resourcequotas Strategy. */
export const resourceQuotaStrategy: Strategy<ResourceQuota> = {
  info: resourceQuotaInfo,
  prepareForCreate(rq) {
    delete rq.status;
  },
  prepareForUpdate(rq, old) {
    if (old.status === undefined) delete rq.status;
    else rq.status = old.status;
  },
  validate: validateResourceQuota,
  validateUpdate: validateResourceQuotaUpdate,
  prepareForStatusUpdate(rq, old) {
    if (old.spec === undefined) delete rq.spec;
    else rq.spec = old.spec;
  },
  validateStatusUpdate: validateResourceQuotaStatusUpdate,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      AGE_COLUMN,
      column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
      column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ],
    cells: (rq, now) => {
      const { request, limit } = quotaColumns(rq);
      return [rq.metadata.name ?? '', translateTimestampSince(rq.metadata.creationTimestamp, now), request, limit];
    },
  },
};
