// client-go's discovery role: the resources the server serves in each group's preferred version, read through the API.

import { isNotFound } from '../api/errors.js';
import { API_GROUPS_PATH, groupVersionPath } from '../api/paths.js';
import type { KubeObject } from '../api/types.js';
import type { ApiClient } from './types.js';

/** One served resource (no subresources), as discovery lists it. */
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

interface ApiResourceList extends KubeObject {
  resources?: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

interface ApiGroupList extends KubeObject {
  groups?: { name: string; preferredVersion?: { groupVersion: string; version: string } }[];
}

/**
 * Reads /api/v1 and each group's preferred version under /apis (client-go `ServerPreferredResources`), core group
 * first, then the groups in the server's order; subresources (`pods/status`) are left out. Throws what the API
 * throws (callers retry); a server without /apis gives the core group only.
 */
export async function serverPreferredResources(client: ApiClient): Promise<ApiResource[]> {
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
  return all;
}
