/**
 * The core/v1 services strategy: defaulting, validation, cluster IP and node port allocation, status/spec
 * separation, and the NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE table.
 *
 * Mirrors `pkg/registry/core/service/strategy.go` (PrepareForCreate/Update, dropTypeDependentFields),
 * `pkg/apis/core/v1/defaults.go` SetDefaults_Service and `pkg/printers/internalversion/printers.go` printService.
 */
import { translateTimestampSince } from '../../api/duration.js';
import { formatLabels } from '../../api/labels.js';
import type { Service } from '../../api/services.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';
import { allocateService, type ServiceAllocation } from './allocator.js';
import { serviceProxy } from './proxy.js';
import { dropTypeDependentFields } from './type-dependent-fields.js';
import { validateService, validateServiceUpdate } from './validation.js';

/** Discovery facts of core/v1 services. */
export const serviceInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'services',
  singular: 'service',
  kind: 'Service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status', 'proxy'],
};

/** SetDefaults_Service: type ClusterIP, sessionAffinity None (and then no sessionAffinityConfig), TCP ports, targetPort = port, traffic policies. */
export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.type ||= 'ClusterIP';
  spec.sessionAffinity ||= 'None';
  // SetDefaults_Service: no affinity config without affinity (switching ClientIP → None drops it).
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ||= 'Cluster';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ||= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

/** getServiceExternalIP of printers.go. */
function externalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const ext = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean);
      const all = [...ingress, ...ext];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
}

/** makePortString of printers.go: `80/TCP`, `80:30080/TCP`, or `<none>`. */
function portString(svc: Service): string {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

/** The core/v1 services Strategy, allocating from `allocation` (service CIDR, node-port range). */
export function serviceStrategy(allocation: ServiceAllocation): Strategy<Service> {
  return {
    info: serviceInfo,
    prepareForCreate(svc) {
      defaultService(svc);
      svc.status = { loadBalancer: {} };
    },
    prepareForUpdate(svc, old) {
      defaultService(svc);
      svc.status = old.status ?? { loadBalancer: {} };
      dropTypeDependentFields(svc, old);
    },
    validate: validateService,
    validateUpdate: validateServiceUpdate,
    subresources: { proxy: serviceProxy },
    async allocate(svc, old, existing) {
      allocateService(allocation, svc, old, await existing());
    },
    prepareForStatusUpdate(svc, old) {
      if (old.spec === undefined) delete svc.spec;
      else svc.spec = old.spec;
    },
    validateStatusUpdate: () => [],
    table: {
      columnDefinitions: [
        NAME_COLUMN,
        column('Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.'),
        column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
        column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
        column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
        AGE_COLUMN,
        column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
      ],
      cells: (svc, now) => [
        svc.metadata.name ?? '',
        svc.spec?.type ?? 'ClusterIP',
        svc.spec?.clusterIP || '<none>',
        externalIP(svc),
        portString(svc),
        translateTimestampSince(svc.metadata.creationTimestamp, now),
        formatLabels(svc.spec?.selector),
      ],
    },
  };
}
