/**
 * Splits a query name into the parts of the Kubernetes DNS schema (CoreDNS `plugin/kubernetes` parse.go
 * parseRequest), and reverse names (`d.c.b.a.in-addr.arpa`, ip6.arpa nibbles) into addresses.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { canonicalAddress } from './cluster-records.js';

/** A name inside the cluster domain, by schema shape. */
export type ClusterName =
  /** The zone itself. */
  | { kind: 'apex' }
  /** `dns-version.<zone>` (kubernetes/dns docs/specification.md §2.2). */
  | { kind: 'dns-version' }
  /** `ns.dns.<zone>`, the name server of the zone. */
  | { kind: 'nameserver' }
  /** `svc.<zone>` or `pod.<zone>`: existing names without records. */
  | { kind: 'empty' }
  /** `<ns>.svc.<zone>` or `<ns>.pod.<zone>`. */
  | { kind: 'namespace'; namespace: string }
  /** `[<endpoint>.|_<port>._<proto>.]<svc>.<ns>.svc.<zone>`. */
  | { kind: 'service'; namespace: string; service: string; endpoint?: string; port?: string; protocol?: string }
  /** `<a-b-c-d>.<ns>.pod.<zone>`. */
  | { kind: 'pod'; namespace: string; pod: string }
  /** Anything else under the zone: answered NXDOMAIN. */
  | { kind: 'invalid' };

/** Lower-cases and strips the trailing dot of a DNS name. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Whether `name` (normalized) is `zone` or under it. */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

const stripUnderscore = (s: string): string => (s.startsWith('_') ? s.slice(1) : s);

/** Parses `name` (normalized, inside `zone`) by the DNS schema's shapes. */
export function parseClusterName(name: string, zone: string): ClusterName {
  const base = name === zone ? '' : name.slice(0, -(zone.length + 1));
  if (base === '') return { kind: 'apex' };
  if (base === 'dns-version') return { kind: 'dns-version' };
  if (base === 'ns.dns') return { kind: 'nameserver' };
  const segs = base.split('.');
  const type = segs.pop();
  if (type !== 'svc' && type !== 'pod') return { kind: 'invalid' };
  const namespace = segs.pop();
  if (namespace === undefined) return { kind: 'empty' };
  const item = segs.pop();
  if (item === undefined) return { kind: 'namespace', namespace };
  if (type === 'pod') return segs.length === 0 ? { kind: 'pod', namespace, pod: item } : { kind: 'invalid' };
  if (segs.length === 0) return { kind: 'service', namespace, service: item };
  if (segs.length === 1) return { kind: 'service', namespace, service: item, endpoint: segs[0]! };
  if (segs.length === 2) return { kind: 'service', namespace, service: item, port: stripUnderscore(segs[0]!), protocol: stripUnderscore(segs[1]!) };
  return { kind: 'invalid' };
}

/**
 * The address a pod name encodes (`10-42-0-5` → `10.42.0.5`; IPv6 with `-` for `:`), as CoreDNS
 * `pods insecure` reads it; undefined when it is not an address.
 */
export function podNameAddress(pod: string): string | undefined {
  const v4 = (pod.match(/-/g) ?? []).length === 3 && !pod.includes('--') ? pod.replaceAll('-', '.') : undefined;
  if (v4 !== undefined) return isIPv4(v4) ? v4 : undefined;
  const v6 = pod.replaceAll('-', ':');
  return isIPv6(v6) ? v6 : undefined;
}

/**
 * The address of a reverse name (`5.0.42.10.in-addr.arpa` → `10.42.0.5`; 32 nibbles `.ip6.arpa` → an IPv6
 * address in full form), or undefined when the name is not a complete reverse name.
 */
export function reverseNameAddress(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const octets = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (octets.length !== 4) return undefined;
    const ip = octets.reverse().join('.');
    return isIPv4(ip) && octets.every((o) => String(Number(o)) === o) ? ip : undefined;
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    return hex.match(/.{4}/g)!.join(':');
  }
  return undefined;
}

/** The reverse name of an address (`10.42.0.5` → `5.0.42.10.in-addr.arpa`). */
export function reverseName(ip: string): string {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${canonicalAddress(ip).replaceAll(':', '').split('').reverse().join('.')}.ip6.arpa`;
}

/** The `hostname` an endpoint answers under: its hostname field, else its address with `-` for `.`/`:` (CoreDNS `endpointHostname`). */
export function endpointHostname(ep: { address: string; hostname?: string }): string {
  return ep.hostname || ep.address.replaceAll('.', '-').replaceAll(':', '-');
}
