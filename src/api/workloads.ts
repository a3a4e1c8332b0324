/**
 * apps/v1 Deployment and ReplicaSet, core/v1 ReplicationController and PodTemplate, autoscaling/v1 Scale: the shapes shared by the
 * registry and the ReplicaSet, replication, Deployment and garbage-collector controllers.
 *
 * Mirrors k8s.io/api `apps/v1/types.go`, `core/v1/types.go` (ReplicationController) and `autoscaling/v1/types.go` at v1.32.
 */
import type { WorkloadCondition } from './services.js';
import type { IntOrString, KubeObject, ObjectMeta, PodSpec } from './types.js';

/** `metav1.LabelSelector`. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** core/v1 PodTemplateSpec. */
export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

/** apps/v1 ReplicaSetSpec. */
export interface ReplicaSetSpec {
  /** Default 1. */
  replicas?: number;
  /** Seconds; default 0. */
  minReadySeconds?: number;
  selector: LabelSelector;
  template?: PodTemplateSpec;
}

/** apps/v1 ReplicaSetStatus. */
export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: WorkloadCondition[];
}

/** apps/v1 ReplicaSet. */
export interface ReplicaSet extends KubeObject {
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

/** apps/v1 DeploymentStrategy. */
export interface DeploymentStrategy {
  type?: 'RollingUpdate' | 'Recreate';
  /** Defaults 25% / 25%. */
  rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString };
}

/** apps/v1 DeploymentSpec. */
export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  /** Default 10. */
  revisionHistoryLimit?: number;
  paused?: boolean;
  /** Seconds; default 600. */
  progressDeadlineSeconds?: number;
}

/** apps/v1 DeploymentStatus. */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: WorkloadCondition[];
  collisionCount?: number;
}

/** apps/v1 Deployment. */
export interface Deployment extends KubeObject {
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

/** core/v1 ReplicationControllerSpec: a ReplicaSet spec whose selector is a plain label map. */
export interface ReplicationControllerSpec {
  /** Default 1. */
  replicas?: number;
  /** Seconds; default 0. */
  minReadySeconds?: number;
  /** Equality-based selector; defaults to the template's labels. */
  selector?: Record<string, string>;
  template?: PodTemplateSpec;
}

/** core/v1 ReplicationController (status fields as ReplicaSetStatus). */
export interface ReplicationController extends KubeObject {
  spec: ReplicationControllerSpec;
  status?: ReplicaSetStatus;
}

/** core/v1 PodTemplate: a pod template stored on its own (the template is `template`, not `spec.template`). */
export interface PodTemplate extends KubeObject {
  template?: PodTemplateSpec;
}

/** autoscaling/v1 Scale (the `scale` subresource of Deployments, ReplicaSets and ReplicationControllers). */
export interface Scale extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas: number; selector?: string };
}
