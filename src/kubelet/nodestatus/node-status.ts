// Registers the Node object and keeps its status fresh (kubelet_node_status.go `registerWithAPIServer`, `updateNodeStatus`).

import { readFileSync, statfsSync } from 'node:fs';
import * as os from 'node:os';
import { dirname } from 'node:path';
import { isAlreadyExists, isConflict, isNotFound } from '../../api/errors.js';
import type { Node, NodeCondition } from '../../api/types.js';
import { KUBERNETES_VERSION } from '../../api/version.js';
import type { ApiClient } from '../../client/types.js';
import type { RuntimeInfo } from '../container/runtime.js';
import { formatBinarySI } from '../../api/quantity.js';
import type { PressureCondition } from '../eviction/eviction-manager.js';
import { thresholdQuantity, type Threshold } from '../eviction/thresholds.js';
import { realClock, type Clock } from '../../api/clock.js';
import { rfc3339 } from '../util/clock.js';
import type { EventRecorder } from '../events/recorder.js';
import { nodeConditionEvents, nodeReference } from './node-events.js';
import { RESOURCES, resourcePath } from '../../api/paths.js';

/** The kubelet's default `--max-pods`. */
export const DEFAULT_MAX_PODS = 110;

/** Version string the kubelet reports. */
export const KUBELET_VERSION = KUBERNETES_VERSION;

/**
 * The kubelet's runtime health as the Ready condition reads it (pkg/kubelet/runtime.go `runtimeState`; the
 * kubelet's RuntimeState implements it).
 */
export interface RuntimeHealth {
  /** The Ready condition's message when not ready, undefined when ready. */
  notReadyMessage(): string | undefined;
  /** True while the runtime is down or not yet checked. */
  runtimeUnavailable(): boolean;
  /** The runtime handlers the last CRI Status reported (absent = none). */
  runtimeHandlers?(): { name: string; features?: { recursiveReadOnlyMounts?: boolean; userNamespaces?: boolean } }[];
}

/** Options of {@link startNodeStatus}. */
export interface NodeStatusOptions {
  client: ApiClient;
  runtime: RuntimeInfo;
  nodeName: string;
  /** The node's InternalIP (kubelet `--node-ip`). */
  nodeIP: string;
  /** The node's ExternalIP (k3s `--node-external-ip`, which k3s's cloud provider reports); absent = none. */
  nodeExternalIP?: string;
  /** The kubelet server port (`daemonEndpoints.kubeletEndpoint.Port`). */
  kubeletPort: number;
  /** Stamps heartbeat and transition times. */
  clock: Clock;
  /** Clock of the heartbeat timer and the runtime version deadline (default the wall clock; independent of `clock`). */
  timers?: Clock;
  /** Heartbeat period, ms (default 10 s). */
  periodMs?: number;
  /**
   * The kubelet's runtime health (runtime.go): its errors make Ready False with reason KubeletNotReady. Absent:
   * the runtime is asked directly on each heartbeat (Status conditions; a failed call = `container runtime is down`).
   */
  runtimeState?: RuntimeHealth;
  /** `--max-pods` (default 110). */
  maxPods?: number;
  /** The kubelet root dir: its file system is the node's ephemeral-storage (nodefs). */
  rootDir?: string;
  /** Hard eviction thresholds, subtracted from capacity for allocatable (default none). */
  thresholds?: readonly Threshold[];
  /** The pressure conditions in force (the eviction manager's); default none. */
  pressure?: () => ReadonlySet<PressureCondition>;
  log?: (msg: string) => void;
  /** Records the node's condition events (node-events.ts); none when absent. */
  recorder?: EventRecorder;
}

function osImage(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1]!;
  } catch {
    // fall through
  }
  return `${os.type()} ${os.release()}`;
}

function readId(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

/** The host's figures node capacity is made of: cores, MemTotal bytes, nodefs capacity bytes (absent when unread). */
export interface HostFigures {
  cpus: number;
  memoryBytes: number;
  nodefsBytes?: number;
}

/** The host's figures now; `rootDir` names the nodefs (its statfs capacity). */
export function hostFigures(rootDir?: string): HostFigures {
  const out: HostFigures = { cpus: os.cpus().length, memoryBytes: os.totalmem() };
  // The root dir's file system; before the kubelet made the dir, that of its nearest existing ancestor.
  for (let dir = rootDir; dir !== undefined; ) {
    try {
      const s = statfsSync(dir);
      out.nodefsBytes = s.blocks * s.bsize;
      break;
    } catch {
      const parent = dirname(dir);
      dir = parent === dir ? undefined : parent;
    }
  }
  return out;
}

/**
 * Node capacity and allocatable (nodestatus.MachineInfo and the container manager's GetNodeAllocatable):
 * capacity cpu (cores), memory (Ki), ephemeral-storage (nodefs bytes), pods (maxPods), hugepages 0;
 * allocatable = capacity − reserved (none) − the hard eviction threshold of memory.available (memory) and
 * nodefs.available (ephemeral-storage), never below zero.
 */
export function nodeResources(host: HostFigures, maxPods: number, thresholds: readonly Threshold[] = []): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const memoryKi = Math.floor(host.memoryBytes / 1024) * 1024;
  const capacity: Record<string, string> = { cpu: String(host.cpus) };
  const allocatable: Record<string, string> = { cpu: String(host.cpus) };
  const reserve = (signal: string, cap: number): number => {
    const t = thresholds.find((x) => x.signal === signal);
    return t ? thresholdQuantity(t.value, cap) : 0;
  };
  if (host.nodefsBytes !== undefined) {
    capacity['ephemeral-storage'] = formatBinarySI(host.nodefsBytes);
    allocatable['ephemeral-storage'] = formatBinarySI(Math.max(0, host.nodefsBytes - reserve('nodefs.available', host.nodefsBytes)));
  }
  capacity['hugepages-1Gi'] = '0';
  capacity['hugepages-2Mi'] = '0';
  allocatable['hugepages-1Gi'] = '0';
  allocatable['hugepages-2Mi'] = '0';
  capacity.memory = formatBinarySI(memoryKi);
  allocatable.memory = formatBinarySI(Math.max(0, memoryKi - reserve('memory.available', memoryKi)));
  capacity.pods = String(maxPods);
  allocatable.pods = String(maxPods);
  return { capacity, allocatable };
}

