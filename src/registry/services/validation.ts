/**
 * Service validation: ports, type, selector, session affinity, cluster IPs and what may change on update.
 *
 * Mirrors `pkg/apis/core/validation/validation.go` ValidateService / ValidateServiceUpdate (validateServicePort,
 * ValidateServiceClusterIPsRelatedFields, validateServiceExternalTrafficPolicy) for the fields k1s serves.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { parseIpv4 } from '../../api/ipv4.js';
import { nameIsDNSLabel, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta.js';
import type { Service, ServicePort } from '../../api/services.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../../api/validation.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** True for a headless Service (`clusterIP: None`). */
export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

function validatePort(p: ServicePort, requireName: boolean, path: string, type: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(field.required(`${path}.name`));
  else if (p.name) for (const msg of isDNS1123Label(p.name)) errs.push(field.invalid(`${path}.name`, p.name, msg));
  for (const msg of isValidPortNum(p.port)) errs.push(field.invalid(`${path}.port`, p.port, msg));
  if (!p.protocol) errs.push(field.required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(p.protocol)) errs.push(field.notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
  const t = p.targetPort;
  if (typeof t === 'number') for (const msg of isValidPortNum(t)) errs.push(field.invalid(`${path}.targetPort`, t, msg));
  else if (typeof t === 'string') for (const msg of isValidPortName(t)) errs.push(field.invalid(`${path}.targetPort`, t, msg));
  if (p.nodePort !== undefined && p.nodePort !== 0) {
    if (type === 'ClusterIP') errs.push(field.forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    else for (const msg of isValidPortNum(p.nodePort)) errs.push(field.invalid(`${path}.nodePort`, p.nodePort, msg));
  }
  if (p.appProtocol) for (const msg of isDNS1123Subdomain(p.appProtocol.split('/').pop() ?? '')) errs.push(field.invalid(`${path}.appProtocol`, p.appProtocol, msg));
  return errs;
}

/** Go's `%#v` of a ServicePort in a Duplicate error (`core.ServicePort{Name:"", Protocol:"TCP", ...}`). */
function formatPort(p: ServicePort): string {
  const t = p.targetPort;
  const target = typeof t === 'string' ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(t)}}` : `intstr.IntOrString{Type:0, IntVal:${t ?? 0}, StrVal:""}`;
  return `core.ServicePort{Name:${JSON.stringify(p.name ?? '')}, Protocol:${JSON.stringify(p.protocol ?? '')}, AppProtocol:(*string)(nil), Port:${p.port}, TargetPort:${target}, NodePort:${p.nodePort ?? 0}}`;
}

/** ValidateService for a defaulted Service. */
export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, true, nameIsDNSLabel);
  const spec = svc.spec;
  if (!spec) return [...errs, field.required('spec')];
  const type = spec.type ?? 'ClusterIP';
  if (!TYPES.includes(type)) errs.push(field.notSupported('spec.type', type, TYPES));
  const ports = spec.ports ?? [];
  if (type === 'ExternalName') {
    if (!spec.externalName) errs.push(field.required('spec.externalName'));
    else for (const msg of isDNS1123Subdomain(spec.externalName.replace(/\.$/, ''))) errs.push(field.invalid('spec.externalName', spec.externalName, msg));
    if (spec.clusterIP) errs.push(field.forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  } else if (ports.length === 0 && !isHeadless(svc)) {
    errs.push(field.required('spec.ports'));
  }
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    errs.push(...validatePort(p, ports.length > 1, path, type));
    if (p.name) {
      if (names.has(p.name)) errs.push(field.duplicate(`${path}.name`, p.name));
      names.add(p.name);
    }
    const key = `${p.port}/${p.protocol ?? ''}`;
    if (keys.has(key)) errs.push(field.duplicate(path, new field.GoValue(formatPort(p))));
    keys.add(key);
  });
  if (isHeadless(svc) && type !== 'ClusterIP') {
    errs.push(field.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  } else if (spec.clusterIP && spec.clusterIP !== 'None' && parseIpv4(spec.clusterIP) === undefined) {
    errs.push(field.invalid('spec.clusterIPs[0]', spec.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  }
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (parseIpv4(ip) === undefined) errs.push(field.invalid(`spec.externalIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = spec.sessionAffinity ?? 'None';
  if (affinity !== 'None' && affinity !== 'ClientIP') errs.push(field.notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t === undefined || t <= 0 || t > 86400) errs.push(field.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t ?? 0, 'must be greater than 0 and less than 86400'));
  } else if (spec.sessionAffinityConfig) {
    errs.push(field.forbidden('spec.sessionAffinityConfig', `must not be set when session affinity is ${affinity}`));
  }
  const etp = spec.externalTrafficPolicy;
  if (etp !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') {
    errs.push(field.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (etp !== undefined && etp !== 'Cluster' && etp !== 'Local') {
    errs.push(field.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  return errs;
}

/** ValidateServiceUpdate: cluster IPs may not change once set (except to or from ExternalName). */
export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  errs.push(...validateService(svc).filter((e) => !e.field.startsWith('metadata.')));
  const oldIP = old.spec?.clusterIP;
  const newIP = svc.spec?.clusterIP;
  const toOrFromExternal = old.spec?.type === 'ExternalName' || svc.spec?.type === 'ExternalName';
  if (!toOrFromExternal && oldIP && newIP !== oldIP) {
    errs.push(field.invalid('spec.clusterIPs[0]', svc.spec?.clusterIPs ?? [newIP ?? ''], 'may not change once set'));
  }
  return errs;
}
