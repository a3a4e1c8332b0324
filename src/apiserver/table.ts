/**
 * Server-side printing: content negotiation of `application/json;as=Table;v=v1;g=meta.k8s.io` and conversion of
 * objects and lists to meta.k8s.io Table, with the strategy's columns or the default Name / Created At table.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/handlers/response.go` (`transformObject`, `asTable`) and
 * `pkg/registry/rest/table.go` (the default table convertor); `includeObject` as in meta/v1 TableOptions.
 */
import { badRequest } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { Strategy, TableColumnDefinition } from '../registry/strategy.js';
import { AGE_COLUMN, NAME_COLUMN } from '../registry/table-columns.js';
import type { MediaType } from './http.js';

/** meta.k8s.io version of a requested Table. */
export type TableVersion = 'v1' | 'v1beta1';

/** `includeObject` of TableOptions. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Returns the Table version an Accept header asks for first, or undefined for plain JSON. */
export function wantsTable(accept: MediaType[]): TableVersion | undefined {
  for (const m of accept) {
    if (m.type !== 'application/json' && m.type !== '*/*' && m.type !== 'application/*') continue;
    if (m.params['as'] === 'Table' && m.params['g'] === 'meta.k8s.io') {
      if (m.params['v'] === 'v1') return 'v1';
      if (m.params['v'] === 'v1beta1') return 'v1beta1';
      continue;
    }
    if (m.params['as'] === undefined) return undefined;
  }
  return undefined;
}

/** Parses `includeObject` (default Metadata); 400 on other values. */
export function parseIncludeObject(value: string | undefined): IncludeObject {
  if (value === undefined || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw badRequest(`includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`);
}

/** The default table's second column: the Age column's description, as a `date` named `Created At`. */
const CREATED_COLUMN: TableColumnDefinition = { ...AGE_COLUMN, name: 'Created At', type: 'date' };

/**
 * The column definitions of a kind's Table: the strategy's own, complete list (as upstream's
 * TableConvertors; events, for one, start with LAST SEEN and show Name only with -o wide), or the
 * default Name / Created At table of kinds without one.
 */
export function columnDefinitions(strategy: Strategy): TableColumnDefinition[] {
  return strategy.table ? strategy.table.columnDefinitions : [NAME_COLUMN, CREATED_COLUMN];
}

/** A row's `object` as `includeObject` asks: none, PartialObjectMetadata, or the whole object. */
export function rowObject(obj: KubeObject, include: IncludeObject, version: TableVersion): unknown {
  switch (include) {
    case 'None':
      return undefined;
    case 'Object':
      return obj;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
  }
}

/** One Table row of `obj`. */
export function tableRow(strategy: Strategy, obj: KubeObject, now: Date, include: IncludeObject, version: TableVersion): unknown {
  const name = obj.metadata.name ?? '';
  const cells = strategy.table ? strategy.table.cells(obj, now) : [name, obj.metadata.creationTimestamp ?? null];
  const row: Record<string, unknown> = { cells };
  const conditions = strategy.table?.conditions?.(obj);
  if (conditions) row['conditions'] = conditions;
  const o = rowObject(obj, include, version);
  if (o !== undefined) row['object'] = o;
  return row;
}

/** Options of `toTable`. */
export interface TableOptions {
  include: IncludeObject;
  version: TableVersion;
  now: Date;
  /** ListMeta of the result (resourceVersion, continue, remainingItemCount). */
  listMeta: Record<string, unknown>;
  /** Omit columnDefinitions (later events of a watch). */
  omitColumns?: boolean;
}

/** Converts objects to a meta.k8s.io Table. */
export function toTable(strategy: Strategy, objs: KubeObject[], options: TableOptions): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: options.listMeta,
    columnDefinitions: options.omitColumns ? [] : columnDefinitions(strategy),
    rows: objs.map((o) => tableRow(strategy, o, options.now, options.include, options.version)),
  };
}