/** Node capacity from the host: cpu cores, memory, pods `maxPods` (default 110). */
export function hostCapacity(maxPods = DEFAULT_MAX_PODS): Record<string, string> {
  return nodeResources(hostFigures(), maxPods).capacity;
}

/** The pressure node conditions as the kubelet's setters write them (MemoryPressureCondition, ...). */
export const PRESSURE_CONDITIONS: readonly { type: PressureCondition; ok: [string, string]; bad: [string, string] }[] = [
  { type: 'MemoryPressure', ok: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'], bad: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'] },
  { type: 'DiskPressure', ok: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'], bad: ['KubeletHasDiskPressure', 'kubelet has disk pressure'] },
  { type: 'PIDPressure', ok: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'], bad: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'] },
];

/** The taint the node lifecycle controller puts on a node under each pressure (TaintNodesByCondition). */
export const PRESSURE_TAINTS: Record<PressureCondition, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
};

/**
 * Builds the node status (spec: Ready condition from the CRI runtime conditions, addresses, capacity,
 * daemon endpoint, nodeInfo). `old` keeps condition transition times.
 */
export async function buildNodeStatus(opts: NodeStatusOptions, old: Node['status'] | undefined): Promise<NonNullable<Node['status']>> {
  const now = rfc3339(opts.clock.now());
  // The last known version stays while the runtime does not answer (upstream would print "Unknown").
  let runtimeVersion = old?.nodeInfo?.containerRuntimeVersion ?? '';
  let ready = true;
  let message = 'kubelet is posting ready status';
  // The verdict as it stands when the update starts: a call to a dead runtime may hang until it is back.
  const notReady = opts.runtimeState?.notReadyMessage();
  try {
    if (opts.runtimeState?.runtimeUnavailable()) throw new Error('container runtime is down');
    const timers = opts.timers ?? realClock;
    let deadline: unknown;
    const v = await Promise.race([
      opts.runtime.version(),
      new Promise<never>((_, reject) => {
        deadline = timers.schedule(() => reject(new Error('Version: no answer within 2s')), 2_000);
      }),
    ]).finally(() => timers.cancel(deadline));
    runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
    if (!opts.runtimeState) {
      const st = await opts.runtime.status();
      const bad = st.conditions.filter((c) => !c.status);
      if (bad.length) {
        ready = false;
        message = `container runtime not ready: ${bad.map((c) => `${c.type}=false reason:${c.reason} message:${c.message}`).join(', ')}`;
      }
    }
  } catch (err) {
    if (!opts.runtimeState) {
      ready = false;
      message = `container runtime is down: ${(err as Error).message}`;
    }
  }
  if (notReady !== undefined) {
    ready = false;
    message = notReady;
  }
  const cond = (type: string, status: boolean, reason: string, msg: string): NodeCondition => {
    const prev = old?.conditions?.find((c) => c.type === type);
    const s = status ? 'True' : 'False';
    return {
      type,
      status: s,
      lastHeartbeatTime: now,
      lastTransitionTime: prev && prev.status === s && prev.lastTransitionTime ? prev.lastTransitionTime : now,
      reason,
      message: msg,
    };
  };
  const { capacity, allocatable } = nodeResources(hostFigures(opts.rootDir), opts.maxPods ?? DEFAULT_MAX_PODS, opts.thresholds);
  const pressure = opts.pressure?.() ?? new Set<PressureCondition>();
  // A pressure condition's status is True while under pressure.
  const pressureCond = (p: (typeof PRESSURE_CONDITIONS)[number]): NodeCondition => {
    const under = pressure.has(p.type);
    return cond(p.type, under, ...(under ? p.bad : p.ok));
  };
  const handlers = opts.runtimeState?.runtimeHandlers?.() ?? [];
  return {
    capacity,
    allocatable,
    // setters.go RuntimeHandlers: each handler with both features spelled out; none reported = no field (omitempty)
    ...(handlers.length
      ? {
          runtimeHandlers: handlers.map((h) => ({
            name: h.name,
            features: { recursiveReadOnlyMounts: h.features?.recursiveReadOnlyMounts ?? false, userNamespaces: h.features?.userNamespaces ?? false },
          })),
        }
      : {}),
    conditions: [
      ...PRESSURE_CONDITIONS.map(pressureCond),
      cond('Ready', ready, ready ? 'KubeletReady' : 'KubeletNotReady', message),
    ],
    addresses: [
      { type: 'InternalIP', address: opts.nodeIP },
      ...(opts.nodeExternalIP ? [{ type: 'ExternalIP' as const, address: opts.nodeExternalIP }] : []),
      { type: 'Hostname', address: opts.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: opts.kubeletPort } },
    nodeInfo: {
      machineID: readId('/etc/machine-id'),
      systemUUID: readId('/sys/class/dmi/id/product_uuid') || readId('/etc/machine-id'),
      bootID: readId('/proc/sys/kernel/random/boot_id'),
      kernelVersion: os.release(),
      osImage: osImage(),
      containerRuntimeVersion: runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: GOARCH[os.arch()] ?? os.arch(),
    },
  };
}

