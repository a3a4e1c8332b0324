/**
 * The Node authorizer: a kubelet (`system:node:<name>` in `system:nodes`) may read the Secrets, ConfigMaps,
 * PersistentVolumeClaims and PersistentVolumes of pods bound to its node, create tokens for their ServiceAccounts,
 * write the status of those pods and of its own Node, and otherwise do what the `system:node` ClusterRole's rules say.
 *
 * Mirrors kube-apiserver `plugin/pkg/auth/authorizer/node/node_authorizer.go` (the graph-checked resources and their
 * reasons: `no relationship found between node '<n>' and this object`; `nodeRules` for everything else) and the
 * object-scoping checks of the NodeRestriction admission plugin (own Node, own pods). The graph is the pods of the
 * watched pod set; a miss is checked again against storage, so a just-bound pod is never refused.
 */
import type { AuthorizationAttributes, AuthorizationResult, RulesResult } from '../../api/authorization.js';
import type { KubeObject, Pod } from '../../api/types.js';
import type { PolicyRule } from '../../api/rbac.js';
import { NODE_USER_PREFIX, NODES_GROUP, type UserInfo } from '../../api/user.js';
import { ruleAllows } from './rbac.js';
import type { WatchedObjects } from './watched-objects.js';

/** The node name of a node user, '' for an unidentifiable one, undefined for everyone else (NodeIdentifier). */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.username.startsWith(NODE_USER_PREFIX)) return undefined;
  return user.username.slice(NODE_USER_PREFIX.length);
}

type Vertex = 'secrets' | 'configmaps' | 'persistentvolumeclaims' | 'serviceaccounts';

/** What one pod references, by vertex type (the graph populator's edges from a pod). */
export function podReferences(pod: Pod): Record<Vertex, Set<string>> {
  const refs: Record<Vertex, Set<string>> = { secrets: new Set(), configmaps: new Set(), persistentvolumeclaims: new Set(), serviceaccounts: new Set() };
  const spec = pod.spec;
  if (!spec) return refs;
  refs.serviceaccounts.add(spec.serviceAccountName || 'default');
  for (const s of spec.imagePullSecrets ?? []) if (s.name) refs.secrets.add(s.name);
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...((spec.ephemeralContainers ?? []) as typeof spec.containers)];
  for (const c of containers) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef?.name) refs.secrets.add(e.valueFrom.secretKeyRef.name);
      if (e.valueFrom?.configMapKeyRef?.name) refs.configmaps.add(e.valueFrom.configMapKeyRef.name);
    }
    for (const e of c.envFrom ?? []) {
      if (e.secretRef?.name) refs.secrets.add(e.secretRef.name);
      if (e.configMapRef?.name) refs.configmaps.add(e.configMapRef.name);
    }
  }
  for (const v of spec.volumes ?? []) {
    const vol = v as Record<string, unknown> & typeof v;
    if (v.secret?.secretName) refs.secrets.add(v.secret.secretName);
    if (v.configMap?.name) refs.configmaps.add(v.configMap.name);
    if (v.persistentVolumeClaim?.claimName) refs.persistentvolumeclaims.add(v.persistentVolumeClaim.claimName);
    if (vol['ephemeral']) refs.persistentvolumeclaims.add(`${pod.metadata.name ?? ''}-${v.name}`);
    const projected = vol['projected'] as { sources?: { secret?: { name?: string }; configMap?: { name?: string } }[] } | undefined;
    for (const src of projected?.sources ?? []) {
      if (src.secret?.name) refs.secrets.add(src.secret.name);
      if (src.configMap?.name) refs.configmaps.add(src.configMap.name);
    }
    for (const [key, nameKey] of [['cephfs', 'secretRef'], ['rbd', 'secretRef'], ['iscsi', 'secretRef'], ['flexVolume', 'secretRef'], ['csi', 'nodePublishSecretRef']] as const) {
      const name = ((vol[key] as Record<string, { name?: string } | undefined> | undefined)?.[nameKey])?.name;
      if (name) refs.secrets.add(name);
    }
  }
  return refs;
}

/** What the Node authorizer reads. */
export interface NodeGraphSource {
  /** The watched pods (all namespaces). */
  pods: WatchedObjects<Pod>;
  /** A live list of the pods bound to `nodeName`, for misses of the watched set. */
  listPods(nodeName: string): Promise<Pod[]>;
  /** Reads a PersistentVolumeClaim (for PV access through a claim); undefined when missing or unserved. */
  getClaim(namespace: string, name: string): Promise<KubeObject | undefined>;
}

const NO_OPINION: AuthorizationResult = { decision: 'NoOpinion', reason: '' };

/** The Node authorizer; `nodeRules` are the `system:node` ClusterRole's rules. */
export class NodeAuthorizer {
  constructor(
    private readonly graph: NodeGraphSource,
    private readonly nodeRules: PolicyRule[],
  ) {}

