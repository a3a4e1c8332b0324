/**
 * LIST over the Store: label/field selector filtering, `limit`/`continue` paging and the list envelope.
 *
 * Mirrors k8s.io/apiserver `pkg/storage/etcd3/store.go` GetList and `pkg/storage/continue.go` (continue
 * tokens are base64 JSON `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`); selectors are read and
 * matched by selectors.ts. A continued list, a `resourceVersionMatch=Exact` list and a legacy
 * `resourceVersion=N&limit=M` list read the store at that revision; one below the compacted revision is
 * 410 Expired with kube-apiserver's messages (`pkg/storage/etcd3/errors.go` interpretListError), a
 * continue token then answering with a fresh token (rv -1) for the rest at the latest revision.
 */
import { badRequest, gone, invalid, tooLargeResourceVersion, type FieldError } from '../api/errors.js';
import { FieldSelector } from '../api/fields.js';
import { everything } from '../api/labels.js';
import type { KubeList } from '../api/types.js';
import type { Strategy } from '../registry/strategy.js';
import type { Store } from '../storage/store.js';
import { apiVersionOf } from './decode.js';
import { storagePrefix } from './object-meta.js';
import { matchesSelectors, parseSelectors, type Selectors } from './selectors.js';

/** Parsed query of list, watch and deletecollection. */
export interface ListQuery extends Selectors {
  /** 0 = no limit. */
  limit: number;
  continueToken: string | undefined;
  /** The `resourceVersion` parameter of a list ('' or absent = the latest). */
  resourceVersion?: string;
  /** The `resourceVersionMatch` parameter: 'Exact', 'NotOlderThan' or ''. */
  resourceVersionMatch?: string;
}

/** kube-apiserver's 410 messages for lists (`pkg/storage/etcd3/errors.go`). */
const EXPIRED_LIST = 'The resourceVersion for the provided list is too old.';
const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without ' +
  'the continue parameter, or use the continue token in this response to retrieve the remainder of the results. ' +
  'Continuing with the provided token results in an inconsistent list - objects that were created, modified, or ' +
  'deleted between the time the first chunk was returned and now may show up in the list.';

/** A query selecting every object, at most `limit` of them (0 = no limit). */
export function listEverything(limit = 0): ListQuery {
  return { labelSelector: everything(), fieldSelector: new FieldSelector([]), limit, continueToken: undefined };
}

/**
 * Parses fieldSelector, labelSelector, limit and continue from a URL query. Throws StatusError 400 on a
 * bad selector (see parseSelectors) or limit.
 */
export function parseListQuery(strategy: Strategy, q: URLSearchParams): ListQuery {
  const selectors = parseSelectors(strategy, q);
  const limitText = q.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${limitText ?? ''}"`);
  const query: ListQuery = { ...selectors, limit, continueToken: q.get('continue') || undefined };
  const rv = q.get('resourceVersion');
  if (rv) query.resourceVersion = rv;
  const match = q.get('resourceVersionMatch');
  if (match) query.resourceVersionMatch = match;
  return query;
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

/**
 * ValidateListOptions' rules for resourceVersionMatch (apimachinery `pkg/apis/meta/internalversion/validation`):
 * 422 `ListOptions.meta.k8s.io "" is invalid: ...`; and the etcd3 store's 400 for a continue token with a
 * resourceVersion.
 */
function validateListQuery(query: ListQuery): void {
  const rv = query.resourceVersion ?? '';
  const match = query.resourceVersionMatch ?? '';
  const errs: FieldError[] = [];
  const forbidden = (detail: string): void => {
    errs.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: `Forbidden: ${detail}` });
  };
  if (match !== '') {
    if (rv === '') forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (query.continueToken) forbidden('resourceVersionMatch is forbidden when continue is provided');
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      errs.push({ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', detail: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""` });
    }
    if (match === 'Exact' && rv === '0') forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (errs.length > 0) throw invalid('ListOptions', 'meta.k8s.io', '', errs);
  if (query.continueToken && rv !== '' && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
}

/**
 * The revision a list without a continue token reads at, following the etcd3 store's GetList: `Exact` =
 * at resourceVersion; the legacy unset match with a limit = at resourceVersion unless it is "0"; otherwise
 * the latest (a cache at least as new as NotOlderThan asks). 400 on a malformed resourceVersion.
 */
function readRevision(query: ListQuery): number | undefined {
  const rvText = query.resourceVersion ?? '';
  if (rvText === '') return undefined;
  const rv = Number(rvText);
  if (!/^\d+$/.test(rvText) || !Number.isSafeInteger(rv)) throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
  const match = query.resourceVersionMatch ?? '';
  if (match === 'Exact') return rv;
  if (match === '' && query.limit > 0 && rv > 0) return rv;
  return undefined;
}

/** Reads a filtered, paged list of `strategy`'s kind in `namespace` ('' = all namespaces). */
export async function listObjects(store: Store, strategy: Strategy, namespace: string, query: ListQuery): Promise<KubeList> {
  const info = strategy.info;
  const prefix = storagePrefix(info.resource, info.namespaced ? namespace : '');
  validateListQuery(query);
  let startAfter: string | undefined;
  let continued: { startAfter: string; rv: number } | undefined;
  let revision: number | undefined;
  if (query.continueToken) {
    continued = decodeContinue(query.continueToken);
    startAfter = prefix + continued.startAfter;
    if (continued.rv > 0) revision = continued.rv;
  } else {
    revision = readRevision(query);
  }
  const apiVersion = apiVersionOf({ group: info.group, version: info.version, kind: info.kind });
  let all: Awaited<ReturnType<Store['list']>>;
  try {
    all = await store.list(prefix, { ...(startAfter !== undefined ? { startAfter } : {}), ...(revision !== undefined ? { revision } : {}) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'StoreFutureRevision') throw tooLargeResourceVersion(revision ?? 0, store.currentRevision());
    if (code !== 'StoreCompacted') throw err;
    if (!continued) throw gone(EXPIRED_LIST);
    const expired = gone(INCONSISTENT_CONTINUE);
    expired.status.metadata = { continue: encodeContinue(continued.startAfter, -1) };
    throw expired;
  }
  const selected = all.items.filter((i) => matchesSelectors(strategy, query, i.object));
  const page = query.limit > 0 ? selected.slice(0, query.limit) : selected;
  const items = page.map((i) => ({ ...i.object, apiVersion, kind: info.kind }));
  const list: KubeList = { kind: `${info.kind}List`, apiVersion, metadata: { resourceVersion: String(all.revision) }, items };
  if (query.limit > 0 && selected.length > query.limit) {
    const last = page[page.length - 1];
    if (last) list.metadata.continue = encodeContinue(last.key.slice(prefix.length), all.revision);
    if (query.labelSelector.empty() && query.fieldSelector.empty()) {
      list.metadata.remainingItemCount = selected.length - query.limit;
    }
  }
  return list;
}
