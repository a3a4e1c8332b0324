/**
 * The metrics.k8s.io/v1beta1 resources `pods` (PodMetrics) and `nodes` (NodeMetrics) as read-only resources the
 * API server installs: get and list over the pods and nodes the informers know, metrics from the storage, and
 * metrics-server's Table.
 *
 * Mirrors metrics-server `pkg/api/pod.go`, `node.go`, `table.go` and `filter.go`: a missing pod or node is the
 * lister's NotFound (`pods "x" not found`, `node "x" not found`); one without metrics yet is
 * `podmetrics.metrics.k8s.io "ns/x" not found` / `nodemetrics.metrics.k8s.io "x" not found`; lists select
 * pods and nodes by their labels and metadata fields, then keep those with metrics, sorted by namespace and
 * name; the Table has Name, one column a resource (sorted: cpu, memory) and Window.
 */
import { notFound, serviceUnavailable } from '../api/errors.js';
import { METRICS_GROUP, METRICS_VERSION, type NodeMetrics, type PodMetrics } from '../api/metrics.js';
import { formatBinarySI, formatDecimalSI, parseQuantity } from '../api/quantity.js';
import type { KubeObject } from '../api/types.js';
import type { ReadOnlyListOptions, ReadOnlyResource, ReadOnlyTable } from '../registry/read-only.js';
import type { ResourceInfo, TableColumnDefinition } from '../registry/strategy.js';
import type { MetricsStorage, NodeRef, PodRef } from './storage.js';

/** What the resources read: the pods and nodes known so far (undefined until the informers have synced). */
export interface MetricsApiSources {
  storage: MetricsStorage;
  pods(): ReadonlyMap<string, PodRef> | undefined;
  nodes(): ReadonlyMap<string, NodeRef> | undefined;
  now(): Date;
}

const info = (resource: 'pods' | 'nodes', kind: string, namespaced: boolean): ResourceInfo => ({
  group: METRICS_GROUP,
  version: METRICS_VERSION,
  resource,
  singular: '',
  kind,
  namespaced,
  shortNames: [],
  categories: [],
  verbs: ['get', 'list'],
  subresources: [],
  withoutStorage: true,
});

const NAME_COLUMN: TableColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 };

/** Sums quantities of one resource: CPU in nanocores, anything else in bytes (Quantity.Add keeps the format). */
function sum(resource: string, values: string[]): string {
  if (resource === 'cpu') return formatDecimalSI(values.reduce((a, v) => a + Math.round(parseQuantity(v) * 1e9), 0), -9);
  return formatBinarySI(values.reduce((a, v) => a + Math.round(parseQuantity(v)), 0));
}

/** metrics-server's Table: columns from the first object's usage names, sorted; cells Name, usages, Window. */
function usageTable(objs: KubeObject[], usageOf: (o: KubeObject) => Map<string, string[]>, windowOf: (o: KubeObject) => string): ReadOnlyTable {
  let names: string[] | undefined;
  const columnDefinitions: TableColumnDefinition[] = [];
  const rows: unknown[][] = [];
  for (const o of objs) {
    const usage = usageOf(o);
    if (!names) {
      names = [...usage.keys()].sort();
      columnDefinitions.push(NAME_COLUMN, ...names.map((n): TableColumnDefinition => ({ name: n, type: 'string', format: 'quantity', description: '', priority: 0 })));
      columnDefinitions.push({ name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 });
    }
    rows.push([o.metadata.name ?? '', ...names.map((n) => sum(n, usage.get(n) ?? [])), windowOf(o)]);
  }
  return { columnDefinitions, rows };
}

/** Go's string order (bytes), which sort.Slice over names gives. */
const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function synced<T>(value: T | undefined): T {
  if (value === undefined) throw serviceUnavailable();
  return value;
}

function fieldsOf(name: string, namespace?: string): Record<string, string> {
  return namespace === undefined ? { 'metadata.name': name } : { 'metadata.name': name, 'metadata.namespace': namespace };
}

/** PodMetrics (`/apis/metrics.k8s.io/v1beta1/namespaces/NS/pods[/NAME]`, `/apis/metrics.k8s.io/v1beta1/pods`). */
export function podMetricsResource(src: MetricsApiSources): ReadOnlyResource {
  return {
    info: info('pods', 'PodMetrics', true),
    async get(namespace, name) {
      const pod = synced(src.pods()).get(`${namespace}/${name}`);
      if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
      const [m] = src.storage.podMetrics([pod], src.now());
      if (!m) throw notFound({ group: METRICS_GROUP, resource: 'podmetrics' }, `${namespace}/${name}`);
      return m;
    },
    async list(namespace, options: ReadOnlyListOptions) {
      const pods = [...synced(src.pods()).values()].filter(
        (p) => (namespace === '' || p.namespace === namespace) && options.labelSelector.matches(p.labels) && options.fieldSelector.matches(fieldsOf(p.name, p.namespace)),
      );
      const ms = src.storage.podMetrics(pods, src.now());
      return ms.sort((a, b) => byteOrder(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || byteOrder(a.metadata.name ?? '', b.metadata.name ?? ''));
    },
    convertToTable(objs) {
      return usageTable(
        objs,
        (o) => {
          const usage = new Map<string, string[]>();
          for (const c of (o as PodMetrics).containers) for (const [k, v] of Object.entries(c.usage)) usage.set(k, [...(usage.get(k) ?? []), v]);
          return usage;
        },
        (o) => (o as PodMetrics).window,
      );
    },
  };
}

/** NodeMetrics (`/apis/metrics.k8s.io/v1beta1/nodes[/NAME]`). */
export function nodeMetricsResource(src: MetricsApiSources): ReadOnlyResource {
  return {
    info: info('nodes', 'NodeMetrics', false),
    async get(_namespace, name) {
      const node = synced(src.nodes()).get(name);
      if (!node) throw notFound({ group: '', resource: 'node' }, name);
      const [m] = src.storage.nodeMetrics([node], src.now());
      if (!m) throw notFound({ group: METRICS_GROUP, resource: 'nodemetrics' }, name);
      return m;
    },
    async list(_namespace, options: ReadOnlyListOptions) {
      const nodes = [...synced(src.nodes()).values()].filter((n) => options.labelSelector.matches(n.labels) && options.fieldSelector.matches(fieldsOf(n.name)));
      return src.storage.nodeMetrics(nodes, src.now()).sort((a, b) => byteOrder(a.metadata.name ?? '', b.metadata.name ?? ''));
    },
    convertToTable(objs) {
      return usageTable(
        objs,
        (o) => new Map(Object.entries((o as NodeMetrics).usage).map(([k, v]) => [k, [v]])),
        (o) => (o as NodeMetrics).window,
      );
    },
  };
}