  private async podsOn(node: string, live: boolean): Promise<Pod[]> {
    if (live) return this.graph.listPods(node);
    const out: Pod[] = [];
    for (const p of this.graph.pods.values()) if (p.spec?.nodeName === node) out.push(p);
    return out;
  }

  /** hasPathFrom: some pod on `node` in `namespace` references `type` `name` (watched pods first, then storage). */
  private async related(node: string, type: Vertex | 'persistentvolumes', namespace: string, name: string): Promise<boolean> {
    for (const live of [false, true]) {
      for (const pod of await this.podsOn(node, live)) {
        if (type === 'persistentvolumes') {
          for (const claim of podReferences(pod).persistentvolumeclaims) {
            const pvc = await this.graph.getClaim(pod.metadata.namespace ?? '', claim);
            if ((pvc as { spec?: { volumeName?: string } } | undefined)?.spec?.volumeName === name) return true;
          }
          continue;
        }
        if (pod.metadata.namespace === namespace && podReferences(pod)[type].has(name)) return true;
      }
    }
    return false;
  }

  private async podOnNode(node: string, namespace: string, name: string): Promise<boolean> {
    const watched = this.graph.pods.get(namespace, name);
    if (watched?.spec?.nodeName === node) return true;
    return (await this.graph.listPods(node)).some((p) => p.metadata.namespace === namespace && p.metadata.name === name);
  }

  private noRelationship(node: string): AuthorizationResult {
    return { decision: 'NoOpinion', reason: `no relationship found between node '${node}' and this object` };
  }

  async authorize(a: AuthorizationAttributes): Promise<AuthorizationResult> {
    const node = nodeIdentity(a.user);
    if (node === undefined) return NO_OPINION;
    if (node === '') return { decision: 'NoOpinion', reason: `unknown node for user ${JSON.stringify(a.user.username)}` };
    const rulesAllow = (): AuthorizationResult => (this.nodeRules.some((r) => ruleAllows(a, r)) ? { decision: 'Allow', reason: '' } : NO_OPINION);
    if (!a.resourceRequest || a.apiGroup !== '') return rulesAllow();
    switch (a.resource) {
      case 'secrets':
      case 'configmaps': {
        if (!['get', 'list', 'watch'].includes(a.verb)) return { decision: 'NoOpinion', reason: 'can only read resources of this type' };
        if (a.subresource) return { decision: 'NoOpinion', reason: 'cannot read subresource' };
        if (!a.namespace) return { decision: 'NoOpinion', reason: 'can only read namespaced object of this type' };
        if (!a.name) return { decision: 'NoOpinion', reason: 'No Object name found' };
        return (await this.related(node, a.resource, a.namespace, a.name)) ? { decision: 'Allow', reason: '' } : this.noRelationship(node);
      }
      case 'persistentvolumeclaims':
      case 'persistentvolumes': {
        if (a.resource === 'persistentvolumeclaims' && a.subresource === 'status') {
          if (a.verb !== 'get' && a.verb !== 'update' && a.verb !== 'patch') return { decision: 'NoOpinion', reason: 'can only get/update/patch this type' };
        } else {
          if (a.verb !== 'get') return { decision: 'NoOpinion', reason: 'can only get individual resources of this type' };
          if (a.subresource) return { decision: 'NoOpinion', reason: 'cannot get subresource' };
        }
        if (!a.name) return { decision: 'NoOpinion', reason: 'No Object name found' };
        return (await this.related(node, a.resource, a.namespace, a.name)) ? { decision: 'Allow', reason: '' } : this.noRelationship(node);
      }
      case 'serviceaccounts': {
        if (a.subresource === '') return rulesAllow();
        if (a.verb !== 'create' || !a.name) return { decision: 'NoOpinion', reason: 'can only create tokens for individual service accounts' };
        if (a.subresource !== 'token') return { decision: 'NoOpinion', reason: 'can only create token subresource of serviceaccount' };
        return (await this.related(node, 'serviceaccounts', a.namespace, a.name)) ? { decision: 'Allow', reason: '' } : this.noRelationship(node);
      }
      case 'nodes': {
        // NodeRestriction: a node writes only its own Node object.
        const writes = ['update', 'patch', 'delete'].includes(a.verb);
        if (writes && a.name !== node) return { decision: 'NoOpinion', reason: `node ${JSON.stringify(node)} is not allowed to modify node ${JSON.stringify(a.name)}` };
        return rulesAllow();
      }
      case 'pods': {
        // NodeRestriction: status writes and deletes only of pods bound to this node.
        const scoped = (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) || (a.subresource === '' && a.verb === 'delete');
        if (scoped && !(await this.podOnNode(node, a.namespace, a.name))) {
          return { decision: 'NoOpinion', reason: `node ${JSON.stringify(node)} can only modify pods bound to itself` };
        }
        return rulesAllow();
      }
      default:
        return rulesAllow();
    }
  }

  /** Nodes' permissions are not enumerable (incomplete, with the upstream evaluation error); others get nothing. */
  rulesFor(user: UserInfo): RulesResult {
    if (nodeIdentity(user) === undefined) return { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };
    return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' };
  }
}
