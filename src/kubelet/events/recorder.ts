// An EventRecorder writing core/v1 Events through the API, with client-go-style count aggregation.

import { randomBytes } from 'node:crypto';
import { isConflict, isNotFound } from '../../api/errors.js';
import type { Event, Pod } from '../../api/types.js';
import type { ApiClient } from '../../client/types.js';
import { rfc3339, type Clock } from '../util/clock.js';

/** Records events about pods (and their containers via `fieldPath`). Never throws; failures are logged. */
export interface EventRecorder {
  /** `fieldPath` such as `spec.containers{app}` or `spec.initContainers{init}`; omit for the pod itself. */
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  /** Resolves once every queued write finished (tests, shutdown). */
  flush(): Promise<void>;
}

/** The `fieldPath` of a container in `pod`: `spec.initContainers{x}` for init containers, else `spec.containers{x}`. */
export function containerFieldPath(pod: Pod, name: string): string {
  return (pod.spec.initContainers ?? []).some((c) => c.name === name) ? `spec.initContainers{${name}}` : `spec.containers{${name}}`;
}

interface Cached {
  event: Event;
}

/**
 * Creates an EventRecorder for `component` on node `host`. Identical events (same object, fieldPath, type,
 * reason, message) are aggregated: `count` increments and `lastTimestamp` moves (client-go `EventCorrelator`).
 * Writes are serialized in one queue.
 */
export function createEventRecorder(client: ApiClient, source: { component: string; host: string }, clock: Clock, log: (msg: string) => void = () => {}): EventRecorder {
  const cache = new Map<string, Cached>();
  let chain: Promise<void> = Promise.resolve();

  async function write(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath: string | undefined): Promise<void> {
    const ns = pod.metadata.namespace ?? 'default';
    const key = [pod.metadata.uid, fieldPath ?? '', type, reason, message].join('\u0000');
    const now = rfc3339(clock.now());
    const hit = cache.get(key);
    if (hit) {
      const updated: Event = { ...hit.event, count: (hit.event.count ?? 1) + 1, lastTimestamp: now };
      try {
        hit.event = await client.update<Event>(`/api/v1/namespaces/${ns}/events/${hit.event.metadata.name}`, updated);
        return;
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
        cache.delete(key);
      }
    }
    const involvedObject: Event['involvedObject'] = {
      kind: 'Pod',
      namespace: ns,
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid ?? '',
      apiVersion: 'v1',
    };
    if (pod.metadata.resourceVersion) involvedObject.resourceVersion = pod.metadata.resourceVersion;
    if (fieldPath) involvedObject.fieldPath = fieldPath;
    const ev: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata.name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`, namespace: ns },
      involvedObject,
      reason,
      message,
      source: { component: source.component, host: source.host },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host,
    };
    const created = await client.create<Event>(`/api/v1/namespaces/${ns}/events`, ev);
    cache.set(key, { event: created });
    if (cache.size > 4096) cache.delete(cache.keys().next().value as string);
  }

  return {
    event(pod, type, reason, message, fieldPath) {
      chain = chain.then(() =>
        write(pod, type, reason, message, fieldPath).catch((err: unknown) => {
          log(`event ${reason} for pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`);
        }),
      );
    },
    flush: () => chain,
  };
}
