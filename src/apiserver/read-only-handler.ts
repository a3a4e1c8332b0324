/**
 * Serving of read-only resources (registry/read-only.ts): GET of one object or a list, as JSON or as a
 * meta.k8s.io Table; every other verb, watch included, is 405 MethodNotAllowed; subresources are 404.
 *
 * Mirrors what genericapiserver's installer does for a storage that is only a rest.Getter and rest.Lister
 * (`pkg/endpoints/installer.go` registers GET and LIST alone; `handlers/get.go` ListResource answers a watch
 * with MethodNotSupported when the storage is no rest.Watcher), as metrics-server's group is served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotSupported } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { ReadOnlyResource, ReadOnlyTable } from '../registry/read-only.js';
import { AGE_COLUMN, NAME_COLUMN } from '../registry/table-columns.js';
import { apiVersionOf } from './decode.js';
import { parseAccept, queryBool, sendJson } from './http.js';
import type { ResourceRequest } from './routing.js';
import { parseSelectors } from './selectors.js';
import { parseIncludeObject, rowObject, wantsTable, type TableVersion } from './table.js';

/** The read-only resources an API server serves, by `group/version/resource`. */
export class ReadOnlyResources {
  private readonly byPath = new Map<string, ReadOnlyResource>();

  /** Adds resources; throws when one is already served (by this set or by `taken`, the stored kinds' check). */
  install(resources: ReadOnlyResource[], taken: (group: string, version: string, resource: string) => boolean): void {
    for (const r of resources) {
      const key = `${r.info.group}/${r.info.version}/${r.info.resource}`;
      if (this.byPath.has(key) || taken(r.info.group, r.info.version, r.info.resource)) throw new Error(`cannot install ${key}: already served`);
    }
    for (const r of resources) this.byPath.set(`${r.info.group}/${r.info.version}/${r.info.resource}`, r);
  }

  lookup(group: string, version: string, resource: string): ReadOnlyResource | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** Every installed resource, in installation order. */
  all(): ReadOnlyResource[] {
    return [...this.byPath.values()];
  }
}

function defaultTable(objs: KubeObject[]): ReadOnlyTable {
  return {
    columnDefinitions: [NAME_COLUMN, { ...AGE_COLUMN, name: 'Created At', type: 'date' }],
    rows: objs.map((o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? null]),
  };
}

function table(resource: ReadOnlyResource, objs: KubeObject[], version: TableVersion, q: URLSearchParams): unknown {
  const include = parseIncludeObject(q.get('includeObject') ?? undefined);
  const t = resource.convertToTable ? resource.convertToTable(objs) : defaultTable(objs);
  const rows = t.rows.map((cells, i) => {
    const row: Record<string, unknown> = { cells };
    const obj = objs[i];
    const o = obj ? rowObject(obj, include, version) : undefined;
    if (o !== undefined) row['object'] = o;
    return row;
  });
  return { kind: 'Table', apiVersion: `meta.k8s.io/${version}`, metadata: {}, columnDefinitions: t.columnDefinitions, rows };
}

/**
 * Handles one request to a read-only resource (the caller answers 404 for subresources and a wrong namespace
 * scope). Throws StatusErrors for the caller to write: 405 for verbs other than get and list (and for watch), 400
 * for bad selectors, and whatever the resource throws.
 */
export async function handleReadOnly(req: IncomingMessage, res: ServerResponse, info: ResourceRequest, url: URL, resource: ReadOnlyResource): Promise<void> {
  const q = url.searchParams;
  const { group, version, kind } = resource.info;
  const apiVersion = apiVersionOf({ group, version, kind });
  const tableVersion = wantsTable(parseAccept(req.headers.accept));
  if (info.verb === 'watch' || queryBool(q, 'watch')) throw methodNotSupported();
  if (!resource.info.verbs.includes(info.verb)) throw methodNotSupported();
  switch (info.verb) {
    case 'get': {
      const obj = await resource.get(info.namespace, info.name);
      if (tableVersion) return sendJson(res, 200, table(resource, [obj], tableVersion, q));
      return sendJson(res, 200, { kind, apiVersion, ...obj });
    }
    case 'list': {
      const selectors = parseSelectors({ info: resource.info }, q);
      const items = await resource.list(info.namespace, selectors);
      if (tableVersion) return sendJson(res, 200, table(resource, items, tableVersion, q));
      return sendJson(res, 200, { kind: `${kind}List`, apiVersion, metadata: {}, items });
    }
    default:
      throw methodNotSupported();
  }
}
