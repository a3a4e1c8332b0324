/**
 * The kubelet's `/metrics/resource` endpoint body: node, pod and container CPU and memory in the Prometheus
 * text exposition format (version 0.0.4), which metrics-server scrapes.
 *
 * Mirrors kubelet `pkg/kubelet/metrics/collectors/resource_metrics.go` (metric names, help texts with their
 * `[STABLE]` stability prefix, labels container/pod/namespace, samples stamped with the stats' own time in ms,
 * container_start_time_seconds unstamped, resource_scrape_error last) as client_golang's text encoder writes
 * it: families sorted by name, each with HELP and TYPE, series sorted by label values, labels by name,
 * values in Go's shortest `%g` form (`0.5`, `1.2345678e+07`).
 */
import type { CPUAndMemorySummary, PodStats } from './summary.js';

/** Content-Type of the exposition (expfmt FmtText). */
export const RESOURCE_METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A float64 as Go's `strconv.FormatFloat(f, 'g', -1, 64)` writes it (as expfmt does): shortest digits,
 * exponent form when the decimal exponent is < -4 or >= 6 (the shortest precision's rule), with at least two
 * exponent digits (`1e+06`, `1.5e-05`); `NaN`, `+Inf`, `-Inf`.
 */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const e = f.toExponential();
  const [mantissa = '', expText = '0'] = e.split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(f);
}

/** Escapes a label value for the text format (backslash, double quote, newline). */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface Series {
  labels: [string, string][];
  value: number;
  /** ms since the epoch; absent = unstamped. */
  timestampMs?: number;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  series: Series[];
}

function renderFamily(f: Family): string {
  const lines = [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`];
  const sorted = [...f.series].sort((a, b) => {
    for (let i = 0; i < Math.max(a.labels.length, b.labels.length); i++) {
      const x = a.labels[i]?.[1] ?? '';
      const y = b.labels[i]?.[1] ?? '';
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  for (const s of sorted) {
    const labels = s.labels.length ? `{${s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
    const ts = s.timestampMs !== undefined ? ` ${Math.floor(s.timestampMs)}` : '';
    lines.push(`${f.name}${labels} ${formatGoFloat(s.value)}${ts}`);
  }
  return lines.join('\n') + '\n';
}

const containerLabels = (pod: PodStats, container: string): [string, string][] => [
  ['container', container],
  ['namespace', pod.podRef.namespace],
  ['pod', pod.podRef.name],
];
const podLabels = (pod: PodStats): [string, string][] => [
  ['namespace', pod.podRef.namespace],
  ['pod', pod.podRef.name],
];

/**
 * Renders the summary (or, when `summary` is an Error, only `resource_scrape_error 1`, as the kubelet does
 * when GetCPUAndMemoryStats fails). Families without samples are left out.
 */
export function renderResourceMetrics(summary: CPUAndMemorySummary | Error): string {
  const fam = (name: string, type: Family['type'], help: string): Family => ({ name, type, help: `[STABLE] ${help}`, series: [] });
  const containerCpu = fam('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds');
  const containerMem = fam('container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes');
  const containerStart = fam('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds');
  const nodeCpu = fam('node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds');
  const nodeMem = fam('node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes');
  const podCpu = fam('pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds');
  const podMem = fam('pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes');
  const scrapeError = fam('resource_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise');
  scrapeError.series.push({ labels: [], value: summary instanceof Error ? 1 : 0 });
  if (!(summary instanceof Error)) {
    const { node, pods } = summary;
    if (node.cpu) nodeCpu.series.push({ labels: [], value: node.cpu.usageCoreNanoSeconds / 1e9, timestampMs: node.cpu.time });
    if (node.memory) nodeMem.series.push({ labels: [], value: node.memory.workingSetBytes, timestampMs: node.memory.time });
    for (const pod of pods) {
      for (const c of pod.containers) {
        if (c.startTime > 0) containerStart.series.push({ labels: containerLabels(pod, c.name), value: c.startTime / 1000 });
        if (c.cpu) containerCpu.series.push({ labels: containerLabels(pod, c.name), value: c.cpu.usageCoreNanoSeconds / 1e9, timestampMs: c.cpu.time });
        if (c.memory) containerMem.series.push({ labels: containerLabels(pod, c.name), value: c.memory.workingSetBytes, timestampMs: c.memory.time });
      }
      if (pod.cpu) podCpu.series.push({ labels: podLabels(pod), value: pod.cpu.usageCoreNanoSeconds / 1e9, timestampMs: pod.cpu.time });
      if (pod.memory) podMem.series.push({ labels: podLabels(pod), value: pod.memory.workingSetBytes, timestampMs: pod.memory.time });
    }
  }
  return [containerCpu, containerMem, containerStart, nodeCpu, nodeMem, podCpu, podMem, scrapeError]
    .filter((f) => f.series.length > 0)
    .map(renderFamily)
    .join('');
}
