/**
 * The Service allocators: cluster IPs from the service CIDR and node ports from the node-port range, unique
 * across all Services, computed from the stored Services (no separate allocation map to drift).
 *
 * Mirrors kube-apiserver `pkg/registry/core/service/ipallocator` (random choice, with the lower band of the
 * range — min(max(16, size/16), 256) addresses — kept for static assignment; the network address and the last
 * address are never given out) and `portallocator`, and the messages of
 * `pkg/registry/core/service/storage/alloc.go`.
 */
import { invalid, type FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { addressAt, parseIpv4, rangeContains, type Ipv4Range } from '../../api/ipv4.js';
import type { Service } from '../../api/services.js';

/** The allocators' configuration (k3s `--service-cidr`, `--service-node-port-range`). */
export interface ServiceAllocation {
  serviceCIDR: Ipv4Range;
  /** Inclusive node-port range, default 30000-32767. */
  nodePortMin: number;
  nodePortMax: number;
  /** Random source in [0, 1); injectable for tests. */
  random?: () => number;
}

function usedBy(existing: Service[], self: Service): { ips: Set<string>; ports: Set<string> } {
  const ips = new Set<string>();
  const ports = new Set<string>();
  for (const s of existing) {
    if (s.metadata.uid === self.metadata.uid) continue;
    for (const ip of s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])) if (ip !== 'None') ips.add(ip);
    for (const p of s.spec?.ports ?? []) if (p.nodePort) ports.add(`${p.nodePort}/${p.protocol ?? 'TCP'}`);
  }
  return { ips, ports };
}

function pickIp(cfg: ServiceAllocation, used: Set<string>): string | undefined {
  const size = cfg.serviceCIDR.size;
  const random = cfg.random ?? Math.random;
  const reserved = size <= 16 ? 0 : Math.min(Math.max(16, Math.floor(size / 16)), 256);
  const first = Math.max(1, reserved);
  const last = size - 2;
  const span = last - first + 1;
  if (span > 0) {
    const start = Math.floor(random() * span);
    for (let i = 0; i < span; i++) {
      const ip = addressAt(cfg.serviceCIDR, first + ((start + i) % span));
      if (!used.has(ip)) return ip;
    }
  }
  for (let off = 1; off < first; off++) {
    const ip = addressAt(cfg.serviceCIDR, off);
    if (!used.has(ip)) return ip;
  }
  return undefined;
}

function pickPort(cfg: ServiceAllocation, used: Set<string>, protocol: string): number | undefined {
  const span = cfg.nodePortMax - cfg.nodePortMin + 1;
  const start = Math.floor((cfg.random ?? Math.random)() * span);
  for (let i = 0; i < span; i++) {
    const port = cfg.nodePortMin + ((start + i) % span);
    if (!used.has(`${port}/${protocol}`)) return port;
  }
  return undefined;
}

/**
 * Gives `svc` its cluster IP and node ports, in place: keeps what `old` had when the update leaves them out,
 * checks requested values, allocates the rest. Throws a 422 StatusError (Service) naming the field.
 */
export function allocateService(cfg: ServiceAllocation, svc: Service, old: Service | undefined, existing: Service[]): void {
  const spec = (svc.spec ??= {});
  const name = svc.metadata.name ?? '';
  const fail = (errs: FieldError[]): never => {
    throw invalid('Service', '', name, errs);
  };
  const { ips, ports } = usedBy(existing, svc);
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    if (!spec.clusterIP && old?.spec?.clusterIP && old.spec.type !== 'ExternalName') spec.clusterIP = old.spec.clusterIP;
    if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    } else if (spec.clusterIP) {
      const ip = spec.clusterIP;
      if (ip !== old?.spec?.clusterIP) {
        if (parseIpv4(ip) === undefined) fail([field.invalid('spec.clusterIPs', [ip], `failed to allocate IP ${ip}: must be a valid IP address`)]);
        if (!rangeContains(cfg.serviceCIDR, ip)) {
          fail([field.invalid('spec.clusterIPs', [ip], `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${cfg.serviceCIDR.text}`)]);
        }
        if (ips.has(ip)) fail([field.invalid('spec.clusterIPs', [ip], `failed to allocate IP ${ip}: provided IP is already allocated`)]);
      }
      spec.clusterIPs = [ip];
    } else {
      const ip = pickIp(cfg, ips) ?? fail([field.invalid('spec.clusterIPs', [], 'failed to allocate a serviceIP: range is full')]);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    }
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  const mine = new Set<string>();
  (spec.ports ?? []).forEach((p, i) => {
    const protocol = p.protocol ?? 'TCP';
    if (!wantsNodePorts) {
      // dropTypeDependentFields: node ports the update left unchanged go with the type.
      const kept = old?.spec?.ports?.find((o) => o.port === p.port && o.protocol === p.protocol);
      if (p.nodePort && kept?.nodePort === p.nodePort) delete p.nodePort;
      return;
    }
    if (!p.nodePort) {
      const prev = old?.spec?.ports?.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === protocol)?.nodePort;
      if (prev) p.nodePort = prev;
    }
    const path = `spec.ports[${i}].nodePort`;
    if (p.nodePort) {
      const key = `${p.nodePort}/${protocol}`;
      const unchanged = old?.spec?.ports?.some((o) => o.nodePort === p.nodePort && (o.protocol ?? 'TCP') === protocol);
      if (!unchanged) {
        if (p.nodePort < cfg.nodePortMin || p.nodePort > cfg.nodePortMax) {
          fail([field.invalid(path, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${cfg.nodePortMin}-${cfg.nodePortMax}`)]);
        }
        if (ports.has(key)) fail([field.invalid(path, p.nodePort, 'provided port is already allocated')]);
      }
      mine.add(key);
      return;
    }
    const port = pickPort(cfg, new Set([...ports, ...mine]), protocol) ?? fail([field.invalid(path, 0, 'failed to allocate a nodePort: range is full')]);
    p.nodePort = port;
    mine.add(`${port}/${protocol}`);
  });
}
