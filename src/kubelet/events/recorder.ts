// An EventRecorder writing core/v1 Events through the API, correlated as client-go's recorder does (count, aggregation, spam filter).

import { randomBytes } from 'node:crypto';
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import type { Event, Pod } from '../../api/types.js';
import type { ApiClient } from '../../client/types.js';
import type { Clock } from '../../api/clock.js';
import { rfc3339 } from '../util/clock.js';
import { EventCorrelator } from '../../client/event-correlator.js';

/** Records events about pods (and their containers via `fieldPath`). Never throws; failures are logged. */
export interface EventRecorder {
  /** `fieldPath` such as `spec.containers{app}` or `spec.initContainers{init}`; omit for the pod itself. */
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  /** Resolves once every queued write finished (tests, shutdown). */
  flush(): Promise<void>;
}

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
 * Creates an EventRecorder for `component` on node `host`. Every event passes client-go's EventCorrelator
 * (./correlator.ts): repeats of an identical event PATCH `count`/`lastTimestamp` of the first one, more than 10
 * similar events (same reason, other messages) within 10 minutes are combined into one
 * `(combined from similar events): ...` event, and each pod may burst 25 events, then 1 per 5 minutes (the rest
 * are dropped). A patch answered NotFound creates the event anew. Writes are serialized in one queue.
 */
export function createEventRecorder(client: ApiClient, source: { component: string; host: string }, clock: Clock, log: (msg: string) => void = () => {}): EventRecorder {
  const correlator = new EventCorrelator(clock);
  let chain: Promise<void> = Promise.resolve();

  function makeEvent(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath: string | undefined): Event {
    const ns = pod.metadata.namespace ?? 'default';
    const now = rfc3339(clock.now());
    const involvedObject: Event['involvedObject'] = {
      kind: 'Pod',
      namespace: ns,
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid ?? '',
      apiVersion: 'v1',
    };
    if (pod.metadata.resourceVersion) involvedObject.resourceVersion = pod.metadata.resourceVersion;
    if (fieldPath) involvedObject.fieldPath = fieldPath;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata.name}.${(BigInt(clock.now()) * 1_000_000n + BigInt(randomBytes(3).readUIntBE(0, 3))).toString(16)}`, namespace: ns },
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
  }

  /** `recordToSink`/`recordEvent`: PATCH a repeat, else (or when the patched one is gone) POST. */
  async function write(ev: Event): Promise<void> {
    const r = correlator.correlate(ev);
    if (r.skip) return;
    const ns = r.event.metadata.namespace ?? 'default';
    if (r.patch) {
      try {
        correlator.updateState(await client.patch<Event>(`/api/v1/namespaces/${ns}/events/${r.event.metadata.name}`, r.patch, 'strategic'));
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const body: Event = { ...r.event, metadata: { ...r.event.metadata } };
    delete body.metadata.resourceVersion;
    try {
      correlator.updateState(await client.create<Event>(`/api/v1/namespaces/${ns}/events`, body));
    } catch (err) {
      if (!isAlreadyExists(err)) correlator.forget(r.event);
      throw err;
    }
  }

  return {
    event(pod, type, reason, message, fieldPath) {
      chain = chain.then(() =>
        write(makeEvent(pod, type, reason, message, fieldPath)).catch((err: unknown) => {
          log(`event ${reason} for pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`);
        }),
      );
    },
    flush: () => chain,
  };
}
