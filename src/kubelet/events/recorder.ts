// The kubelet's EventRecorder: the shared client recorder (client/event-recorder.ts) with source {kubelet, node} about pods and their containers.

import type { ApiClient } from '../../client/types.js';
import { createEventRecorder as createClientEventRecorder, type EventRecorder } from '../../client/event-recorder.js';
import type { Pod } from '../../api/types.js';
import type { PassiveClock } from '../../api/clock.js';

export type { EventRecorder } from '../../client/event-recorder.js';

/**
 * The `fieldPath` of a container in `pod`: `spec.initContainers{x}` for init containers, `spec.ephemeralContainers{x}`
 * for ephemeral containers, else `spec.containers{x}`.
 */
export function containerFieldPath(pod: Pod, name: string): string {
  if ((pod.spec.initContainers ?? []).some((c) => c.name === name)) return `spec.initContainers{${name}}`;
  if ((pod.spec.ephemeralContainers ?? []).some((c) => c.name === name)) return `spec.ephemeralContainers{${name}}`;
  return `spec.containers{${name}}`;
}

/**
 * Creates the EventRecorder of `component` on node `host` (source and reportingInstance: the node). Events about
 * pods (`involvedObject` kind Pod, v1; containers by `fieldPath`) pass client-go's EventCorrelator: repeats of an
 * identical event PATCH `count`/`lastTimestamp` of the first one, more than 10 similar events (same reason, other
 * messages) within 10 minutes are combined into one `(combined from similar events): ...` event, and each pod
 * may burst 25 events, then 1 per 5 minutes (the rest are dropped). Writes are serialized in one queue; a failed
 * write is logged through `log`, never thrown.
 */
export function createEventRecorder(client: ApiClient, source: { component: string; host: string }, clock: PassiveClock, log: (msg: string) => void = () => {}): EventRecorder {
  return createClientEventRecorder({
    client,
    component: source.component,
    host: source.host,
    clock,
    kind: { apiVersion: 'v1', kind: 'Pod' },
    onError: (err) => log((err as Error).message),
  });
}
