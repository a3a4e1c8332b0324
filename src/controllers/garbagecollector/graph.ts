/**
 * The garbage collector's dependency graph: one node per uid, owners from metadata.ownerReferences and
 * dependents the reverse, "virtual" nodes for owners not observed yet; informer events update it and name
 * the nodes the collector must look at (attempt to delete, attempt to orphan).
 *
 * Mirrors kube-controller-manager `pkg/controller/garbagecollector/graph.go` and `graph_builder.go`
 * (processGraphChanges, insertNode, addDependentToOwners, removeNode, processTransitions,
 * addUnblockedOwnersToDeleteQueue, the absent-owner cache). Synchronous: JavaScript runs each informer
 * handler to completion, so the graph needs no locks.
 */
import { FINALIZER_DELETE_DEPENDENTS, FINALIZER_ORPHAN_DEPENDENTS, type KubeObject, type OwnerReference } from '../../api/types.js';
import type { ApiResource } from './discovery.js';

/** Coordinates of an object (graph.go objectReference). */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/** One object of the graph. */
export interface GraphNode {
  identity: ObjectIdentity;
  /** The resource it was observed through; undefined while virtual. */
  resource: ApiResource | undefined;
  /** Its ownerReferences as last observed. */
  owners: OwnerReference[];
  dependents: Set<GraphNode>;
  /** False for a virtual node: referenced as an owner, not (yet) seen by an informer. */
  observed: boolean;
  /** It has a deletionTimestamp (a one-way trip). */
  beingDeleted: boolean;
  /** Being deleted with the foregroundDeletion finalizer: waits for its blocking dependents. */
  deletingDependents: boolean;
}

/** Where the graph sends the nodes to look at. */
export interface GraphSink {
  attemptToDelete(node: GraphNode): void;
  attemptToOrphan(node: GraphNode): void;
}

function hasFinalizer(obj: KubeObject | undefined, finalizer: string): boolean {
  return (obj?.metadata.finalizers ?? []).includes(finalizer);
}

/** `old` → `obj` is the moment deletion starts with `finalizer` present (graph_builder deletionStartsWithFinalizer). */
function deletionStartsWithFinalizer(old: KubeObject | undefined, obj: KubeObject, finalizer: string): boolean {
  if (!obj.metadata.deletionTimestamp || !hasFinalizer(obj, finalizer)) return false;
  return !old || !old.metadata.deletionTimestamp || !hasFinalizer(old, finalizer);
}

/** The dependents of `owner` whose reference to it has blockOwnerDeletion (node.blockingDependents). */
export function blockingDependents(owner: GraphNode): GraphNode[] {
  return [...owner.dependents].filter((d) => d.owners.some((o) => o.uid === owner.identity.uid && o.blockOwnerDeletion === true));
}

