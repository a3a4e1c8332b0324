/**
 * The kubelet's stats provider for CPU and memory: the node from its root cgroup, pods and containers from the
 * CRI, assembled into the summary `/metrics/resource` is rendered from.
 *
 * Mirrors kubelet `pkg/kubelet/server/stats/summary.go` (GetCPUAndMemoryStats) over
 * `pkg/kubelet/stats/provider.go` (the CRI stats provider plus the root container's cAdvisor stats).
 */
import type { RuntimeService } from '../../cri/types.js';
import type { Clock } from '../../api/clock.js';
import { listPodCPUAndMemoryStats } from './cri-stats-provider.js';
import { HOST_SOURCES, readNodeStats, type NodeStatsSources } from './node-stats.js';
import { renderResourceMetrics } from './resource-metrics.js';
import type { CPUAndMemorySummary } from './summary.js';

/** Options of {@link cpuAndMemoryStats}. */
export interface StatsProviderOptions {
  runtime: RuntimeService;
  nodeName: string;
  clock: Clock;
  /** Host files of the node's cgroup stats (default: the real /proc and /sys/fs/cgroup). */
  nodeSources?: NodeStatsSources;
}

/** GetCPUAndMemoryStats: the node and every pod with running containers. Rejects when a CRI call fails. */
export async function cpuAndMemoryStats(options: StatsProviderOptions): Promise<CPUAndMemorySummary> {
  const now = options.clock.now();
  const [node, pods] = await Promise.all([readNodeStats(now, options.nodeSources ?? HOST_SOURCES), listPodCPUAndMemoryStats(options.runtime, now)]);
  return { node: { nodeName: options.nodeName, ...node }, pods };
}

/**
 * The body of `/metrics/resource`: the exposition of the current stats, or `resource_scrape_error 1` alone
 * when they cannot be read (the endpoint itself still answers 200, as the kubelet's collector does).
 */
export async function resourceMetricsText(options: StatsProviderOptions): Promise<string> {
  try {
    return renderResourceMetrics(await cpuAndMemoryStats(options));
  } catch (err) {
    return renderResourceMetrics(err instanceof Error ? err : new Error(String(err)));
  }
}
