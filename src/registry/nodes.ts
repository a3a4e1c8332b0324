/**
 * The core/v1 nodes strategy: cluster-scoped, status subresource, taint validation and printNode's table
 * (NAME STATUS ROLES AGE VERSION, wide INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME).
 *
 * Mirrors `pkg/registry/core/node/strategy.go`, `pkg/apis/core/v1/defaults.go` SetDefaults_NodeStatus,
 * `pkg/apis/core/validation/validation.go` ValidateNode (taints) and `printers.go` printNode/findNodeRoles.
 */
import { translateTimestampSince } from '../api/duration.js';
import type { FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../api/meta.js';
import type { Node } from '../api/types.js';
import { isQualifiedName, isValidLabelValue } from '../api/validation.js';
import type { ResourceInfo, Strategy } from './strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './table-columns.js';

/** Discovery facts of core/v1 nodes. */
export const nodeInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  singular: 'node',
  kind: 'Node',
  namespaced: false,
  shortNames: ['no'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status'],
};

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateTaints(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    for (const msg of isQualifiedName(t.key ?? '')) errs.push(field.invalid(`${p}.key`, t.key ?? '', msg));
    if (t.value) for (const msg of isValidLabelValue(t.value)) errs.push(field.invalid(`${p}.value`, t.value, msg));
    if (!t.effect) errs.push(field.required(`${p}.effect`));
    else if (!taintEffects.includes(t.effect)) errs.push(field.notSupported(`${p}.effect`, t.effect, taintEffects));
    const key = `${t.key}/${t.effect}`;
    if (seen.has(key)) errs.push(field.duplicate(p, t));
    seen.add(key);
  });
  return errs;
}

/** SetDefaults_NodeStatus: allocatable defaults to capacity. */
function defaultNode(node: Node): void {
  if (node.status?.capacity && !node.status.allocatable) node.status.allocatable = { ...node.status.capacity };
}

/** findNodeRoles: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role=<role>`, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

/** printNode's STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatusText(node: Node): string {
  const status: string[] = [];
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function address(node: Node, type: 'InternalIP' | 'ExternalIP'): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

/** The core/v1 nodes Strategy. */
export const nodeStrategy: Strategy<Node> = {
  info: nodeInfo,
  returnDeletedObject: true,
  prepareForCreate: defaultNode,
  prepareForUpdate(node, old) {
    if (old.status === undefined) delete node.status;
    else node.status = old.status;
  },
  validate: (node) => [...validateObjectMeta(node.metadata, false, nameIsDNSSubdomain), ...validateTaints(node)],
  validateUpdate: (node, old) => [...validateObjectMetaUpdate(node.metadata, old.metadata), ...validateTaints(node)],
  prepareForStatusUpdate(node, old) {
    if (old.spec === undefined) delete node.spec;
    else node.spec = old.spec;
    defaultNode(node);
  },
  validateStatusUpdate: (node, old) => validateObjectMetaUpdate(node.metadata, old.metadata),
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Status', 'string', 'The status of the node'),
      column('Roles', 'string', 'The roles of the node'),
      AGE_COLUMN,
      column('Version', 'string', 'Kubelet Version reported by the node.'),
      column('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
      column('External-IP', 'string', 'List of addresses reachable to the node.', 1),
      column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells(node, now) {
      const info = node.status?.nodeInfo ?? {};
      const roles = nodeRoles(node).join(',');
      return [
        node.metadata.name ?? '',
        nodeStatusText(node),
        roles || '<none>',
        translateTimestampSince(node.metadata.creationTimestamp, now),
        info.kubeletVersion ?? '',
        address(node, 'InternalIP'),
        address(node, 'ExternalIP'),
        info.osImage || '<unknown>',
        info.kernelVersion || '<unknown>',
        info.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
  selectableFields: (node) => ({ 'metadata.name': node.metadata.name ?? '', 'spec.unschedulable': String(node.spec?.unschedulable === true) }),
};
