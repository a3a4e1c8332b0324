/**
 * The garbage collector's view of discovery: every resource it watches (list, watch and delete served,
 * no subresource, events ignored) and the mapping of an ownerReference's apiVersion/kind to a resource path.
 *
 * Mirrors kube-controller-manager `pkg/controller/garbagecollector` GetDeletableResources (preferred versions,
 * verbs delete/list/watch) with `DefaultIgnoredResources` (events in "" and events.k8s.io), and the RESTMapper
 * lookup of `apiResource`; like the namespace controller it reads /api and /apis discovery through the API.
 */
import { resourcePath } from '../../api/paths.js';
import { serverPreferredResources, type ApiResource } from '../../client/discovery.js';
import type { ApiClient } from '../../client/types.js';

export type { ApiResource } from '../../client/discovery.js';

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
  const all = await serverPreferredResources(client);
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
