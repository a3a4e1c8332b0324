/**
 * One node's scrape of `/metrics/resource` turned into a batch of metric points: the node's, and each pod's
 * containers'.
 *
 * Mirrors metrics-server `pkg/scraper/client/resource/decode.go` (decodeBatch): CPU seconds become
 * core-nanoseconds, sample timestamps (ms) become the point's time (the request time when a sample has none),
 * container_start_time_seconds the start time; a node point lacking CPU, memory or time is dropped, and a pod
 * any of whose containers has zero CPU or zero memory is dropped whole (k1s also drops a pod left with no
 * container, which metrics-server would keep with an empty list).
 */
import { parsePrometheusText } from './prometheus-text.js';

/** A set of metrics at a point in time (metrics-server storage.MetricsPoint). Times in ms since the epoch. */
export interface MetricsPoint {
  /** When the container (or node) started; its cumulative CPU was zero then. 0 = unknown. */
  startTime: number;
  /** When the point was measured (the CPU sample's time). */
  timestamp: number;
  /** Cumulative CPU used since startTime, core-nanoseconds. */
  cumulativeCpuUsed: number;
  /** Working set, bytes. */
  memoryUsage: number;
}

/** The containers of one pod, by container name. */
export type PodMetricsPoint = Map<string, MetricsPoint>;

/** Points from one or more nodes: nodes by name, pods by `namespace/name`. */
export interface MetricsBatch {
  nodes: Map<string, MetricsPoint>;
  pods: Map<string, PodMetricsPoint>;
}

const emptyPoint = (): MetricsPoint => ({ startTime: 0, timestamp: 0, cumulativeCpuUsed: 0, memoryUsage: 0 });

/** `namespace/name`, the key of a pod in a batch. */
export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * Decodes one kubelet's exposition. `requestTimeMs` stamps samples without a timestamp. Throws when the text
 * is not a valid exposition.
 */
export function decodeBatch(text: string, requestTimeMs: number, nodeName: string): MetricsBatch {
  const node = emptyPoint();
  const pods = new Map<string, PodMetricsPoint>();
  const container = (labels: Record<string, string>): MetricsPoint => {
    const key = podKey(labels['namespace'] ?? '', labels['pod'] ?? '');
    const name = labels['container'] ?? '';
    let pod = pods.get(key);
    if (!pod) pods.set(key, (pod = new Map()));
    let point = pod.get(name);
    if (!point) pod.set(name, (point = emptyPoint()));
    return point;
  };
  for (const s of parsePrometheusText(text)) {
    const ts = s.timestampMs ?? requestTimeMs;
    switch (s.name) {
      case 'node_cpu_usage_seconds_total':
        node.cumulativeCpuUsed = Math.trunc(s.value * 1e9);
        node.timestamp = ts;
        break;
      case 'node_memory_working_set_bytes':
        node.memoryUsage = Math.trunc(s.value);
        node.timestamp = ts;
        break;
      case 'container_cpu_usage_seconds_total': {
        const p = container(s.labels);
        p.cumulativeCpuUsed = Math.trunc(s.value * 1e9);
        p.timestamp = ts;
        break;
      }
      case 'container_memory_working_set_bytes': {
        const p = container(s.labels);
        p.memoryUsage = Math.trunc(s.value);
        p.timestamp = ts;
        break;
      }
      case 'container_start_time_seconds':
        container(s.labels).startTime = s.value * 1000;
        break;
    }
  }
  const batch: MetricsBatch = { nodes: new Map(), pods: new Map() };
  if (node.timestamp !== 0 && node.cumulativeCpuUsed !== 0 && node.memoryUsage !== 0) batch.nodes.set(nodeName, node);
  for (const [key, containers] of pods) {
    // checkContainerMetrics: all-zero points are skipped; one with CPU or memory missing drops the pod.
    const kept: PodMetricsPoint = new Map([...containers].filter(([, p]) => p.startTime !== 0 || p.timestamp !== 0 || p.cumulativeCpuUsed !== 0 || p.memoryUsage !== 0));
    const complete = [...kept.values()].every((p) => p.cumulativeCpuUsed !== 0 && p.memoryUsage !== 0);
    if (complete && kept.size > 0) batch.pods.set(key, kept);
  }
  return batch;
}
