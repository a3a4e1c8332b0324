/**
 * Answers one question from the cluster records, following the Kubernetes DNS specification
 * (kubernetes/dns `docs/specification.md` v1.1.0) the way CoreDNS's `kubernetes` plugin does
 * (`kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa }`,
 * k3s's Corefile): NXDOMAIN for names that do not exist, NOERROR without answers for names that exist
 * without records of the asked type, an SOA in the authority section of both.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';
import type { Answer, Question, SrvAnswer } from 'dns-packet';
import type { Service } from '../api/services.js';
import { isHeadless, serviceClusterIPs, type ClusterRecordSource, type DnsEndpoint } from './cluster-records.js';
import { endpointHostname, inZone, normalizeName, parseClusterName, podNameAddress, reverseNameAddress } from './query-name.js';

/** The DNS schema version served at `dns-version.<zone>` (kubernetes/dns docs/specification.md §1). */
export const DNS_SCHEMA_VERSION = '1.1.0';
/** TTL of every cluster record, seconds (CoreDNS `kubernetes` default). */
export const CLUSTER_TTL = 5;

/** A locally computed answer. */
export interface LocalAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  /** An ExternalName target: the caller resolves it with the question's type and appends the records. */
  chase?: string;
}

/** What the resolver needs besides the records. */
export interface ResolveConfig {
  /** Cluster domain, normalized (`cluster.local`). */
  zone: string;
  /**
   * Answer NOERROR without records, not NXDOMAIN, for `<label>.svc.<zone>` of a namespace that does not exist
   * and for `<label>.<zone>`: the names the search list `<ns>.svc.<zone> svc.<zone> <zone>` makes of a
   * short name. busybox's nslookup queries every search suffix and exits 1 on any NXDOMAIN, so
   * `until nslookup db` never ends against CoreDNS; musl, which stops its search at a no-data answer, then
   * fails single-label names that only a host search domain would find. Default false (CoreDNS's answers).
   */
  noDataForSearchSuffixes?: boolean;
}

type Target = { name: string; address: string };
type SrvTarget = { target: string; port: number; address?: string };

/** The SOA record of the zone (CoreDNS: `ns.dns.<zone> hostmaster.<zone> <serial> 7200 1800 86400 <ttl>`). */
export function soaRecord(zone: string, serial: number): Answer {
  return {
    name: zone,
    type: 'SOA',
    ttl: CLUSTER_TTL,
    data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial, refresh: 7200, retry: 1800, expire: 86400, minimum: CLUSTER_TTL },
  };
}

/**
 * Answers `q` when it is for the cluster domain or the reverse name of a cluster IP or ready endpoint;
 * undefined for every other name (the caller forwards it upstream, as CoreDNS falls through to `forward`).
 */
export function resolveLocal(q: Question, records: ClusterRecordSource, config: ResolveConfig): LocalAnswer | undefined {
  const name = normalizeName(q.name);
  if (inZone(name, config.zone)) return resolveZone(q, name, records, config);
  if (q.type === 'PTR') {
    const ip = reverseNameAddress(name);
    const targets = ip === undefined ? [] : ptrTargets(ip, records, config.zone);
    if (targets.length) return found(targets.map((t) => ({ name: q.name, type: 'PTR', ttl: CLUSTER_TTL, data: t })));
  }
  return undefined;
}

function found(answers: Answer[], additionals: Answer[] = []): LocalAnswer {
  return { rcode: 'NOERROR', answers, authorities: [], additionals };
}

function negative(rcode: 'NOERROR' | 'NXDOMAIN', records: ClusterRecordSource, zone: string): LocalAnswer {
  return { rcode, answers: [], authorities: [soaRecord(zone, records.serial())], additionals: [] };
}

/** Answers or NOERROR/no-data: the name exists. */
function existing(answers: Answer[], records: ClusterRecordSource, zone: string, additionals: Answer[] = []): LocalAnswer {
  return answers.length ? found(answers, additionals) : negative('NOERROR', records, zone);
}