/** The dependency graph; see the file comment. */
export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();
  /** Owners verified absent, keyed `uid/namespace` ('' for cluster-scoped); bounded, oldest dropped first. */
  private readonly absent = new Map<string, true>();

  constructor(
    private readonly sink: GraphSink,
    private readonly absentCacheSize = 500,
  ) {}

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Records that the owner `uid` does not exist in `namespace` ('' = cluster-scoped). */
  markAbsent(uid: string, namespace: string): void {
    const key = `${uid}/${namespace}`;
    this.absent.delete(key);
    this.absent.set(key, true);
    while (this.absent.size > this.absentCacheSize) this.absent.delete(this.absent.keys().next().value as string);
  }

  /** True when the owner `uid` was verified absent, cluster-wide or in `namespace`. */
  isAbsent(uid: string, namespace: string): boolean {
    return this.absent.has(`${uid}/`) || this.absent.has(`${uid}/${namespace}`);
  }

  /** Applies one informer event of an object of `resource` (processGraphChanges). */
  observe(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject, old: KubeObject | undefined, resource: ApiResource): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const existing = this.nodes.get(uid);
    if (type === 'DELETED') {
      if (existing) this.removeAndNotify(existing);
      return;
    }
    const identity: ObjectIdentity = {
      apiVersion: resource.groupVersion,
      kind: resource.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
      uid,
    };
    const beingDeleted = obj.metadata.deletionTimestamp !== undefined;
    const owners = obj.metadata.ownerReferences ?? [];
    if (!existing) {
      const node: GraphNode = {
        identity,
        resource,
        owners,
        dependents: new Set(),
        observed: true,
        beingDeleted,
        deletingDependents: beingDeleted && hasFinalizer(obj, FINALIZER_DELETE_DEPENDENTS),
      };
      this.nodes.set(uid, node);
      this.addDependentToOwners(node, owners);
      this.processTransitions(old, obj, node);
      return;
    }
    if (!existing.observed) {
      existing.observed = true;
      existing.identity = identity;
      existing.resource = resource;
      // Dependents seen before their owner named it in their own namespace: those of another namespace than the
      // observed owner's cannot be owned by it, so a lookup decides (upstream graph_builder's potentially invalid
      // dependents). The API server lists by namespace, so a dependent can come first.
      if (resource.namespaced) for (const dep of existing.dependents) if (dep.identity.namespace !== identity.namespace) this.sink.attemptToDelete(dep);
    }
    const { added, removed, unblocked } = referencesDiff(existing.owners, owners);
    existing.owners = owners;
    this.addDependentToOwners(existing, added);
    this.removeDependentFromOwners(existing, removed);
    // An owner waiting for its blocking dependents may be free now.
    for (const ref of [...removed, ...unblocked]) {
      if (ref.blockOwnerDeletion !== true) continue;
      const owner = this.nodes.get(ref.uid);
      if (owner) this.sink.attemptToDelete(owner);
    }
    if (beingDeleted) existing.beingDeleted = true;
    this.processTransitions(old, obj, existing);
  }

  /**
   * The object of `node` was found absent by a lookup (a "virtual delete event"): a virtual node leaves the
   * graph and its dependents are looked at; an observed node waits for its informer's DELETED.
   */
  virtualDelete(node: GraphNode): void {
    const current = this.nodes.get(node.identity.uid);
    if (current && !current.observed) this.removeAndNotify(current);
  }

  private removeAndNotify(node: GraphNode): void {
    this.nodes.delete(node.identity.uid);
    this.removeDependentFromOwners(node, node.owners);
    if (node.dependents.size > 0) this.markAbsent(node.identity.uid, node.identity.namespace);
    for (const dep of node.dependents) this.sink.attemptToDelete(dep);
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) this.sink.attemptToDelete(owner);
    }
  }

  private addDependentToOwners(node: GraphNode, refs: OwnerReference[]): void {
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = {
          identity: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: node.identity.namespace, name: ref.name, uid: ref.uid },
          resource: undefined,
          owners: [],
          dependents: new Set(),
          observed: false,
          beingDeleted: false,
          deletingDependents: false,
        };
        this.nodes.set(ref.uid, owner);
        this.sink.attemptToDelete(owner);
      } else if (owner.observed && owner.resource?.namespaced && owner.identity.namespace !== node.identity.namespace) {
        // A namespaced owner can only own objects of its own namespace: let a lookup decide.
        this.sink.attemptToDelete(node);
      }
      owner.dependents.add(node);
    }
  }

  private removeDependentFromOwners(node: GraphNode, refs: OwnerReference[]): void {
    for (const ref of refs) this.nodes.get(ref.uid)?.dependents.delete(node);
  }

  private processTransitions(old: KubeObject | undefined, obj: KubeObject, node: GraphNode): void {
    if (deletionStartsWithFinalizer(old, obj, FINALIZER_ORPHAN_DEPENDENTS)) {
      this.sink.attemptToOrphan(node);
      return;
    }
    if (deletionStartsWithFinalizer(old, obj, FINALIZER_DELETE_DEPENDENTS)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.sink.attemptToDelete(dep);
      this.sink.attemptToDelete(node);
    }
  }
}

/**
 * Owner references added and removed (by uid) between `old` and `now`, and those that kept their uid but
 * lost blockOwnerDeletion (graph_builder referencesDiffs; `unblocked` holds the old reference).
 */
export function referencesDiff(old: OwnerReference[], now: OwnerReference[]): { added: OwnerReference[]; removed: OwnerReference[]; unblocked: OwnerReference[] } {
  const oldByUid = new Map(old.map((r) => [r.uid, r]));
  const nowByUid = new Map(now.map((r) => [r.uid, r]));
  const added = now.filter((r) => !oldByUid.has(r.uid));
  const removed = old.filter((r) => !nowByUid.has(r.uid));
  const unblocked = old.filter((r) => nowByUid.has(r.uid) && r.blockOwnerDeletion === true && nowByUid.get(r.uid)?.blockOwnerDeletion !== true);
  return { added, removed, unblocked };
}