/**
 * TaintNodesByCondition (the node lifecycle controller's job, done here for the one node): the NoSchedule
 * taints `node` should carry for its True pressure conditions, or undefined when its taints are already right.
 */
export function pressureTaints(node: Node): NonNullable<NonNullable<Node['spec']>['taints']> | undefined {
  const current = node.spec?.taints ?? [];
  const keys = new Set(Object.values(PRESSURE_TAINTS));
  const want = new Set(
    (node.status?.conditions ?? []).filter((c) => c.status === 'True' && c.type in PRESSURE_TAINTS).map((c) => PRESSURE_TAINTS[c.type as PressureCondition]),
  );
  const have = new Set(current.filter((t) => keys.has(t.key) && t.effect === 'NoSchedule').map((t) => t.key));
  if (want.size === have.size && [...want].every((k) => have.has(k))) return undefined;
  return [...current.filter((t) => !keys.has(t.key) || t.effect !== 'NoSchedule'), ...[...want].map((key) => ({ key, effect: 'NoSchedule' as const }))];
}

/** Creates the Node if missing, then PUTs `nodes/<name>/status`; retries conflicts with a fresh GET. */
export async function syncNodeStatus(opts: NodeStatusOptions): Promise<void> {
  const path = resourcePath(RESOURCES.nodes, { name: opts.nodeName });
  // Registered by this call: its conditions are all new (upstream registers the Node without them and its setters
  // then record an event for each), also when the first status write has to be retried.
  let registered = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    let node: Node;
    try {
      node = await opts.client.get<Node>(path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const fresh: Node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: opts.nodeName,
          labels: {
            'kubernetes.io/hostname': opts.nodeName,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': GOARCH[os.arch()] ?? os.arch(),
            'node-role.kubernetes.io/control-plane': 'true',
          },
        },
        spec: {},
        status: await buildNodeStatus(opts, undefined),
      };
      try {
        node = await opts.client.create<Node>(resourcePath(RESOURCES.nodes), fresh);
        registered = true;
      } catch (e) {
        if (isAlreadyExists(e)) continue;
        throw e;
      }
    }
    try {
      const updated = await opts.client.update<Node>(`${path}/status`, { ...node, status: await buildNodeStatus(opts, node.status) });
      for (const e of nodeConditionEvents(opts.nodeName, registered ? undefined : node.status?.conditions, updated.status?.conditions ?? [])) {
        opts.recorder?.event(nodeReference(opts.nodeName), 'Normal', e.reason, e.message);
      }
      const taints = pressureTaints(updated);
      if (taints) await opts.client.update<Node>(path, { ...updated, spec: { ...updated.spec, taints } });
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
}

/**
 * Registers the node and heartbeats every `periodMs`; `syncNow()` posts at once (the kubelet calls it when the
 * runtime's health changes, so Ready follows within a second instead of the next heartbeat). Errors are logged.
 */
export function startNodeStatus(opts: NodeStatusOptions): { stop(): void; first: Promise<void>; syncNow(): void } {
  const timers = opts.timers ?? realClock;
  let timer: unknown;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const tick = async (): Promise<void> => {
    timers.cancel(timer);
    try {
      await syncNodeStatus(opts);
    } catch (err) {
      opts.log?.(`node status: ${(err as Error).message}`);
    }
    if (!stopped) {
      timer = timers.schedule(() => void run(), opts.periodMs ?? 10_000);
    }
  };
  /** One sync at a time; a request during a sync runs one more right after it. */
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = tick().finally(() => {
      running = undefined;
      if (again && !stopped) {
        again = false;
        void run();
      }
    });
    return running;
  };
  const first = run();
  return {
    first,
    syncNow() {
      if (!stopped) void run();
    },
    stop() {
      stopped = true;
      timers.cancel(timer);
    },
  };
}
