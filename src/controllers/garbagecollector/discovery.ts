/**
 * The garbage collector's view of discovery: every resource it watches (list, watch and delete served,
 * no subresource, events ignored) and the mapping of an ownerReference's apiVersion/kind to a resource path.
 *
 * Mirrors kube-controller-manager `pkg/controller/garbagecollector` GetDeletableResources (preferred versions,
 * verbs delete/list/watch) with `DefaultIgnoredResources` (events in "" and events.k8s.io), and the RESTMapper
 * lookup of `apiResource`; like the namespace controller it reads /api and /apis discovery through the API.
 */
import { isNotFound } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { ApiClient } from '../../client/types.js';
import { API_GROUPS_PATH, groupVersionPath, resourcePath } from '../../api/paths.js';

/** One resource of discovery, as the collector uses it. */
export interface ApiResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** `v1` or `apps/v1`: the apiVersion of its objects. */
  groupVersion: string;
  /** Plural, lower-case: `replicasets`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

/** The resources found by one discovery pass. */
export interface ResourceMap {
  /** Resources to watch: list, watch and delete served, not ignored. */
  deletable: ApiResource[];
  /**
   * The resource of objects of `apiVersion`/`kind` (an ownerReference's coordinates): the exact version when
   * served, else the same group and kind in the served version; undefined when unknown.
   */
  lookup(apiVersion: string, kind: string): ApiResource | undefined;
}

/** Group/resource pairs the collector never watches (`DefaultIgnoredResources`). */
export const IGNORED_RESOURCES: readonly { group: string; resource: string }[] = [
  { group: '', resource: 'events' },
  { group: 'events.k8s.io', resource: 'events' },
];

interface ApiResourceList extends KubeObject {
  resources?: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

interface ApiGroupList extends KubeObject {
  groups?: { name: string; preferredVersion?: { groupVersion: string; version: string } }[];
}

/** The group of an apiVersion (`apps/v1` → `apps`, `v1` → ''). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** The path of the collection of `r` across all namespaces (informers watch it). */
export function collectionPath(r: ApiResource): string {
  return resourcePath(r);
}

/** The path of one object of `r`; `namespace` is ignored for cluster-scoped resources. */
export function objectPath(r: ApiResource, namespace: string, name: string): string {
  return resourcePath(r, { namespace: r.namespaced ? namespace : undefined, name });
}

/**
 * Reads /api/v1 and each group's preferred version under /apis. Throws what the API throws (the caller
 * retries); a server without /apis gives the core group only.
 */
export async function discoverResources(client: ApiClient): Promise<ResourceMap> {
  const versions: { group: string; version: string; groupVersion: string }[] = [{ group: '', version: 'v1', groupVersion: 'v1' }];
  try {
    const groups = await client.get<ApiGroupList>(API_GROUPS_PATH);
    for (const g of groups.groups ?? []) {
      if (g.preferredVersion) versions.push({ group: g.name, version: g.preferredVersion.version, groupVersion: g.preferredVersion.groupVersion });
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const all: ApiResource[] = [];
  for (const v of versions) {
    const list = await client.get<ApiResourceList>(groupVersionPath(v.group, v.version));
    for (const r of list.resources ?? []) {
      if (r.name.includes('/')) continue;
      all.push({ ...v, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs });
    }
  }
  const ignored = (r: ApiResource): boolean => IGNORED_RESOURCES.some((i) => i.group === r.group && i.resource === r.resource);
  const deletable = all.filter((r) => ['delete', 'list', 'watch'].every((v) => r.verbs.includes(v)) && !ignored(r));
  return {
    deletable,
    lookup(apiVersion, kind) {
      const group = groupOf(apiVersion);
      return all.find((r) => r.groupVersion === apiVersion && r.kind === kind) ?? all.find((r) => r.group === group && r.kind === kind);
    },
  };
}
