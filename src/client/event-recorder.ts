// The one EventRecorder (client-go tools/record) of the scheduler, the kubelet and the controllers: core/v1 Events about any object, written through the API and correlated as client-go does.

import type { PassiveClock } from '../api/clock.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { rfc3339 } from '../api/meta.js';
import type { Event, KubeObject, ObjectReference } from '../api/types.js';
import { EventCorrelator } from './event-correlator.js';
import type { ApiClient } from './types.js';
import { resourcePath, RESOURCES } from '../api/paths.js';

/** Records events about API objects (Pods, Deployments, ReplicaSets, ...). Never throws; failures go to `onError`. */
export interface EventRecorder {
  /**
   * Queues an event about `obj`. `fieldPath` names a part of it, such as `spec.containers{app}` (the kubelet's
   * container events); omit it for the object itself.
   */
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  /** Resolves once every queued write finished (tests, shutdown). */
  flush(): Promise<void>;
}

/** Options of {@link createEventRecorder}. */
export interface EventRecorderOptions {
  client: ApiClient;
  /** `source.component`, e.g. `replicaset-controller`, `kubelet`; also `reportingComponent`. */
  component: string;
  /** `source.host` (the kubelet's node name); controllers leave it empty, as kube-controller-manager's do. */
  host?: string;
  /** `reportingInstance`; defaults to `host`. */
  reportingInstance?: string;
  clock?: PassiveClock;
  onError?: (err: unknown) => void;
  /** apiVersion and kind of objects that lack them (list items of some servers), as a typed client's scheme knows. */
  kind?: { apiVersion: string; kind: string };
}

/** `reference.GetReference`: kind, namespace, name, uid, apiVersion and resourceVersion of `obj`. */
export function objectReference(obj: KubeObject): ObjectReference {
  const ref: ObjectReference = { kind: obj.kind ?? '', name: obj.metadata.name ?? '', uid: obj.metadata.uid ?? '', apiVersion: obj.apiVersion ?? '' };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  if (obj.metadata.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion;
  return ref;
}

/**
 * Creates a recorder whose events carry `source: {component, host}` and are named `<object>.<hex ns>` in the
 * object's namespace (`default` for cluster-scoped objects), as client-go `record.recorder.makeEvent` does.
 * Every event passes the EventCorrelator (./event-correlator.ts): identical repeats PATCH `count` and
 * `lastTimestamp` of the first one, similar ones are combined past 10 in 10 minutes, and each object may burst
 * 25 events then 1 per 5 minutes. A PATCH answered NotFound creates the event anew. Writes are serialized.
 * Names end in the event's time in nanoseconds (hex), whose low digits count from a random start, so two events
 * of one millisecond, or of two recorders started at one fake time, do not collide.
 */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const { client, component } = options;
  const host = options.host ?? '';
  const reportingInstance = options.reportingInstance ?? host;
  const clock = options.clock ?? { now: () => Date.now() };
  const onError = options.onError ?? (() => {});
  const correlator = new EventCorrelator(clock);
  let chain: Promise<void> = Promise.resolve();
  let seq = Math.floor(Math.random() * 1_000_000);

  function makeEvent(ref: ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): Event {
    const now = clock.now();
    const ts = rfc3339(new Date(now));
    // UnixNano in hex; the low digits keep two events of the same millisecond apart.
    const nanos = BigInt(now) * 1_000_000n + BigInt(seq++ % 1_000_000);
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${ref.name ?? ''}.${nanos.toString(16)}`, namespace: ref.namespace ?? 'default' },
      involvedObject: ref,
      reason,
      message,
      source: host ? { component, host } : { component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance,
    };
  }

  async function write(ev: Event): Promise<void> {
    const r = correlator.correlate(ev);
    if (r.skip) return;
    const namespace = r.event.metadata.namespace ?? 'default';
    if (r.patch) {
      try {
        correlator.updateState(await client.patch<Event>(resourcePath(RESOURCES.events, { namespace, name: r.event.metadata.name ?? '' }), r.patch, 'strategic'));
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const body: Event = { ...r.event, metadata: { ...r.event.metadata } };
    delete body.metadata.resourceVersion;
    try {
      correlator.updateState(await client.create<Event>(resourcePath(RESOURCES.events, { namespace }), body));
    } catch (err) {
      if (!isAlreadyExists(err)) correlator.forget(r.event);
      throw err;
    }
  }

  return {
    event(obj, type, reason, message, fieldPath) {
      const ref = objectReference(obj);
      if (!ref.kind && options.kind) ref.kind = options.kind.kind;
      if (!ref.apiVersion && options.kind) ref.apiVersion = options.kind.apiVersion;
      if (fieldPath) ref.fieldPath = fieldPath;
      const ev = makeEvent(ref, type, reason, message);
      chain = chain.then(() =>
        write(ev).catch((err: unknown) => {
          onError(new Error(`event ${reason} for ${ref.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}: ${(err as Error).message}`, { cause: err }));
        }),
      );
    },
    flush: () => chain,
  };
}
