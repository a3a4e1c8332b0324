/**
 * What the schema-table generator writes: the Go packages it reads and, per tables/*.gen.ts module, the root
 * types whose reachable structs it holds.
 *
 * A struct belongs to the first module (in this order) whose roots reach it, so shared types (ObjectMeta,
 * PodTemplateSpec, Container) are written once, in the module of the kind that needs them first; meta/v1
 * structs always go to meta-v1.gen.ts.
 */
import { CORE_V1, META_V1, type RootType } from './build-tables.js';

/** Directories of kubernetes/api read by the generator (every non-generated `.go` file in them). */
export const API_DIRS = ['core/v1', 'apps/v1', 'autoscaling/v1', 'discovery/v1', 'storage/v1', 'rbac/v1', 'authentication/v1', 'authorization/v1', 'coordination/v1', 'node/v1'];

/** Directories of kubernetes/apimachinery read by the generator. */
export const APIMACHINERY_DIRS = ['pkg/apis/meta/v1'];

/** One generated module. */
export interface TableModulePlan {
  /** File name under src/api/schema/tables/. */
  file: string;
  /** Exported constant. */
  exportName: string;
  /** One sentence on the module's job. */
  job: string;
  /** The package whose structs the module holds. */
  pkg: string;
  roots: RootType[];
}

const core = (...types: string[]): RootType[] => types.map((type) => ({ pkg: CORE_V1, type }));
const api = (dir: string, ...types: string[]): RootType[] => types.map((type) => ({ pkg: `k8s.io/api/${dir}`, type }));
const meta = (...types: string[]): RootType[] => types.map((type) => ({ pkg: META_V1, type }));
const lists = (...kinds: string[]): string[] => kinds.flatMap((k) => [k, `${k}List`]);

/** The modules, in assignment order. */
export const MODULES: TableModulePlan[] = [
  {
    file: 'meta-v1.gen.ts',
    exportName: 'metaV1',
    job: 'Schema of the meta/v1 types: ObjectMeta, ListMeta, Status, DeleteOptions, Table, WatchEvent...',
    pkg: META_V1,
    roots: meta('Status', 'DeleteOptions', 'WatchEvent', 'Table', 'PartialObjectMetadata', 'PartialObjectMetadataList', 'APIResourceList', 'APIGroupList', 'APIVersions'),
  },
  {
    file: 'core-v1-volume.gen.ts',
    exportName: 'coreV1Volume',
    job: 'Schema of core/v1 Volume and its volume sources.',
    pkg: CORE_V1,
    roots: core('Volume'),
  },
  {
    file: 'core-v1-pod.gen.ts',
    exportName: 'coreV1Pod',
    job: 'Schema of core/v1 Pod, PodList, PodTemplateSpec and the types their spec and status use (volume sources excepted).',
    pkg: CORE_V1,
    roots: core(...lists('Pod'), 'PodTemplateSpec'),
  },
  {
    file: 'core-v1-kinds.gen.ts',
    exportName: 'coreV1Kinds',
    job: 'Schema of the other core/v1 kinds k1s serves: Namespace, Node, ConfigMap, Secret, Event, ServiceAccount, ReplicationController, PodTemplate, Binding.',
    pkg: CORE_V1,
    roots: core(...lists('Namespace', 'Node', 'ConfigMap', 'Secret', 'Event', 'ServiceAccount', 'ReplicationController', 'PodTemplate'), 'Binding'),
  },
  {
    file: 'core-v1-services.gen.ts',
    exportName: 'coreV1Services',
    job: 'Schema of core/v1 Service and Endpoints (and their lists).',
    pkg: CORE_V1,
    roots: core(...lists('Service', 'Endpoints')),
  },
  {
    file: 'core-v1-storage.gen.ts',
    exportName: 'coreV1Storage',
    job: 'Schema of core/v1 PersistentVolume and PersistentVolumeClaim (and their lists), and the topology terms of storage classes.',
    pkg: CORE_V1,
    roots: core(...lists('PersistentVolume', 'PersistentVolumeClaim'), 'TopologySelectorTerm'),
  },
  {
    file: 'core-v1-policy.gen.ts',
    exportName: 'coreV1Policy',
    job: 'Schema of core/v1 LimitRange and ResourceQuota (and their lists): the namespace policies admission enforces.',
    pkg: CORE_V1,
    roots: core(...lists('LimitRange', 'ResourceQuota')),
  },
  {
    file: 'apps-v1.gen.ts',
    exportName: 'appsV1',
    job: 'Schema of apps/v1 Deployment and ReplicaSet (and their lists).',
    pkg: 'k8s.io/api/apps/v1',
    roots: api('apps/v1', ...lists('Deployment', 'ReplicaSet')),
  },
  {
    file: 'autoscaling-v1.gen.ts',
    exportName: 'autoscalingV1',
    job: 'Schema of autoscaling/v1 Scale (the scale subresource of Deployments and ReplicaSets).',
    pkg: 'k8s.io/api/autoscaling/v1',
    roots: api('autoscaling/v1', 'Scale'),
  },
  {
    file: 'discovery-v1.gen.ts',
    exportName: 'discoveryV1',
    job: 'Schema of discovery.k8s.io/v1 EndpointSlice (and its list).',
    pkg: 'k8s.io/api/discovery/v1',
    roots: api('discovery/v1', ...lists('EndpointSlice')),
  },
  {
    file: 'storage-v1.gen.ts',
    exportName: 'storageV1',
    job: 'Schema of storage.k8s.io/v1 StorageClass (and its list).',
    pkg: 'k8s.io/api/storage/v1',
    roots: api('storage/v1', ...lists('StorageClass')),
  },
  {
    file: 'rbac-v1.gen.ts',
    exportName: 'rbacV1',
    job: 'Schema of rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and ClusterRoleBinding (and their lists).',
    pkg: 'k8s.io/api/rbac/v1',
    roots: api('rbac/v1', ...lists('Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding')),
  },
  {
    file: 'authentication-v1.gen.ts',
    exportName: 'authenticationV1',
    job: 'Schema of authentication.k8s.io/v1 TokenRequest (the token subresource of ServiceAccounts), TokenReview and SelfSubjectReview.',
    pkg: 'k8s.io/api/authentication/v1',
    roots: api('authentication/v1', 'TokenRequest', 'TokenReview', 'SelfSubjectReview'),
  },
  {
    file: 'authorization-v1.gen.ts',
    exportName: 'authorizationV1',
    job: 'Schema of authorization.k8s.io/v1 SubjectAccessReview, SelfSubjectAccessReview, LocalSubjectAccessReview and SelfSubjectRulesReview.',
    pkg: 'k8s.io/api/authorization/v1',
    roots: api('authorization/v1', 'SubjectAccessReview', 'SelfSubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'),
  },
  {
    file: 'coordination-v1.gen.ts',
    exportName: 'coordinationV1',
    job: 'Schema of coordination.k8s.io/v1 Lease (and its list): node heartbeats and leader election.',
    pkg: 'k8s.io/api/coordination/v1',
    roots: api('coordination/v1', ...lists('Lease')),
  },
  {
    file: 'node-v1.gen.ts',
    exportName: 'nodeV1',
    job: 'Schema of node.k8s.io/v1 RuntimeClass (and its list).',
    pkg: 'k8s.io/api/node/v1',
    roots: api('node/v1', ...lists('RuntimeClass')),
  },
];
