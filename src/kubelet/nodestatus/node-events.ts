/**
 * The events the kubelet records about its Node (`kubectl describe node` lists them): `Starting` and
 * `NodeAllocatableEnforced` when it starts, and one event each time a node condition is first set or changes
 * status (`Node vm status is now: NodeReady`, `NodeNotReady`, `NodeHasSufficientMemory`, `NodeHasDiskPressure`...).
 *
 * Mirrors `pkg/kubelet/nodestatus/setters.go` (ReadyCondition, MemoryPressureCondition, DiskPressureCondition,
 * PIDPressureCondition: `recordEventFunc(v1.EventTypeNormal, ...)` on a transition) and `pkg/kubelet/events`
 * (reasons). The kubelet's node reference names the node with its name as uid (`kl.nodeRef`), so these events
 * live in the `default` namespace with `involvedObject.uid` = the node name, as upstream's do.
 */
import type { KubeObject, NodeCondition } from '../../api/types.js';

/** The reason recorded when condition `type` becomes `status`, per upstream's setters. */
const REASONS: Record<string, { True: string; False: string }> = {
  Ready: { True: 'NodeReady', False: 'NodeNotReady' },
  MemoryPressure: { True: 'NodeHasInsufficientMemory', False: 'NodeHasSufficientMemory' },
  DiskPressure: { True: 'NodeHasDiskPressure', False: 'NodeHasNoDiskPressure' },
  PIDPressure: { True: 'NodeHasInsufficientPID', False: 'NodeHasSufficientPID' },
};

/** An event about the node: its reason and message (all are Normal, as upstream's). */
export interface NodeEvent {
  reason: string;
  message: string;
}

/** `kl.nodeRef`: the object the node events are about (kind Node, uid = the node's name). */
export function nodeReference(nodeName: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, uid: nodeName } };
}

/**
 * The events of the change from `before` to `after` (the node's conditions before and after a status update), in
 * `after`'s order: one per condition that is new or whose status changed. Pure.
 */
export function nodeConditionEvents(nodeName: string, before: readonly NodeCondition[] | undefined, after: readonly NodeCondition[]): NodeEvent[] {
  const events: NodeEvent[] = [];
  for (const c of after) {
    const reasons = REASONS[c.type];
    if (!reasons || (c.status !== 'True' && c.status !== 'False')) continue;
    const prev = before?.find((p) => p.type === c.type);
    if (prev?.status === c.status) continue;
    const reason = reasons[c.status];
    events.push({ reason, message: `Node ${nodeName} status is now: ${reason}` });
  }
  return events;
}

/** The events of a kubelet start, before the first status update (`Starting kubelet.`, NodeAllocatableEnforced). */
export function startupEvents(): NodeEvent[] {
  return [
    { reason: 'Starting', message: 'Starting kubelet.' },
    { reason: 'NodeAllocatableEnforced', message: 'Updated Node Allocatable limit across pods' },
  ];
}
