/**
 * The contract of a resource served from a component's memory instead of storage: get and list only, with
 * its own Table printing. metrics.k8s.io's PodMetrics and NodeMetrics (src/metrics) are served this way, the
 * API server installing them beside its stored kinds as kube-aggregator makes metrics-server's group part of
 * the one API.
 *
 * Mirrors the `rest.Getter` + `rest.Lister` + `rest.TableConvertor` storage that metrics-server installs with
 * genericapiserver `InstallAPIGroup` (metrics-server `pkg/api/pod.go`, `node.go`): no resourceVersion, no watch,
 * no writes; field selectors know only metadata.name and metadata.namespace.
 */
import type { FieldSelector } from '../api/fields.js';
import type { LabelSelector } from '../api/labels.js';
import type { KubeObject } from '../api/types.js';
import type { ResourceInfo, TableColumnDefinition } from './strategy.js';

/** The selectors of a list, parsed and checked by the API server. */
export interface ReadOnlyListOptions {
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
}

/** A Table of objects: the column definitions and one row of cells an object, in order (rest.TableConvertor). */
export interface ReadOnlyTable {
  /** May depend on the objects (metrics-server derives its columns from the first object's usage). */
  columnDefinitions: TableColumnDefinition[];
  rows: unknown[][];
}

/** A served-from-memory resource. Methods throw StatusErrors (404 NotFound, 503...) that the API server writes as they are. */
export interface ReadOnlyResource {
  /** Discovery facts; `verbs` is what it serves (`['get', 'list']`). */
  info: ResourceInfo;
  /** One object, with its TypeMeta or without (the API server sets kind and apiVersion on the answer). */
  get(namespace: string, name: string): Promise<KubeObject>;
  /** The objects of `namespace` ('' = all namespaces, or cluster-scoped) passing the selectors, in list order. */
  list(namespace: string, options: ReadOnlyListOptions): Promise<KubeObject[]>;
  /** Server-side printing; absent = the default Name / Created At table. */
  convertToTable?(objs: KubeObject[]): ReadOnlyTable;
}
