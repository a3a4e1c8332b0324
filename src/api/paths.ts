// The one place that spells API paths: `/api/v1/...` for the core group, `/apis/GROUP/VERSION/...` for the others.

/**
 * A resource of a group-version, as the API server serves it (apimachinery `schema.GroupVersionResource`).
 * `group` is '' for the core ("legacy") group.
 */
export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** Where in a resource a path points; every part is optional (omitted: all namespaces, the collection). */
export interface ResourcePathParts {
  /** The namespace of a namespaced resource; omitted for cluster-scoped ones and for lists across namespaces. */
  namespace?: string | undefined;
  /** The object's name; omitted for the collection. An empty string still adds the (empty) segment. */
  name?: string | undefined;
  /** A subresource of the object such as `status`, `binding`, `token` (needs `name`). */
  subresource?: string | undefined;
}

/** The resources k1s's API clients read and write (kind → plural resource of its preferred group-version). */
export const RESOURCES = {
  pods: { group: '', version: 'v1', resource: 'pods' },
  services: { group: '', version: 'v1', resource: 'services' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  configmaps: { group: '', version: 'v1', resource: 'configmaps' },
  secrets: { group: '', version: 'v1', resource: 'secrets' },
  serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts' },
  events: { group: '', version: 'v1', resource: 'events' },
  persistentvolumes: { group: '', version: 'v1', resource: 'persistentvolumes' },
  persistentvolumeclaims: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  replicationcontrollers: { group: '', version: 'v1', resource: 'replicationcontrollers' },
  resourcequotas: { group: '', version: 'v1', resource: 'resourcequotas' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  storageclasses: { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' },
  runtimeclasses: { group: 'node.k8s.io', version: 'v1', resource: 'runtimeclasses' },
  clusterroles: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' },
} as const satisfies Record<string, GroupVersionResource>;

/** The discovery path of all groups other than core: `/apis`. */
export const API_GROUPS_PATH = '/apis';

/** The discovery path of a named group (APIGroup): `/apis/{group}`. */
export function groupPath(group: string): string {
  return `${API_GROUPS_PATH}/${group}`;
}

/**
 * The root of a group-version (its APIResourceList): `/api/{version}` for the core group (`group` ''),
 * `/apis/{group}/{version}` otherwise, as the API server routes them (apiserver `APIGroupPrefix`, `APIPrefix`).
 */
export function groupVersionPath(group: string, version: string): string {
  return group ? `${groupPath(group)}/${version}` : `/api/${version}`;
}

/** The root of an `apiVersion` as objects carry it: `v1` → `/api/v1`, `apps/v1` → `/apis/apps/v1`. */
export function apiVersionPath(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? groupVersionPath('', apiVersion) : groupVersionPath(apiVersion.slice(0, i), apiVersion.slice(i + 1));
}

/**
 * The path of `r`: `/api/v1/pods` (all namespaces), `/api/v1/namespaces/ns/pods` (a namespace's collection),
 * `/api/v1/namespaces/ns/pods/name` (one object), `/api/v1/namespaces/ns/pods/name/status` (a subresource);
 * cluster-scoped resources have no namespace part. The namespace, name and subresource are URI-encoded.
 * Mirrors client-go's `rest.Request` path building (`AbsPath`, `Namespace`, `Resource`, `Name`, `SubResource`).
 */
export function resourcePath(r: GroupVersionResource, parts: ResourcePathParts = {}): string {
  let path = groupVersionPath(r.group, r.version);
  if (parts.namespace !== undefined) path += `/namespaces/${encodeURIComponent(parts.namespace)}`;
  path += `/${r.resource}`;
  if (parts.name !== undefined) path += `/${encodeURIComponent(parts.name)}`;
  if (parts.subresource !== undefined) path += `/${encodeURIComponent(parts.subresource)}`;
  return path;
}
