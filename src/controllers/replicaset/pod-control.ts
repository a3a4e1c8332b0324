// Creating and deleting a ReplicaSet's (or ReplicationController's) pods through the API, with the events kube-controller-manager records for them.

import { isNotFound } from '../../api/errors.js';
import type { Pod } from '../../api/types.js';
import type { ReplicaSet } from '../../api/workloads.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { ApiClient } from '../../client/types.js';
import { isNamespaceTerminating, newControllerRef } from '../controller-ref.js';
import { REPLICASET } from './kind.js';
import { resourcePath, RESOURCES } from '../../api/paths.js';

/** apps/v1 ReplicaSet as a controller kind. */
export const REPLICASET_KIND = REPLICASET.ref;

/** apiVersion and kind of a controller (its owner references). */
export type OwnerKind = { apiVersion: string; kind: string };

/** The pods collection of `namespace`. */
export function podsPath(namespace: string): string {
  return resourcePath(RESOURCES.pods, { namespace });
}

/**
 * `controller.GetPodFromTemplate`: a pod named by `generateName: <rs>-` (the API server appends 5 random
 * characters), with the template's labels, annotations and finalizers, a controlling ownerReference to the
 * ReplicaSet (or the `owner` kind: blockOwnerDeletion) and a copy of the template's spec.
 */
export function podFromTemplate(rs: ReplicaSet, owner: OwnerKind = REPLICASET_KIND): Pod {
  const t = rs.spec.template ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: `${rs.metadata.name ?? ''}-`, ownerReferences: [newControllerRef(rs, owner)] },
    spec: structuredClone(t.spec ?? { containers: [] }),
  };
  const labels = t.metadata?.labels;
  const annotations = t.metadata?.annotations;
  const finalizers = t.metadata?.finalizers;
  if (labels && Object.keys(labels).length > 0) pod.metadata.labels = { ...labels };
  if (annotations && Object.keys(annotations).length > 0) pod.metadata.annotations = { ...annotations };
  if (finalizers && finalizers.length > 0) pod.metadata.finalizers = [...finalizers];
  return pod;
}

/**
 * `RealPodControl.CreatePods`: POSTs a pod from the template. Records `SuccessfulCreate` ("Created pod: NAME")
 * or, unless the namespace is terminating, `FailedCreate` ("Error creating: ERR"). Throws the API error, or
 * `unable to create pods, no labels` for a template without labels. `owner` is the controller's kind.
 */
export async function createPod(client: ApiClient, recorder: EventRecorder, rs: ReplicaSet, owner: OwnerKind = REPLICASET_KIND): Promise<Pod> {
  const pod = podFromTemplate(rs, owner);
  if (!pod.metadata.labels) throw new Error('unable to create pods, no labels');
  try {
    const created = await client.create<Pod>(podsPath(rs.metadata.namespace ?? ''), pod);
    recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
    return created;
  } catch (err) {
    if (!isNamespaceTerminating(err)) recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
    throw err;
  }
}

/**
 * `RealPodControl.DeletePod`: DELETEs the pod (default grace period). Records `SuccessfulDelete` ("Deleted
 * pod: NAME"); a NotFound is rethrown as is, other failures record `FailedDelete` ("Error deleting: ERR") and
 * throw `unable to delete pods: ERR`.
 */
export async function deletePod(client: ApiClient, recorder: EventRecorder, rs: ReplicaSet, name: string): Promise<void> {
  try {
    await client.delete(resourcePath(RESOURCES.pods, { namespace: rs.metadata.namespace ?? '', name }));
  } catch (err) {
    if (isNotFound(err)) throw err;
    recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
    throw new Error(`unable to delete pods: ${(err as Error).message}`, { cause: err });
  }
  recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
}
