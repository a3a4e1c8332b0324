/**
 * The pod subresources beyond status: pods/binding (assigns the pod to a node) and the kubelet-served
 * pods/log, pods/exec, pods/attach, pods/portforward (which container, which node, which kubelet path). The
 * API server does the decoding and proxying (src/apiserver/pod-proxy.ts).
 *
 * Mirrors kube-apiserver `pkg/registry/core/pod/storage/storage.go` (BindingREST.Create, setPodHostAndAnnotations)
 * and `pkg/registry/core/pod/strategy.go` (LogLocation, ExecLocation, AttachLocation, PortForwardLocation,
 * validateContainer).
 */
import { badRequest, conflict } from '../../api/errors.js';
import { rfc3339 } from '../../api/meta.js';
import { queryBool } from '../../api/query.js';
import type { KubeObject, Pod, Status } from '../../api/types.js';
import type { ConnectLocation, ConnectSubresource, SubresourceContext, SubresourceHandler } from '../strategy.js';

function names(list: { name: string }[] | undefined): string[] {
  return (list ?? []).map((c) => c.name);
}

/**
 * Picks the container of a log/exec/attach request (pod strategy `validateContainer`): the only app container
 * when unnamed, else 400 listing the choices; 400 for an unknown name.
 */
export function resolveContainer(pod: Pod, container: string): string {
  const spec = pod.spec ?? { containers: [] };
  const name = pod.metadata.name ?? '';
  if (container === '') {
    const apps = names(spec.containers);
    if (apps.length === 1) return apps[0] ?? '';
    if (apps.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${apps.join(' ')}]`;
    const inits = names(spec.initContainers);
    if (inits.length) msg += ` or one of the init containers: [${inits.join(' ')}]`;
    throw badRequest(msg);
  }
  const all = [...names(spec.containers), ...names(spec.initContainers), ...names(spec.ephemeralContainers as { name: string }[] | undefined)];
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

function kubeletPath(endpoint: string, pod: Pod, container: string): string {
  return `/${endpoint}/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}`;
}

const LOG_PARAMS = ['follow', 'previous', 'timestamps', 'sinceSeconds', 'sinceTime', 'tailLines', 'limitBytes'];
const LOG_BOOL_PARAMS = new Set(['follow', 'previous', 'timestamps']);

/**
 * pods/log (LogLocation): `/containerLogs/{ns}/{pod}/{container}` with the log options (booleans only when
 * true); undefined while the pod has no node.
 */
export function logLocation(obj: KubeObject, q: URLSearchParams): ConnectLocation | undefined {
  const pod = obj as Pod;
  const container = resolveContainer(pod, q.get('container') ?? '');
  const nodeName = pod.spec?.nodeName ?? '';
  if (!nodeName) return undefined;
  const query = new URLSearchParams();
  for (const p of LOG_PARAMS) {
    const v = q.get(p);
    if (v === null || v === '') continue;
    if (LOG_BOOL_PARAMS.has(p)) {
      if (queryBool(q, p)) query.set(p, 'true');
    } else query.set(p, v);
  }
  return { nodeName, path: kubeletPath('containerLogs', pod, container), query };
}

/**
 * pods/exec and pods/attach (ExecLocation, AttachLocation): `/{exec|attach}/{ns}/{pod}/{container}` with the
 * request's stream options; 400 without a command (exec), without any of stdin/stdout/stderr, or before the
 * pod has a node.
 */
export function streamLocation(endpoint: 'exec' | 'attach', obj: KubeObject, q: URLSearchParams): ConnectLocation {
  const pod = obj as Pod;
  const container = resolveContainer(pod, q.get('container') ?? '');
  if (endpoint === 'exec' && q.getAll('command').length === 0) throw badRequest('you must specify at least one command for the container');
  if (!['stdin', 'stdout', 'stderr'].some((s) => queryBool(q, s))) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const nodeName = pod.spec?.nodeName ?? '';
  if (!nodeName) throw badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  const query = new URLSearchParams(q);
  query.delete('container');
  return { nodeName, path: kubeletPath(endpoint, pod, container), query };
}

const BINDING = { group: '', resource: 'pods/binding' };

/** POST pods/binding: sets spec.nodeName (409 when already bound or being deleted) and the PodScheduled condition; 201 Success. */
export async function bindPod(ctx: SubresourceContext, value: unknown): Promise<{ code: number; body: unknown }> {
  const { name } = ctx;
  const binding = value as { metadata?: { name?: string; namespace?: string }; target?: { kind?: string; name?: string } };
  if (binding.metadata?.namespace && binding.metadata.namespace !== ctx.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const node = binding.target?.name ?? '';
  if (!node) throw badRequest(`Binding "${name}" is invalid: target.name: Required value`);
  if (binding.target?.kind && binding.target.kind !== 'Node') {
    throw badRequest(`Binding "${name}" is invalid: target.kind: Invalid value: "${binding.target.kind}": must be empty or 'Node'`);
  }
  const pod = (await ctx.get()) as Pod;
  const current = pod.spec?.nodeName;
  if (current) throw conflict(BINDING, name, `pod ${name} is already assigned to node "${current}"`);
  if (pod.metadata.deletionTimestamp) throw conflict(BINDING, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (!ctx.dryRun) {
    const now = rfc3339(ctx.now);
    await ctx.guaranteedUpdate((obj) => {
      const spec = (obj['spec'] ??= {}) as { nodeName?: string };
      if (spec.nodeName) throw conflict(BINDING, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      spec.nodeName = node;
      const status = (obj['status'] ??= {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string; lastProbeTime?: null }[] };
      const conds = (status.conditions ??= []).filter((c) => c.type !== 'PodScheduled');
      conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
      status.conditions = conds;
    });
  }
  const ok: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  return { code: 201, body: ok };
}

/**
 * The `ports` of a PodPortForwardOptions query: repeated and/or comma-separated decimal ports, as core/v1's
 * `Convert_Slice_string_To_Slice_int32` reads them; 400 for a value that is not a 16-bit unsigned number.
 */
export function parsePortForwardPorts(q: URLSearchParams): number[] {
  const ports: number[] = [];
  for (const raw of q.getAll('ports')) {
    for (const v of raw.split(',')) {
      if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw badRequest(`cannot convert to []int32: strconv.ParseUint: parsing ${JSON.stringify(v)}: ${/^\d+$/.test(v) ? 'value out of range' : 'invalid syntax'}`);
      ports.push(Number(v));
    }
  }
  return ports;
}

/**
 * pods/portforward (PortForwardLocation): `/portForward/{ns}/{pod}` with one `port` parameter a requested
 * port (WebSocket clients name their ports here; SPDY clients name one on each stream); 400 before the pod
 * has a node.
 */
export function portForwardLocation(obj: KubeObject, q: URLSearchParams): ConnectLocation {
  const pod = obj as Pod;
  const ports = parsePortForwardPorts(q);
  const nodeName = pod.spec?.nodeName ?? '';
  if (!nodeName) throw badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  const query = new URLSearchParams();
  for (const p of ports) query.append('port', String(p));
  const path = `/portForward/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}`;
  return { nodeName, path, query };
}

const portForward: ConnectSubresource = {
  kind: 'connect',
  verbs: ['get', 'create'],
  upgradeRequired: true,
  tunnelsSpdyOverWebSocket: true,
  location: portForwardLocation,
};

/** The pod subresources the API server serves through the Strategy hook (status is generic). */
export const podSubresources: Record<string, SubresourceHandler> = {
  binding: { kind: 'create', bodyKind: { group: '', version: 'v1', kind: 'Binding' }, create: bindPod },
  log: { kind: 'connect', verbs: ['get'], upgradeRequired: false, location: logLocation },
  exec: { kind: 'connect', verbs: ['get', 'create'], upgradeRequired: true, location: (obj, q) => streamLocation('exec', obj, q) },
  attach: { kind: 'connect', verbs: ['get', 'create'], upgradeRequired: true, location: (obj, q) => streamLocation('attach', obj, q) },
  portforward: portForward,
};