function addressRecords(qname: string, type: Question['type'], addresses: string[]): Answer[] {
  const family = type === 'A' ? isIPv4 : type === 'AAAA' ? isIPv6 : undefined;
  if (!family) return [];
  return [...new Set(addresses)].filter((a) => family(a)).map((a) => ({ name: qname, type: type as 'A' | 'AAAA', ttl: CLUSTER_TTL, data: a }));
}

function nameserverAddresses(records: ClusterRecordSource): string[] {
  const svc = records.getService('kube-system', 'kube-dns');
  return svc ? serviceClusterIPs(svc) : [];
}

function resolveZone(q: Question, name: string, records: ClusterRecordSource, config: ResolveConfig): LocalAnswer {
  const zone = config.zone;
  const parsed = parseClusterName(name, zone);
  const relaxed = config.noDataForSearchSuffixes === true;
  switch (parsed.kind) {
    case 'apex': {
      if (q.type === 'SOA') return found([{ ...soaRecord(zone, records.serial()), name: q.name }]);
      if (q.type !== 'NS') return negative('NOERROR', records, zone);
      const ns = `ns.dns.${zone}`;
      const glue = nameserverAddresses(records).flatMap((ip) => addressRecords(ns, isIPv4(ip) ? 'A' : 'AAAA', [ip]));
      return found([{ name: q.name, type: 'NS', ttl: CLUSTER_TTL, data: ns }], glue);
    }
    case 'dns-version':
      return existing(q.type === 'TXT' ? [{ name: q.name, type: 'TXT', ttl: 28800, data: DNS_SCHEMA_VERSION }] : [], records, zone);
    case 'nameserver':
      return existing(addressRecords(q.name, q.type, nameserverAddresses(records)), records, zone);
    case 'empty':
      return negative('NOERROR', records, zone);
    case 'namespace':
      return negative(relaxed || records.hasNamespace(parsed.namespace) ? 'NOERROR' : 'NXDOMAIN', records, zone);
    case 'pod': {
      const ip = records.hasNamespace(parsed.namespace) ? podNameAddress(parsed.pod) : undefined;
      if (ip === undefined) return negative('NXDOMAIN', records, zone);
      return existing(addressRecords(q.name, q.type, [ip]), records, zone);
    }
    case 'service': {
      if (!records.hasNamespace(parsed.namespace)) return negative('NXDOMAIN', records, zone);
      const svc = records.getService(parsed.namespace, parsed.service);
      if (!svc) return negative('NXDOMAIN', records, zone);
      return resolveService(q, svc, parsed, records, zone);
    }
    case 'invalid':
      return negative(relaxed && !name.slice(0, -(zone.length + 1)).includes('.') ? 'NOERROR' : 'NXDOMAIN', records, zone);
  }
}

interface ServiceQuery {
  namespace: string;
  service: string;
  endpoint?: string;
  port?: string;
  protocol?: string;
}

