/**
 * metrics-server's storage: the last two metric points of every node and container, and the usage computed from
 * them — CPU as the rate of cumulative CPU over the window between the two points, memory as the last working set.
 *
 * Mirrors metrics-server `pkg/storage` (storage.go, node.go, pod.go, types.go): a point replaces `last` only
 * when newer, the old `last` becoming `prev`; a restarted container (start time after the stored point) starts
 * over; a container started between 10 s and one resolution before its first point gets a synthetic `prev` of
 * zero CPU at its start time, so a fresh pod shows usage after one scrape; a pod is reported only when every
 * container has both points, with the earliest container timestamp and its window.
 */
import { formatBinarySI, formatDecimalSI } from '../api/quantity.js';
import { goDuration } from '../api/duration.js';
import { rfc3339 } from '../api/meta.js';
import type { ContainerMetrics, NodeMetrics, PodMetrics, ResourceUsage } from '../api/metrics.js';
import { podKey, type MetricsBatch, type MetricsPoint, type PodMetricsPoint } from './decode.js';

/** A fresh container's shortest start-to-sample time that gives a usable synthetic window (freshContainerMinMetricsResolution). */
const FRESH_CONTAINER_MIN_MS = 10_000;

/** Usage between two points, or undefined when they cannot be compared (resourceUsage's errors). */
export function resourceUsage(last: MetricsPoint, prev: MetricsPoint): { usage: ResourceUsage; timestamp: number; windowMs: number } | undefined {
  if (last.startTime < prev.startTime) return undefined;
  if (last.cumulativeCpuUsed < prev.cumulativeCpuUsed) return undefined;
  const windowMs = last.timestamp - prev.timestamp;
  if (windowMs <= 0) return undefined;
  const nanocores = Math.trunc((last.cumulativeCpuUsed - prev.cumulativeCpuUsed) / (windowMs / 1000));
  return { usage: { cpu: formatDecimalSI(nanocores, -9), memory: formatBinarySI(last.memoryUsage) }, timestamp: last.timestamp, windowMs };
}

/** What the API needs of a pod: its name, namespace and labels (metrics-server reads pod metadata only). */
export interface PodRef {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
}

/** What the API needs of a node. */
export interface NodeRef {
  name: string;
  labels?: Record<string, string>;
}

const windowText = (ms: number): string => goDuration(ms / 1000);

/** The metric points of every node and container, and the metrics computed from them. Not safe across awaits: callers store and read synchronously. */
export class MetricsStorage {
  private lastNodes = new Map<string, MetricsPoint>();
  private prevNodes = new Map<string, MetricsPoint>();
  private lastPods = new Map<string, PodMetricsPoint>();
  private prevPods = new Map<string, PodMetricsPoint>();

  /** `resolutionMs` is the scrape period (metrics-server `--metric-resolution`, 15 s by default). */
  constructor(private readonly resolutionMs: number) {}

  /** True once both node and pod metrics can be served (storage.Ready). */
  ready(): boolean {
    return this.prevNodes.size > 0 && this.prevPods.size > 0;
  }

  /** Stores a scrape of every node; points absent from it are forgotten. */
  store(batch: MetricsBatch): void {
    this.storeNodes(batch);
    this.storePods(batch);
  }

  private storeNodes(batch: MetricsBatch): void {
    const last = new Map<string, MetricsPoint>();
    const prev = new Map<string, MetricsPoint>();
    for (const [name, point] of batch.nodes) {
      last.set(name, point);
      const stored = this.lastNodes.get(name);
      if (!stored) continue;
      if (point.timestamp > stored.timestamp) prev.set(name, stored);
      else {
        const p = this.prevNodes.get(name);
        if (p && p.timestamp < point.timestamp) prev.set(name, p);
      }
    }
    this.lastNodes = last;
    this.prevNodes = prev;
  }

  private storePods(batch: MetricsBatch): void {
    const lastPods = new Map<string, PodMetricsPoint>();
    const prevPods = new Map<string, PodMetricsPoint>();
    for (const [key, containers] of batch.pods) {
      const newLast: PodMetricsPoint = new Map();
      const newPrev: PodMetricsPoint = new Map();
      for (const [name, point] of containers) {
        newLast.set(name, point);
        const age = point.timestamp - point.startTime;
        if (point.startTime < point.timestamp && age < this.resolutionMs && age >= FRESH_CONTAINER_MIN_MS) {
          newPrev.set(name, { ...point, timestamp: point.startTime, cumulativeCpuUsed: 0 });
          continue;
        }
        const stored = this.lastPods.get(key)?.get(name);
        // Keep history only while the container has not restarted (started before the stored point).
        if (!stored || !(point.startTime < stored.timestamp)) continue;
        if (point.timestamp > stored.timestamp) newPrev.set(name, stored);
        else {
          const p = this.prevPods.get(key)?.get(name);
          if (p && p.timestamp < point.timestamp) newPrev.set(name, p);
        }
      }
      if (newPrev.size > 0) prevPods.set(key, newPrev);
      lastPods.set(key, newLast);
    }
    this.lastPods = lastPods;
    this.prevPods = prevPods;
  }

  /**
   * PodMetrics of those `pods` that have metrics, in the given order; `now` stamps creationTimestamp (as
   * metrics-server stamps each answer). A pod is left out while any of its containers lacks a second point.
   */
  podMetrics(pods: PodRef[], now: Date): PodMetrics[] {
    const out: PodMetrics[] = [];
    for (const pod of pods) {
      const key = podKey(pod.namespace, pod.name);
      const last = this.lastPods.get(key);
      const prev = this.prevPods.get(key);
      if (!last || !prev) continue;
      const containers: ContainerMetrics[] = [];
      let earliest: { timestamp: number; windowMs: number } | undefined;
      let allPresent = true;
      for (const [name, point] of last) {
        const p = prev.get(name);
        if (!p) {
          allPresent = false;
          break;
        }
        const u = resourceUsage(point, p);
        if (!u) continue;
        containers.push({ name, usage: u.usage });
        if (!earliest || earliest.timestamp > u.timestamp) earliest = { timestamp: u.timestamp, windowMs: u.windowMs };
      }
      if (!allPresent) continue;
      out.push({
        metadata: { name: pod.name, namespace: pod.namespace, creationTimestamp: rfc3339(now), ...(pod.labels && Object.keys(pod.labels).length ? { labels: pod.labels } : {}) },
        timestamp: rfc3339(new Date(earliest?.timestamp ?? 0)),
        window: windowText(earliest?.windowMs ?? 0),
        containers,
      });
    }
    return out;
  }

  /** NodeMetrics of those `nodes` that have two points, in the given order. */
  nodeMetrics(nodes: NodeRef[], now: Date): NodeMetrics[] {
    const out: NodeMetrics[] = [];
    for (const node of nodes) {
      const last = this.lastNodes.get(node.name);
      const prev = this.prevNodes.get(node.name);
      if (!last || !prev) continue;
      const u = resourceUsage(last, prev);
      if (!u) continue;
      out.push({
        metadata: { name: node.name, creationTimestamp: rfc3339(now), ...(node.labels && Object.keys(node.labels).length ? { labels: node.labels } : {}) },
        timestamp: rfc3339(new Date(u.timestamp)),
        window: windowText(u.windowMs),
        usage: u.usage,
      });
    }
    return out;
  }
}
