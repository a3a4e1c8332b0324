/**
 * A pod's resolv.conf as CRI DNSConfig, by `dnsPolicy` and `dnsConfig` (kubelet `pkg/kubelet/network/dns/dns.go`
 * GetPodDNS): ClusterFirst → the cluster DNS servers, `<ns>.svc.<domain> svc.<domain> <domain>` + the host's
 * search paths, `ndots:5`; Default (and ClusterFirst on the host network, and ClusterFirst without cluster DNS
 * servers) → the kubelet's resolv.conf; None → nothing but `dnsConfig`. `dnsConfig` is merged in, then
 * nameservers and search paths are cut to the API's limits.
 */
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { parseResolvConf, type ResolvConf } from '../../api/resolv-conf.js';
import type { Pod, PodDNSConfigOption } from '../../api/types.js';

/** `validation.MaxDNSNameservers`. */
export const MAX_DNS_NAMESERVERS = 3;
/**
 * A pod's resolver configuration: nameserver IPs, search domains, resolv.conf options. Its shape is CRI
 * runtime.v1 `DNSConfig`'s (assignable to it), defined here so the DNS configurer stays runtime-neutral.
 */
export interface DNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

/** `validation.MaxDNSSearchPaths` (ExpandedDNSConfig, GA in 1.28). */
export const MAX_DNS_SEARCH_PATHS = 32;
/** `validation.MaxDNSSearchListChars` (ExpandedDNSConfig). */
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** `DNS1123SubdomainMaxLength`: longer search paths are dropped (glibc 2.28 aborts on them). */
const MAX_SEARCH_PATH_LENGTH = 253;
const DEFAULT_DNS_OPTIONS = ['ndots:5'];

/** The kubelet's DNS settings (KubeletConfiguration `clusterDNS`, `clusterDomain`, `--resolv-conf`). */
export interface DNSSettings {
  /** Cluster DNS server IPs; empty: ClusterFirst pods fall back to Default, as upstream. */
  clusterDNS: string[];
  /** Cluster domain; empty: no cluster search paths. */
  clusterDomain: string;
  /** The host resolv.conf for Default; `''`: none (pods get `127.0.0.1` and `search .`). */
  resolvConf: string;
  /** Node IPs (for the localhost nameserver when `resolvConf` is `''`). */
  nodeIPs: string[];
}

/** A warning the kubelet records on the pod (reasons `MissingClusterDNS`, `DNSConfigForming`). */
export interface DNSWarning {
  reason: string;
  message: string;
}

/** The pod's DNS config and the warnings met forming it. */
export interface PodDNS {
  config: Required<DNSConfig>;
  warnings: DNSWarning[];
}

type PodDNSType = 'cluster' | 'host' | 'none';

/** `getPodDNSType`: hostNetwork pods with ClusterFirst use the host's DNS; an unknown policy counts as ClusterFirst. */
export function podDNSType(pod: Pod): PodDNSType {
  switch (pod.spec.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'Default':
      return 'host';
    case 'ClusterFirst':
    default:
      return pod.spec.hostNetwork ? 'host' : 'cluster';
  }
}

const omitDuplicates = (xs: string[]): string[] => [...new Set(xs)];

/** `mergeDNSOptions`: options by name, `dnsConfig` ones overriding; order of first appearance. */
export function mergeDNSOptions(existing: string[], extra: PodDNSConfigOption[]): string[] {
  const merged = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i === -1) merged.set(op, '');
    else merged.set(op.slice(0, i), op.slice(i + 1));
  }
  for (const op of extra) merged.set(op.name ?? '', op.value ?? '');
  return [...merged].map(([name, value]) => (value ? `${name}:${value}` : name));
}

function fitNameservers(servers: string[], warnings: DNSWarning[]): string[] {
  if (servers.length <= MAX_DNS_NAMESERVERS) return servers;
  const kept = servers.slice(0, MAX_DNS_NAMESERVERS);
  warnings.push({
    reason: 'DNSConfigForming',
    message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${kept.join(' ')}`,
  });
  return kept;
}

/** `formDNSSearchFitsLimits`: at most 32 paths, none over 253 characters, 2048 characters in all (cut from the end). */
function fitSearches(searches: string[], warnings: DNSWarning[]): string[] {
  let exceeded = searches.length > MAX_DNS_SEARCH_PATHS;
  let kept = searches.slice(0, MAX_DNS_SEARCH_PATHS);
  const short = kept.filter((s) => s.length <= MAX_SEARCH_PATH_LENGTH);
  exceeded ||= short.length !== kept.length;
  kept = short;
  while (kept.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) {
    kept = kept.slice(0, -1);
    exceeded = true;
  }
  if (exceeded) {
    warnings.push({
      reason: 'DNSConfigForming',
      message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${kept.join(' ')}`,
    });
  }
  return kept;
}

