/**
 * Minimal strategies for the API server's own tests (pods, namespaces, nodes, configmaps, events), used when the
 * registry's `coreStrategies()` is not available. Far simpler than src/registry: just enough defaulting,
 * validation and printing to exercise the generic store with the real kubectl.
 */
import type { FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { nameIsDNSLabel } from '../api/meta.js';
import type { KubeObject, Pod } from '../api/types.js';
import type { ResourceInfo, Strategy } from '../registry/strategy.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function info(resource: string, kind: string, namespaced: boolean, extra: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    group: '',
    version: 'v1',
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames: [],
    categories: [],
    verbs: VERBS,
    subresources: [],
    ...extra,
  };
}

function age(ts: string | undefined, now: Date): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

function keepStatus(obj: KubeObject, old: KubeObject): void {
  if (old['status'] === undefined) delete obj['status'];
  else obj['status'] = old['status'];
}

function keepAllButStatus(obj: KubeObject, old: KubeObject): void {
  const status = obj['status'];
  for (const k of Object.keys(obj)) if (k !== 'metadata' && k !== 'status') delete obj[k];
  for (const [k, v] of Object.entries(old)) if (k !== 'metadata' && k !== 'status') obj[k] = v;
  obj.metadata = { ...old.metadata, resourceVersion: obj.metadata.resourceVersion ?? '' };
  if (!obj.metadata.resourceVersion) delete obj.metadata.resourceVersion;
  obj['status'] = status;
}

function validatePod(pod: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 0) errs.push({ type: 'FieldValueRequired', field: 'spec.containers', detail: 'Required value' });
  containers.forEach((c, i) => {
    if (!c.name) errs.push({ type: 'FieldValueRequired', field: `spec.containers[${i}].name`, detail: 'Required value' });
    if (!c.image) errs.push({ type: 'FieldValueRequired', field: `spec.containers[${i}].image`, detail: 'Required value' });
  });
  return errs;
}

const pods: Strategy<Pod> = {
  info: info('pods', 'Pod', true, { shortNames: ['po'], categories: ['all'], subresources: ['status', 'log', 'exec', 'attach', 'binding'] }),
  returnDeletedObject: true,
  prepareForCreate(pod) {
    pod.spec.restartPolicy ??= 'Always';
    pod.spec.terminationGracePeriodSeconds ??= 30;
    pod.status = { phase: 'Pending', qosClass: 'BestEffort' };
  },
  prepareForUpdate: keepStatus,
  validate: validatePod,
  validateUpdate(pod, old) {
    const errs = validatePod(pod);
    if ((pod.spec?.nodeName ?? '') !== (old.spec?.nodeName ?? '')) {
      errs.push({ type: 'FieldValueForbidden', field: 'spec', detail: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`' });
    }
    return errs;
  },
  prepareForStatusUpdate: keepAllButStatus,
  table: {
    columnDefinitions: [
      { name: 'Ready', type: 'string', format: '', description: 'The aggregate readiness state of this pod for accepting traffic.', priority: 0 },
      { name: 'Status', type: 'string', format: '', description: 'The aggregate status of the containers in this pod.', priority: 0 },
      { name: 'Restarts', type: 'string', format: '', description: 'The number of times the containers in this pod have been restarted.', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp', priority: 0 },
      { name: 'Node', type: 'string', format: '', description: 'Node name', priority: 1 },
    ],
    cells(pod, now) {
      const statuses = pod.status?.containerStatuses ?? [];
      const ready = statuses.filter((s) => s.ready).length;
      const restarts = statuses.reduce((n, s) => n + s.restartCount, 0);
      const reason = pod.metadata.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Pending');
      return [`${ready}/${pod.spec.containers.length}`, reason, restarts, age(pod.metadata.creationTimestamp, now), pod.spec.nodeName ?? '<none>'];
    },
  },
  selectableFields(pod) {
    return { 'spec.nodeName': pod.spec?.nodeName ?? '', 'status.phase': pod.status?.phase ?? '', 'spec.restartPolicy': pod.spec?.restartPolicy ?? '' };
  },
  gracePeriod(pod, options) {
    if (!pod.spec?.nodeName) return 0;
    return options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  },
};

const namespaces: Strategy = {
  info: info('namespaces', 'Namespace', false, { shortNames: ['ns'], subresources: ['status', 'finalize'] }),
  returnDeletedObject: true,
  prepareForCreate(ns) {
    ns['spec'] = { finalizers: ['kubernetes'] };
    ns['status'] = { phase: 'Active' };
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  },
  prepareForUpdate: keepStatus,
  validate: (ns) => nameIsDNSLabel(ns.metadata.name ?? '', false).map((msg) => field.invalid('metadata.name', ns.metadata.name ?? '', msg)),
  validateUpdate: () => [],
  beginDelete(ns) {
    const finalizers = (ns['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    if (finalizers.length === 0) return false;
    ns['status'] = { phase: 'Terminating' };
    return true;
  },
  prepareForStatusUpdate: keepAllButStatus,
  table: {
    columnDefinitions: [
      { name: 'Status', type: 'string', format: '', description: 'The status of the namespace', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp', priority: 0 },
    ],
    cells: (ns, now) => [((ns['status'] as { phase?: string } | undefined)?.phase ?? ''), age(ns.metadata.creationTimestamp, now)],
  },
  selectableFields: (ns) => ({ 'status.phase': (ns['status'] as { phase?: string } | undefined)?.phase ?? '' }),
};

function plain(resource: string, kind: string, namespaced: boolean, extra: Partial<ResourceInfo> = {}): Strategy {
  return {
    info: info(resource, kind, namespaced, extra),
    prepareForCreate: () => undefined,
    prepareForUpdate: () => undefined,
    validate: () => [],
    validateUpdate: () => [],
  };
}

/** The test strategies: pods, namespaces, nodes, configmaps, events. */
export function testStrategies(): Strategy[] {
  const nodes = plain('nodes', 'Node', false, { shortNames: ['no'], subresources: ['status'] });
  nodes.prepareForStatusUpdate = keepAllButStatus;
  const events = plain('events', 'Event', true, { shortNames: ['ev'] });
  events.selectableFields = (e) => {
    const io = (e['involvedObject'] ?? {}) as Record<string, string | undefined>;
    return {
      'involvedObject.kind': io['kind'] ?? '',
      'involvedObject.name': io['name'] ?? '',
      'involvedObject.namespace': io['namespace'] ?? '',
      'involvedObject.uid': io['uid'] ?? '',
      reason: String(e['reason'] ?? ''),
      type: String(e['type'] ?? ''),
    };
  };
  return [pods as unknown as Strategy, namespaces, nodes, plain('configmaps', 'ConfigMap', true, { shortNames: ['cm'] }), events];
}
