/**
 * The single-node scheduler: binds every unscheduled pod to this node, like kube-scheduler's default profile
 * reduced to one node (NodeName, NodeUnschedulable, NodeSelector and TaintToleration filters).
 *
 * It is an API client like kube-scheduler: it watches pods with `spec.nodeName=` (empty), POSTs a Binding to
 * `pods/{name}/binding`, and records the `Scheduled` event (`Successfully assigned ns/pod to node`), or, when
 * the node does not fit, writes the PodScheduled=False/Unschedulable condition and a `FailedScheduling` event.
 * Pods with PersistentVolumeClaims go through the VolumeBinding plugin (volume-binding.ts): a WaitForFirstConsumer
 * claim gets its static volume reserved or its provisioner told the node, and the pod is bound once every claim is.
 * The NodePorts and NodeResourcesFit plugins (node-resources-fit.ts) keep host ports unique and the node within
 * its allocatable pods (the kubelet's maxPods), cpu, memory, ephemeral-storage and extended resources: a pod beyond
 * them stays Pending with `1 Too many pods`, `1 Insufficient cpu`... (Unschedulable, so preemption is tried and
 * finds no victim).
 * Source: kubernetes `pkg/scheduler/schedule_one.go`, `framework/plugins/{nodeaffinity,tainttoleration,nodeports,volumebinding,noderesources}`.
 */
import { realClock, type Clock } from '../api/clock.js';
import { isConflict, isNotFound } from '../api/errors.js';
import { rfc3339 } from '../api/meta.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/storage.js';
import type { Node, Pod, PodCondition, Toleration } from '../api/types.js';
import { createEventRecorder } from '../client/event-recorder.js';
import { runInformer } from '../client/informer.js';
import type { ApiClient } from '../client/types.js';
import { hostPortConflict, insufficientResources } from './node-resources-fit.js';
import { VersionedStore } from './versioned-store.js';
import { planVolumeBinding, writeVolumeBindings, type VolumeLookup } from './volume-binding.js';
import { resourcePath, RESOURCES } from '../api/paths.js';

/** Options of `startScheduler`. */
export interface SchedulerOptions {
  client: ApiClient;
  /** The one node pods are bound to. */
  nodeName: string;
  /** Clock of event timestamps, the re-list pause, the wake-up and the periodic retry (default the wall clock). */
  clock?: Clock;
  /** Called with errors the loop survives (logging). */
  onError?: (err: unknown) => void;
}

/** A running scheduler; `stop()` ends its watch. */
export interface Scheduler {
  stop(): Promise<void>;
}

function tolerates(tolerations: Toleration[] | undefined, taint: { key: string; value?: string; effect: string }): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.key === undefined || t.key === '') return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

/**
 * Why `node` cannot run `pod`, in kube-scheduler's words, or undefined when it fits.
 * Mirrors the filter plugins' failure reasons (`node(s) didn't match Pod's node affinity/selector`,
 * `node(s) had untolerated taint {k: v}`, `node(s) were unschedulable`).
 */
export function unschedulableReason(pod: Pod, node: Node): string | undefined {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) {
    if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
  }
  if (node.spec?.unschedulable && !tolerates(pod.spec.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return 'node(s) were unschedulable';
  }
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerates(pod.spec.tolerations, taint)) {
      return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
    }
  }
  return undefined;
}

/** The preemption part of FailedScheduling for UnschedulableAndUnresolvable failures (no pod removal helps). */
export const PREEMPTION_NOT_HELPFUL = '1 Preemption is not helpful for scheduling';
/** The preemption part for Unschedulable failures when every pod on the node has the incoming pod's priority or more. */
export const NO_PREEMPTION_VICTIMS = '1 No preemption victims found for incoming pod';