/**
 * GetPodDNS as a pure function: `host` is the parsed kubelet resolv.conf (undefined when `settings.resolvConf`
 * is `''`). Never throws.
 */
export function getPodDNS(pod: Pod, settings: DNSSettings, host: ResolvConf | undefined): PodDNS {
  const warnings: DNSWarning[] = [];
  let config: Required<DNSConfig> = { servers: [...(host?.servers ?? [])], searches: [...(host?.searches ?? [])], options: [...(host?.options ?? [])] };
  let type = podDNSType(pod);
  if (type === 'none') config = { servers: [], searches: [], options: [] };
  if (type === 'cluster') {
    if (settings.clusterDNS.length) {
      const d = settings.clusterDomain;
      config = {
        servers: [...settings.clusterDNS],
        searches: d ? omitDuplicates([`${pod.metadata.namespace ?? 'default'}.svc.${d}`, `svc.${d}`, d, ...config.searches]) : config.searches,
        options: [...DEFAULT_DNS_OPTIONS],
      };
    } else {
      const msg = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
      warnings.push({ reason: 'MissingClusterDNS', message: `pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})". ${msg}` });
      type = 'host';
    }
  }
  if (type === 'host' && settings.resolvConf === '') {
    const local = settings.nodeIPs.map((ip) => (isIPv6(ip) ? '::1' : '127.0.0.1'));
    config.servers.push(...(local.length ? local : ['127.0.0.1']));
    config.searches = ['.'];
  }
  const extra = pod.spec.dnsConfig;
  if (extra) {
    config = {
      servers: omitDuplicates([...config.servers, ...(extra.nameservers ?? [])]),
      searches: omitDuplicates([...config.searches, ...(extra.searches ?? [])]),
      options: mergeDNSOptions(config.options, extra.options ?? []),
    };
  }
  return { config: { servers: fitNameservers(config.servers, warnings), searches: fitSearches(config.searches, warnings), options: config.options }, warnings };
}

/** Reads the kubelet's resolv.conf on every call (as upstream does) and forms pod DNS configs. */
export class DNSConfigurer {
  constructor(
    readonly settings: DNSSettings,
    private readonly readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
  ) {}

  /** The pod's DNS config; throws when the resolv.conf cannot be read (the sandbox is then not created). */
  getPodDNS(pod: Pod): PodDNS {
    const host = this.settings.resolvConf === '' ? undefined : parseResolvConf(this.readFile(this.settings.resolvConf));
    return getPodDNS(pod, this.settings, host);
  }
}

/** Whether every nameserver of the text is a global unicast address and there is one (k3s `isValidResolvConf`). */
export function isValidResolvConf(text: string): boolean {
  const servers = parseResolvConf(text).servers;
  return servers.length > 0 && servers.every(isGlobalUnicast);
}

function isGlobalUnicast(ip: string): boolean {
  if (isIPv6(ip)) return !/^(::1?$|fe80:|ff)/i.test(ip);
  const o = ip.split('.').map(Number);
  if (o.length !== 4 || o.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return false;
  const [a = 0, b = 0] = o;
  return !(a === 0 || a === 127 || a >= 224 || (a === 169 && b === 254) || ip === '255.255.255.255');
}

/**
 * The resolv.conf a kubelet without `--resolv-conf` uses (k3s `locateOrGenerateResolvConf`): /etc/resolv.conf,
 * else /run/systemd/resolve/resolv.conf, whichever names only global unicast nameservers; else /etc/resolv.conf
 * (k3s would write one with 8.8.8.8; k1s does not invent an upstream).
 */
export function locateResolvConf(readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): string {
  for (const path of ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf']) {
    try {
      if (isValidResolvConf(readFile(path))) return path;
    } catch {
      continue;
    }
  }
  return '/etc/resolv.conf';
}
