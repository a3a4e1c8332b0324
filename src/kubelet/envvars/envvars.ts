/**
 * Service environment variables (kubelet `pkg/kubelet/envvars/envvars.go` FromServices and
 * `kubelet_pods.go` getServiceEnvVarMap): `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT[_<PORT>]` and the
 * Docker link variables `<NAME>_PORT[_<port>_<PROTO>[_PROTO|_PORT|_ADDR]]` for every Service with a cluster IP
 * in the pod's namespace (when `enableServiceLinks` is not false) and, always, `default/kubernetes`.
 */
import { isIPv6 } from 'node:net';
import type { Service } from '../../api/services.js';

/** The namespace of the master services (kubelet `--master-service-namespace`, default `default`). */
export const MASTER_SERVICE_NAMESPACE = 'default';
/** Services whose variables every pod gets (`masterServices`). */
const MASTER_SERVICES = new Set(['kubernetes']);

/** `IsServiceIPSet`: `spec.clusterIP` is neither empty nor `None`. */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

/** `makeEnvVariableName`: upper case, `-` → `_`. */
export function envVarName(name: string): string {
  return name.toUpperCase().replaceAll('-', '_');
}

/** `net.JoinHostPort`. */
const hostPort = (ip: string, port: number): string => (isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`);

/** `FromServices`: the variables of `services` in order, as `[name, value]` pairs. Services without a cluster IP are skipped. */
export function fromServices(services: Service[]): [string, string][] {
  const out: [string, string][] = [];
  for (const svc of services) {
    if (!isServiceIPSet(svc)) continue;
    const ip = svc.spec!.clusterIP!;
    const ports = svc.spec?.ports ?? [];
    const prefix = envVarName(svc.metadata.name ?? '');
    out.push([`${prefix}_SERVICE_HOST`, ip]);
    if (ports[0]) out.push([`${prefix}_SERVICE_PORT`, String(ports[0].port)]);
    for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envVarName(p.name)}`, String(p.port)]);
    ports.forEach((p, i) => {
      const proto = p.protocol ?? 'TCP';
      const url = `${proto.toLowerCase()}://${hostPort(ip, p.port)}`;
      if (i === 0) out.push([`${prefix}_PORT`, url]);
      const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push([pp, url], [`${pp}_PROTO`, proto.toLowerCase()], [`${pp}_PORT`, String(p.port)], [`${pp}_ADDR`, ip]);
    });
  }
  return out;
}

/**
 * `getServiceEnvVarMap`: the service variables a pod in `namespace` sees. A Service of the pod's namespace
 * wins over the master service of the same name; master services come even with `enableServiceLinks: false`.
 * Services are taken in name order (upstream's order is a Go map's).
 */
export function serviceEnvVarMap(namespace: string, enableServiceLinks: boolean, services: Service[]): Map<string, string> {
  const chosen = new Map<string, Service>();
  for (const svc of services) {
    if (!isServiceIPSet(svc)) continue;
    const name = svc.metadata.name ?? '';
    if (svc.metadata.namespace === MASTER_SERVICE_NAMESPACE && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, svc);
    } else if (svc.metadata.namespace === namespace && enableServiceLinks) {
      chosen.set(name, svc);
    }
  }
  const ordered = [...chosen.values()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return new Map(fromServices(ordered));
}