function resolveService(q: Question, svc: Service, parsed: ServiceQuery, records: ClusterRecordSource, zone: string): LocalAnswer {
  const fqdn = `${parsed.service}.${parsed.namespace}.svc.${zone}`;
  if (svc.spec?.type === 'ExternalName') {
    const target = normalizeName(svc.spec.externalName ?? '');
    if (parsed.endpoint !== undefined || parsed.port !== undefined || target === '' || isIP(target)) return negative('NXDOMAIN', records, zone);
    const cname: Answer = { name: q.name, type: 'CNAME', ttl: CLUSTER_TTL, data: target };
    return q.type === 'CNAME' ? found([cname]) : { ...found([cname]), chase: target };
  }
  const headless = isHeadless(svc);
  const endpoints = headless || parsed.endpoint !== undefined ? records.getEndpoints(parsed.namespace, parsed.service) : [];
  const epName = (ep: DnsEndpoint): string => `${endpointHostname(ep)}.${fqdn}`;

  // The addresses the name stands for and the SRV records it has.
  let addresses: Target[];
  let srv: SrvTarget[];
  if (parsed.endpoint !== undefined) {
    const mine = endpoints.filter((ep) => endpointHostname(ep) === parsed.endpoint);
    addresses = mine.map((ep) => ({ name: epName(ep), address: ep.address }));
    srv = mine.flatMap((ep) => ep.ports.map((p) => ({ target: epName(ep), port: p.port ?? 0, address: ep.address })));
  } else if (headless) {
    addresses = endpoints.map((ep) => ({ name: epName(ep), address: ep.address }));
    srv = endpoints.flatMap((ep) =>
      ep.ports.filter((p) => portMatches(parsed, p)).map((p) => ({ target: epName(ep), port: p.port ?? 0, address: ep.address })),
    );
  } else {
    addresses = serviceClusterIPs(svc).map((address) => ({ name: fqdn, address }));
    srv = (svc.spec?.ports ?? []).filter((p) => portMatches(parsed, p)).map((p) => ({ target: fqdn, port: p.port }));
  }
  if (parsed.port !== undefined) {
    if (srv.length === 0) return negative('NXDOMAIN', records, zone);
    if (headless) addresses = addresses.filter((a) => srv.some((s) => s.target === a.name));
  }
  if (addresses.length === 0 && (headless || parsed.endpoint !== undefined)) return negative('NXDOMAIN', records, zone);

  if (q.type === 'SRV') return existing(srvRecords(q.name, srv), records, zone, srvAdditionals(srv, addresses));
  return existing(addressRecords(q.name, q.type, addresses.map((a) => a.address)), records, zone);
}

/** Port name and protocol match (each absent part matches anything; names compare case-insensitively). */
function portMatches(parsed: ServiceQuery, p: { name?: string; protocol?: string }): boolean {
  const nameOk = parsed.port === undefined || parsed.port === (p.name ?? '').toLowerCase();
  const protoOk = parsed.protocol === undefined || parsed.protocol === (p.protocol ?? 'TCP').toLowerCase();
  return nameOk && protoOk;
}

/** SRV records, priority 0 and weights splitting 100 evenly (CoreDNS's SRV weighting). */
function srvRecords(qname: string, srv: SrvTarget[]): SrvAnswer[] {
  const unique = [...new Map(srv.map((s) => [`${s.target}:${s.port}`, s])).values()];
  const weight = unique.length ? Math.floor(100 / unique.length) : 0;
  return unique.map((s) => ({ name: qname, type: 'SRV', ttl: CLUSTER_TTL, data: { priority: 0, weight, port: s.port, target: s.target } }));
}

/** The A/AAAA records of SRV targets (spec: "The Additional section of the response may include ..."). */
function srvAdditionals(srv: SrvTarget[], addresses: Target[]): Answer[] {
  const targets = new Set(srv.map((s) => s.target));
  const out: Answer[] = [];
  const seen = new Set<string>();
  for (const a of addresses) {
    if (!targets.has(a.name) || seen.has(`${a.name} ${a.address}`)) continue;
    seen.add(`${a.name} ${a.address}`);
    out.push({ name: a.name, type: isIPv4(a.address) ? 'A' : 'AAAA', ttl: CLUSTER_TTL, data: a.address });
  }
  return out;
}

/** PTR targets of an address: the Service owning it as cluster IP, else every ready endpoint with it (CoreDNS `serviceRecordForIP`). */
function ptrTargets(ip: string, records: ClusterRecordSource, zone: string): string[] {
  const svc = records.servicesByClusterIP(ip)[0];
  if (svc) return [`${svc.metadata.name}.${svc.metadata.namespace}.svc.${zone}`];
  return [...new Set(records.endpointsByAddress(ip).map((ep) => `${endpointHostname(ep)}.${ep.service}.${ep.namespace}.svc.${zone}`))];
}
