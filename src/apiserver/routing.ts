/**
 * Request routing: turns a URL path and method into a RequestInfo (API group, version, namespace, resource,
 * name, subresource, verb) or a non-resource path.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/request/requestinfo.go` (`RequestInfoFactory.NewRequestInfo`),
 * including the legacy `/api/v1/watch/...` prefix and the namespaces special case
 * (`/api/v1/namespaces/x/status` and `/finalize` are subresources of the namespace itself).
 */

/** The verbs of resource requests (kube's authorization verbs). */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** A resource request, e.g. GET /api/v1/namespaces/default/pods/x/log. */
export interface ResourceRequest {
  kind: 'resource';
  /** '' for the core group. */
  group: string;
  version: string;
  /** '' for cluster-scoped requests and cluster-wide lists. */
  namespace: string;
  resource: string;
  /** '' for collections. */
  name: string;
  /** '' when absent. */
  subresource: string;
  verb: Verb;
  /**
   * For the `proxy` subresource: the raw (still escaped) path after `.../proxy`, trailing slash kept ('' when the
   * request ends at `proxy`), as `ProxyREST` passes it on.
   */
  proxyPath?: string;
}

/** Discovery and other non-resource paths. */
export type NonResourceRequest =
  | { kind: 'api-versions' }
  | { kind: 'group-list' }
  | { kind: 'group'; group: string }
  | { kind: 'resource-list'; group: string; version: string }
  | { kind: 'version' }
  | { kind: 'health'; check: string }
  | { kind: 'openapi'; path: string }
  | { kind: 'unknown' };

export type RequestInfo = ResourceRequest | NonResourceRequest;

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Splits a path into non-empty, percent-decoded segments. */
function segments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/**
 * Classifies a request. `watchParam` is the `watch` query parameter (true/1 turns a GET list into a watch).
 * Returns `{kind:'unknown'}` for paths the server does not serve (the caller answers 404).
 */
export function parseRequestInfo(method: string, path: string, watchParam: boolean): RequestInfo {
  const parts = segments(path);
  const head = parts[0];
  if (head === 'version' && parts.length === 1) return { kind: 'version' };
  if ((head === 'healthz' || head === 'livez' || head === 'readyz') && parts.length <= 2) {
    return { kind: 'health', check: parts.slice(1).join('/') };
  }
  if (head === 'openapi') return { kind: 'openapi', path: '/' + parts.join('/') };
  let rest: string[];
  let group = '';
  let version: string;
  if (head === 'api') {
    if (parts.length === 1) return { kind: 'api-versions' };
    version = parts[1] ?? '';
    if (parts.length === 2) return { kind: 'resource-list', group: '', version };
    rest = parts.slice(2);
  } else if (head === 'apis') {
    if (parts.length === 1) return { kind: 'group-list' };
    group = parts[1] ?? '';
    if (parts.length === 2) return { kind: 'group', group };
    version = parts[2] ?? '';
    if (parts.length === 3) return { kind: 'resource-list', group, version };
    rest = parts.slice(3);
  } else {
    return { kind: 'unknown' };
  }
  let watch = watchParam;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    const ns = rest[1] ?? '';
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) {
      namespace = ns;
      rest = rest.slice(2);
    }
  }
  const [resource = '', name = '', subresource = '', ...extra] = rest;
  if (resource === '' || (extra.length > 0 && subresource !== 'proxy')) return { kind: 'unknown' };
  const verb = verbOf(method, name !== '', watch);
  if (!verb) return { kind: 'unknown' };
  if (subresource === 'proxy') return { kind: 'resource', group, version, namespace, resource, name, subresource, verb, proxyPath: pathAfter(path, parts.length - extra.length) };
  return { kind: 'resource', group, version, namespace, resource, name, subresource, verb };
}

/** The raw rest of `path` after its first `count` non-empty segments ('' when nothing follows), trailing slash kept. */
function pathAfter(path: string, count: number): string {
  const raw = path.split('/');
  let seen = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '') continue;
    if (++seen === count) return i + 1 < raw.length ? `/${raw.slice(i + 1).join('/')}` : '';
  }
  return '';
}

function verbOf(method: string, named: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