/** Starts the scheduling loop (an informer of unscheduled pods: list, watch, re-list on 410 Gone). */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { client, nodeName } = options;
  const clock = options.clock ?? realClock;
  const now = (): number => clock.now();
  const onError = options.onError ?? (() => {});
  const abort = new AbortController();
  const pending = new Map<string, Pod>();
  const query = { fieldSelector: 'spec.nodeName=' };
  // kube-scheduler's recorder: reportingController and instance `default-scheduler`, no host.
  const recorder = createEventRecorder({
    client,
    component: 'default-scheduler',
    reportingInstance: 'default-scheduler',
    clock,
    kind: { apiVersion: 'v1', kind: 'Pod' },
    onError,
  });

  /** `detail` follows `0/1 nodes are available: `: `1 node(s) ...` for a filter, the plain reason for a PreFilter. */
  async function markUnschedulable(pod: Pod, detail: string, preemption = PREEMPTION_NOT_HELPFUL): Promise<void> {
    const message = `0/1 nodes are available: ${detail}. preemption: 0/1 nodes are available: ${preemption}.`;
    const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (existing?.status === 'False' && existing.message === message) return;
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: rfc3339(new Date(now())),
      reason: 'Unschedulable',
      message,
    };
    const ns = pod.metadata.namespace ?? 'default';
    await client.patch(
      resourcePath(RESOURCES.pods, { namespace: ns, name: pod.metadata.name ?? '', subresource: 'status' }),
      { status: { conditions: [condition] } },
      'strategic',
    );
    recorder.event(pod, 'Warning', 'FailedScheduling', message);
  }

  async function schedule(pod: Pod): Promise<void> {
    if (pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
    if ((pod.spec.schedulingGates ?? []).length > 0) return;
    if (pod.spec.schedulerName && pod.spec.schedulerName !== 'default-scheduler') return;
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    let node: Node;
    try {
      node = await client.get<Node>(resourcePath(RESOURCES.nodes, { name: nodeName }));
    } catch (err) {
      if (isNotFound(err)) return; // the kubelet has not registered yet; retried on the next pass
      throw err;
    }
    const usesClaims = (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim);
    if (usesClaims && !volumesSynced()) return; // retried once the volume informers listed
    const facts = { name: node.metadata.name ?? nodeName, labels: node.metadata.labels ?? {} };
    const plan = usesClaims ? planVolumeBinding(pod, facts, volumeLookup) : ({ status: 'bound' } as const);
    if (plan.status === 'unschedulable' && plan.preFilter) {
      await markUnschedulable(pod, plan.reason);
      return;
    }
    const why = unschedulableReason(pod, node);
    if (why) {
      await markUnschedulable(pod, `1 ${why}`);
      return;
    }
    if (!assignedSynced) return; // retried once the node's pods are listed
    const onNode = [...assigned.values()].filter((p) => p.metadata.uid !== pod.metadata.uid);
    const ports = hostPortConflict(pod, onNode);
    if (ports) {
      await markUnschedulable(pod, `1 ${ports}`, NO_PREEMPTION_VICTIMS);
      return;
    }
    const insufficient = insufficientResources(pod, node, onNode);
    if (insufficient.length > 0) {
      // FitError's histogram: `<count> <reason>` per reason, sorted, joined by ", ".
      await markUnschedulable(pod, insufficient.map((r) => `1 ${r}`).sort().join(', '), NO_PREEMPTION_VICTIMS);
      return;
    }
    if (plan.status === 'unschedulable') {
      await markUnschedulable(pod, `1 ${plan.reason}`);
      return;
    }
    if (plan.status === 'bind') {
      await writeVolumeBindings(client, plan, facts.name, { volume: (pv) => void pvs.set(pv), claim: (pvc) => void pvcs.set(pvc) });
      return; // bound once the PV controller (and the provisioner) finished; their writes wake the scheduler
    }
    if (plan.status === 'waiting') return;
    try {
      await client.create(resourcePath(RESOURCES.pods, { namespace: ns, name, subresource: 'binding' }), {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace: ns, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return; // already bound, or deleted meanwhile
      throw err;
    }
    pending.delete(pod.metadata.uid ?? '');
    assigned.set(pod.metadata.uid ?? '', { ...pod, spec: { ...pod.spec, nodeName } }); // assumed until the informer sees it
    recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${nodeName}`);
  }

  /** One pass over the pending pods at a time (a pod is never scheduled twice at once); a call during a pass runs another after it. */
  let pass: Promise<void> | undefined;
  let again = false;
  async function scheduleAll(): Promise<void> {
    if (pass) {
      again = true;
      return pass;
    }
    pass = (async () => {
      do {
        again = false;
        for (const uid of [...pending.keys()]) {
          const pod = pending.get(uid);
          if (!pod) continue;
          try {
            await schedule(pod);
          } catch (err) {
            onError(err);
          }
        }
      } while (again && !abort.signal.aborted);
    })();
    try {
      await pass;
    } finally {
      pass = undefined;
    }
  }

  // The VolumeBinding plugin's listers; any change of a claim, volume or class may let a pending pod go on.
  const pvcs = new VersionedStore<PersistentVolumeClaim>();
  const pvs = new VersionedStore<PersistentVolume>();
  const classes = new VersionedStore<StorageClass>();
  const synced = new Set<string>();
  const volumesSynced = (): boolean => synced.size === 3;
  const volumeLookup: VolumeLookup = {
    claim: (ns, name) => pvcs.get(`${ns}/${name}`),
    volume: (name) => pvs.get(name),
    volumes: () => pvs.list(),
    storageClass: (name) => classes.get(name),
  };
  let wake: unknown;
  /** A claim, volume or class changed, or a pod left the node: pending pods may fit now. */
  const wakeSoon = (): void => {
    if (pending.size === 0 || wake) return;
    wake = clock.schedule(() => {
      wake = undefined;
      void scheduleAll();
    }, 10);
  };
  const volumeInformer = <T extends PersistentVolumeClaim | PersistentVolume | StorageClass>(path: string, store: VersionedStore<T>) =>
    runInformer<T>({
      client,
      path,
      signal: abort.signal,
      clock,
      store,
      handlers: {
        onEvent: wakeSoon,
        onSynced() {
          synced.add(path);
          wakeSoon();
        },
        onError,
      },
    });
  // The scheduler cache's pods of this node: assigned and not terminal (its informer excludes Succeeded and Failed).
  const assigned = new Map<string, Pod>();
  let assignedSynced = false;
  const assignedInformer = runInformer<Pod>({
    client,
    path: resourcePath(RESOURCES.pods),
    query: { fieldSelector: `spec.nodeName=${nodeName}` },
    signal: abort.signal,
    clock,
    handlers: {
      onEvent(type, pod) {
        const uid = pod.metadata.uid ?? '';
        const phase = pod.status?.phase;
        if (type === 'DELETED' || phase === 'Succeeded' || phase === 'Failed') {
          if (assigned.delete(uid)) wakeSoon();
        } else assigned.set(uid, pod);
      },
      onSynced() {
        assignedSynced = true;
        wakeSoon();
      },
      onError,
    },
  });
  const informers = [
    assignedInformer,
    volumeInformer(resourcePath(RESOURCES.persistentvolumeclaims), pvcs),
    volumeInformer(resourcePath(RESOURCES.persistentvolumes), pvs),
    volumeInformer(resourcePath(RESOURCES.storageclasses), classes),
  ];

  // Unschedulable pods and pods that arrived before the node registered are retried periodically.
  let retry: unknown;
  const retryLater = (): void => {
    retry = clock.schedule(() => {
      retryLater();
      void scheduleAll();
    }, 5000);
  };
  retryLater();
  // The scheduling queue's source: unscheduled pods; every change (and every re-list) runs a pass.
  const unscheduled = runInformer<Pod>({
    client,
    path: resourcePath(RESOURCES.pods),
    query,
    signal: abort.signal,
    clock,
    handlers: {
      onEvent(type, pod) {
        const uid = pod.metadata.uid ?? '';
        if (type === 'DELETED') pending.delete(uid);
        else pending.set(uid, pod);
        void scheduleAll();
      },
      onSynced: () => void scheduleAll(),
      onError,
    },
  });
  return {
    async stop() {
      clock.cancel(retry);
      if (wake) clock.cancel(wake);
      abort.abort();
      await Promise.all([unscheduled.done, ...informers.map((i) => i.done)]);
      await recorder.flush();
    },
  };
}
