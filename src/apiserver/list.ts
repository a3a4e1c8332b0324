/**
 * LIST over the Store: label/field selector filtering, `limit`/`continue` paging and the list envelope.
 *
 * Mirrors k8s.io/apiserver `pkg/storage/etcd3/store.go` GetList and `pkg/storage/continue.go` (continue
 * tokens are base64 JSON `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`); every kind supports the
 * `metadata.name` and `metadata.namespace` field selectors plus its strategy's selectable fields.
 */
import { badRequest } from '../api/errors.js';
import type { KubeList, KubeObject } from '../api/types.js';
import type { Strategy } from '../registry/strategy.js';
import type { Store } from '../storage/store.js';
import { apiVersionOf } from './decode.js';
import { storagePrefix } from './object-meta.js';
import { checkFields, matchFields, matchLabels, parseFieldSelector, parseLabelSelector, type FieldRequirement, type LabelSelector } from './selectors.js';

/** Parsed query of list, watch and deletecollection. */
export interface ListQuery {
  labelSelector: LabelSelector;
  fieldSelector: FieldRequirement[];
  /** 0 = no limit. */
  limit: number;
  continueToken: string | undefined;
}

/** Field-selector values of `obj`: metadata.name, metadata.namespace and the strategy's fields. */
export function objectFields(strategy: Strategy, obj: KubeObject): Record<string, string> {
  const own = strategy.selectableFields?.(obj) ?? {};
  return { ...own, 'metadata.name': obj.metadata.name ?? '', 'metadata.namespace': obj.metadata.namespace ?? '' };
}

/** True when `obj` passes both selectors. */
export function matchesQuery(strategy: Strategy, query: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>, obj: KubeObject): boolean {
  return matchLabels(query.labelSelector, obj.metadata.labels) && matchFields(query.fieldSelector, objectFields(strategy, obj));
}

/** The field names a kind supports, probed on a skeleton object (undefined if the strategy cannot say). */
function supportedFields(strategy: Strategy): Record<string, string> | undefined {
  try {
    const skeleton = { metadata: {}, spec: {}, status: {}, involvedObject: {}, source: {} } as KubeObject;
    return objectFields(strategy, skeleton);
  } catch {
    return undefined;
  }
}

/** Parses labelSelector, fieldSelector, limit and continue from a URL query; 400 on bad values. */
export function parseListQuery(strategy: Strategy, q: URLSearchParams): ListQuery {
  const fieldSelector = parseFieldSelector(q.get('fieldSelector') ?? undefined);
  const supported = supportedFields(strategy);
  if (supported) checkFields(fieldSelector, supported);
  const limitText = q.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${limitText ?? ''}"`);
  return {
    labelSelector: parseLabelSelector(q.get('labelSelector') ?? undefined),
    fieldSelector,
    limit,
    continueToken: q.get('continue') || undefined,
  };
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

/** Encodes a continue token the way kube-apiserver does (`startKey` relative to the collection prefix). */
export function encodeContinue(startKey: string, rv: number): string {
  const t: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: `${startKey}\u0000` };
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

/** Decodes a continue token; 400 `continue key is not valid: ...` on garbage. */
export function decodeContinue(token: string): { startAfter: string; rv: number } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.start !== 'string' || typeof t.rv !== 'number') throw new Error('bad token');
    return { startAfter: t.start.replace(/\u0000$/, ''), rv: t.rv };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

/** Reads a filtered, paged list of `strategy`'s kind in `namespace` ('' = all namespaces). */
export async function listObjects(store: Store, strategy: Strategy, namespace: string, query: ListQuery): Promise<KubeList> {
  const info = strategy.info;
  const prefix = storagePrefix(info.resource, info.namespaced ? namespace : '');
  let startAfter: string | undefined;
  if (query.continueToken) {
    const c = decodeContinue(query.continueToken);
    startAfter = prefix + c.startAfter;
  }
  const apiVersion = apiVersionOf({ group: info.group, version: info.version, kind: info.kind });
  const all = await store.list(prefix, startAfter !== undefined ? { startAfter } : {});
  const selected = all.items.filter((i) => matchesQuery(strategy, query, i.object));
  const page = query.limit > 0 ? selected.slice(0, query.limit) : selected;
  const items = page.map((i) => ({ ...i.object, apiVersion, kind: info.kind }));
  const list: KubeList = { kind: `${info.kind}List`, apiVersion, metadata: { resourceVersion: String(all.revision) }, items };
  if (query.limit > 0 && selected.length > query.limit) {
    const last = page[page.length - 1];
    if (last) list.metadata.continue = encodeContinue(last.key.slice(prefix.length), all.revision);
    if (query.labelSelector.length === 0 && query.fieldSelector.length === 0) {
      list.metadata.remainingItemCount = selected.length - query.limit;
    }
  }
  return list;
}
