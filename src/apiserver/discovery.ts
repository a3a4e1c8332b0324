/**
 * API discovery documents built from the strategies' ResourceInfo: legacy APIVersions, APIGroupList,
 * APIGroup, APIResourceList, and aggregated discovery v2 (APIGroupDiscoveryList).
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/discovery` (legacy) and `discovery/aggregated` (KEP-3352).
 * kubectl decides by the response Content-Type, so the v2 document is sent with exactly
 * `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList` and only when the Accept asks.
 */
import { createHash } from 'node:crypto';
import type { ResourceInfo } from '../registry/strategy.js';
import type { MediaType } from './http.js';

/** Content-Type of aggregated discovery v2 responses. */
export const DISCOVERY_V2_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
/** Content-Type of aggregated discovery v2beta1 responses. */
export const DISCOVERY_V2BETA1_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Subresource kinds and verbs as kube-apiserver registers them. */
const SUBRESOURCES: Record<string, { kind?: string; verbs: string[] }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  log: { kind: 'Pod', verbs: ['get'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'head', 'options', 'patch', 'put'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { kind: 'Eviction', verbs: ['create'] },
  ephemeralcontainers: { verbs: ['get', 'patch', 'update'] },
  finalize: { verbs: ['update'] },
  scale: { kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  token: { kind: 'TokenRequest', verbs: ['create'] },
};

function subKind(info: ResourceInfo, sub: string): string {
  return SUBRESOURCES[sub]?.kind ?? info.kind;
}

function subVerbs(sub: string): string[] {
  return SUBRESOURCES[sub]?.verbs ?? ['get'];
}

/** Which aggregated discovery form (if any) an Accept header asks for, in the client's order. */
export function wantsAggregated(accept: MediaType[]): 'v2' | 'v2beta1' | undefined {
  for (const m of accept) {
    if (m.type !== 'application/json') continue;
    if (m.params['g'] !== 'apidiscovery.k8s.io' || m.params['as'] !== 'APIGroupDiscoveryList') {
      if (Object.keys(m.params).length === 0) return undefined;
      continue;
    }
    if (m.params['v'] === 'v2') return 'v2';
    if (m.params['v'] === 'v2beta1') return 'v2beta1';
  }
  return undefined;
}

/** `/api`: APIVersions. */
export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupVersions(infos: ResourceInfo[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const i of infos) {
    if (i.group === '') continue;
    const vs = groups.get(i.group) ?? [];
    if (!vs.includes(i.version)) vs.push(i.version);
    groups.set(i.group, vs);
  }
  return groups;
}

function apiGroup(name: string, versions: string[]): unknown {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

/** `/apis`: APIGroupList of the non-core groups. */
export function apiGroupList(infos: ResourceInfo[]): unknown {
  const groups = [...groupVersions(infos)].map(([g, vs]) => apiGroup(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `/apis/<group>`: APIGroup, or undefined when unknown. */
export function apiGroupDoc(infos: ResourceInfo[], group: string): unknown {
  const vs = groupVersions(infos).get(group);
  if (!vs) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...(apiGroup(group, vs) as object) };
}

/**
 * The `storageVersionHash` of a resource in legacy discovery: the first 8 bytes of
 * sha256("group/version/kind"), base64 (apiserver `pkg/endpoints/discovery/storageversionhash.go`);
 * pods give `xPOwRZ+Yhw8=`. Clients (the storage-version migrator, garbage collector) compare it to see
 * whether stored objects need rewriting.
 */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** `/api/v1` or `/apis/<g>/<v>`: APIResourceList, or undefined when the group-version is unknown. */
export function apiResourceList(infos: ResourceInfo[], group: string, version: string): unknown {
  const mine = infos.filter((i) => i.group === group && i.version === version);
  if (mine.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const i of mine) {
    const entry: Record<string, unknown> = {
      name: i.resource,
      singularName: i.singular,
      namespaced: i.namespaced,
      kind: i.kind,
      verbs: i.verbs,
    };
    if (i.shortNames.length) entry['shortNames'] = i.shortNames;
    if (!i.withoutStorage) entry['storageVersionHash'] = storageVersionHash(i.group, i.version, i.kind);
    if (i.categories.length) entry['categories'] = i.categories;
    resources.push(entry);
    for (const sub of i.subresources) {
      resources.push({ name: `${i.resource}/${sub}`, singularName: '', namespaced: i.namespaced, kind: subKind(i, sub), verbs: subVerbs(sub) });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function discoveryResource(i: ResourceInfo): unknown {
  const r: Record<string, unknown> = {
    resource: i.resource,
    responseKind: { group: i.group, version: i.version, kind: i.kind },
    scope: i.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: i.singular,
    verbs: i.verbs,
  };
  if (i.shortNames.length) r['shortNames'] = i.shortNames;
  if (i.categories.length) r['categories'] = i.categories;
  if (i.subresources.length) {
    r['subresources'] = i.subresources.map((sub) => ({
      subresource: sub,
      responseKind: { group: i.group, version: i.version, kind: subKind(i, sub) },
      verbs: subVerbs(sub),
    }));
  }
  return r;
}

/**
 * Aggregated discovery: for `/api` (core = true) the core group only, for `/apis` every other group.
 * `apiVersion` is `apidiscovery.k8s.io/v2` or `/v2beta1`.
 */
export function aggregatedDiscovery(infos: ResourceInfo[], core: boolean, version: 'v2' | 'v2beta1'): unknown {
  const byGroup = new Map<string, Map<string, ResourceInfo[]>>();
  for (const i of infos) {
    if ((i.group === '') !== core) continue;
    const g = byGroup.get(i.group) ?? new Map<string, ResourceInfo[]>();
    g.set(i.version, [...(g.get(i.version) ?? []), i]);
    byGroup.set(i.group, g);
  }
  const items = [...byGroup].map(([group, versions]) => ({
    metadata: group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
    versions: [...versions].map(([v, rs]) => ({
      version: v,
      resources: rs.map(discoveryResource),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
