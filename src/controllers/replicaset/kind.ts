/**
 * The kinds the ReplicaSet controller's logic runs for: apps/v1 ReplicaSet as is, and core/v1 ReplicationController
 * converted to and from the ReplicaSet shape (its label-map selector as `matchLabels`).
 *
 * Mirrors kube-controller-manager `pkg/controller/replication/conversion.go`: the replication manager is the
 * ReplicaSet controller over adapters that convert ReplicationControllers to ReplicaSets on read and back on write.
 */
import type { KubeObject } from '../../api/types.js';
import type { ReplicaSet, ReplicationController } from '../../api/workloads.js';
import { RESOURCES, type GroupVersionResource } from '../../api/paths.js';

/** One kind a replica controller manages, with the conversions between its objects and the ReplicaSet shape. */
export interface ReplicaKind {
  /** apiVersion and kind of owner references, events and the objects' own type fields. */
  ref: { apiVersion: string; kind: string };
  /** The controller's name in events' `source.component` (`replicaset-controller`, `replication-controller`). */
  component: string;
  /** The served resource (`replicasets`, `replicationcontrollers`); its paths come from `resourcePath`. */
  resource: GroupVersionResource;
  /** A served object as the ReplicaSet the sync works on (apiVersion and kind stay the served ones). */
  toReplicaSet(obj: KubeObject): ReplicaSet;
  /** The ReplicaSet shape back as the served kind, for writes (the status subresource). */
  fromReplicaSet(rs: ReplicaSet): KubeObject;
}

/** apps/v1 ReplicaSet: no conversion. */
export const REPLICASET: ReplicaKind = {
  ref: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  component: 'replicaset-controller',
  resource: RESOURCES.replicasets,
  toReplicaSet: (obj) => obj as ReplicaSet,
  fromReplicaSet: (rs) => rs,
};

/**
 * core/v1 ReplicationController: `spec.selector` (a label map) becomes `spec.selector.matchLabels` and back
 * (Convert_v1_ReplicationControllerSpec_To_apps_ReplicaSetSpec and the reverse); the status fields are the same.
 */
export const REPLICATION_CONTROLLER: ReplicaKind = {
  ref: { apiVersion: 'v1', kind: 'ReplicationController' },
  component: 'replication-controller',
  resource: RESOURCES.replicationcontrollers,
  toReplicaSet(obj) {
    const rc = obj as ReplicationController;
    const { selector, ...spec } = rc.spec ?? {};
    const rs: ReplicaSet = { ...rc, apiVersion: 'v1', kind: 'ReplicationController', spec: { ...spec, selector: { matchLabels: { ...(selector ?? {}) } } } };
    return rs;
  },
  fromReplicaSet(rs) {
    const { selector, ...spec } = rs.spec;
    const rc: ReplicationController = { ...rs, apiVersion: 'v1', kind: 'ReplicationController', spec: { ...spec, selector: { ...(selector.matchLabels ?? {}) } } };
    return rc;
  },
};
