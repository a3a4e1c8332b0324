/**
 * The service proxy's planner: service ports → the nat and filter rules kube-proxy's iptables mode
 * writes (`pkg/proxy/iptables/proxier.go` syncProxyRules, writeServiceToEndpointRules), rendered as
 * `iptables-restore --noflush` input. Pure; the applier writes the result.
 */
import { chainNames, endpointChain, externalChain, serviceChain, type ChainNames } from './chains.js';
import { buildServicePorts, usableEndpoints, type ServicePortInfo } from './service-ports.js';
import type { EndpointSlice, Service } from '../api/services.js';

/** Options of {@link planProxyRules}: kube-proxy's flags that shape the rules. */
export interface PlannerOptions {
  /**
   * Pod CIDR of the cluster (`--cluster-cidr`, e.g. 10.42.0.0/16): traffic to a cluster IP from outside
   * it is masqueraded (kube-proxy's LocalTrafficDetector by CIDR). Omitted: no such rule.
   */
  clusterCIDR?: string;
  /** `--masquerade-all`: masquerade all traffic to cluster IPs. Default false. */
  masqueradeAll?: boolean;
  /** `--iptables-masquerade-bit`: the mark is 1 << bit. Default 14 (0x4000). */
  masqueradeBit?: number;
  /** Add `--random-fully` to MASQUERADE (iptables ≥ 1.6.2). Default false. */
  masqueradeRandomFully?: boolean;
  /**
   * `--nodeport-addresses` as IPv4 addresses: node ports answer only there. Default: every local
   * address except 127.0.0.0/8 (`-m addrtype --dst-type LOCAL`; localhost node ports are not offered).
   */
  nodePortAddresses?: string[];
  /** net.netfilter.nf_conntrack_tcp_be_liberal is set: no DROP of INVALID forwarded packets. Default false. */
  conntrackTCPLiberal?: boolean;
  /**
   * The service CIDRs (`--service-cidr`): a new connection to an address in them that no rule DNATed
   * (no Service there, or not that port) is REJECTed rather than routed off the node, as kube-proxy's
   * nftables mode does for unallocated cluster IPs and invalid ports. Default: none.
   */
  serviceCIDRs?: string[];
  /** Chain prefix (default `KUBE`), see {@link chainNames}. */
  chainPrefix?: string;
}

/** The rules of one table: chains to declare (flushed by iptables-restore) and `-A` lines. */
export interface TableRules {
  chains: string[];
  rules: string[];
}

/** A plan: the service ports it was made from and the rules of both tables. */
export interface ProxyPlan {
  servicePorts: ServicePortInfo[];
  filter: TableRules;
  nat: TableRules;
}

/** Joins iptables arguments into a restore line, quoting the ones with spaces (comments). */
function line(args: (string | number)[]): string {
  return args.map((a) => (typeof a === 'string' && /\s/.test(a) ? `"${a}"` : String(a))).join(' ');
}

/** 1/n with 10 decimals, kube-proxy's computeProbability (`%0.10f`). */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

/** The masquerade mark `0x4000` for bit 14; throws on a bit outside 0-31. */
export function masqueradeMark(bit = 14): string {
  if (!Number.isInteger(bit) || bit < 0 || bit > 31) throw new Error(`invalid masquerade bit ${bit}: must be 0-31`);
  return `0x${(2 ** bit).toString(16)}`;
}

/** `-m tcp -p tcp` for TCP, likewise udp and sctp. */
function protoArgs(port: ServicePortInfo): string[] {
  const p = port.protocol.toLowerCase();
  return ['-m', p, '-p', p];
}

interface Builder {
  names: ChainNames;
  options: PlannerOptions;
  filter: TableRules;
  nat: TableRules;
}

/** The fixed chains and their fixed rules: KUBE-POSTROUTING, KUBE-MARK-MASQ, KUBE-FORWARD. */
function writeFixedRules(b: Builder): void {
  const { names, options } = b;
  const mark = masqueradeMark(options.masqueradeBit);
  b.filter.chains.push(names.services, names.externalServices, names.forward);
  b.nat.chains.push(names.services, names.nodePorts, names.postrouting, names.markMasq);
  b.nat.rules.push(
    line(['-A', names.postrouting, '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN']),
    // Clear the mark so a packet that traverses the stack again is not masqueraded twice.
    line(['-A', names.postrouting, '-j', 'MARK', '--xor-mark', mark]),
    line(['-A', names.postrouting, '-m', 'comment', '--comment', 'kubernetes service traffic requiring SNAT', '-j', 'MASQUERADE', ...(options.masqueradeRandomFully ? ['--random-fully'] : [])]),
    line(['-A', names.markMasq, '-j', 'MARK', '--or-mark', mark]),
  );
  if (!options.conntrackTCPLiberal) b.filter.rules.push(line(['-A', names.forward, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP']));
  b.filter.rules.push(
    line(['-A', names.forward, '-m', 'comment', '--comment', 'kubernetes forwarding rules', '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT']),
    line(['-A', names.forward, '-m', 'comment', '--comment', 'kubernetes forwarding conntrack rule', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']),
  );
}

/** REJECTs in the filter table for a service port without endpoints (cluster IP, external IPs, node port). */
function writeRejectRules(b: Builder, port: ServicePortInfo): void {
  const { names } = b;
  const comment = ['-m', 'comment', '--comment', `${port.servicePortName} has no endpoints`];
  const proto = protoArgs(port);
  b.filter.rules.push(line(['-A', names.services, ...comment, ...proto, '-d', port.clusterIP, '--dport', port.port, '-j', 'REJECT']));
  for (const ip of [...port.externalIPs, ...port.loadBalancerIPs]) {
    b.filter.rules.push(line(['-A', names.externalServices, ...comment, ...proto, '-d', ip, '--dport', port.port, '-j', 'REJECT']));
  }
  if (port.nodePort) {
    b.filter.rules.push(line(['-A', names.externalServices, ...comment, '-m', 'addrtype', '--dst-type', 'LOCAL', ...proto, '--dport', port.nodePort, '-j', 'REJECT']));
  }
}

/** nat rules of a service port with endpoints: capture in KUBE-SERVICES/KUBE-NODEPORTS, SVC, EXT and SEP chains. */
function writeServiceRules(b: Builder, port: ServicePortInfo): void {
  const { names, options } = b;
  const proto = protoArgs(port);
  const protocol = port.protocol.toLowerCase();
  const svcChain = serviceChain(port.servicePortName, protocol, names.prefix);
  const extChain = externalChain(port.servicePortName, protocol, names.prefix);
  const external = port.nodePort !== 0 || port.externalIPs.length > 0 || port.loadBalancerIPs.length > 0;
  const clusterIPMatch = ['-m', 'comment', '--comment', `${port.servicePortName} cluster IP`, ...proto, '-d', port.clusterIP, '--dport', port.port];

  b.nat.rules.push(line(['-A', names.services, ...clusterIPMatch, '-j', svcChain]));
  for (const ip of port.externalIPs) {
    b.nat.rules.push(line(['-A', names.services, '-m', 'comment', '--comment', `${port.servicePortName} external IP`, ...proto, '-d', ip, '--dport', port.port, '-j', extChain]));
  }
  for (const ip of port.loadBalancerIPs) {
    b.nat.rules.push(line(['-A', names.services, '-m', 'comment', '--comment', `${port.servicePortName} loadbalancer IP`, ...proto, '-d', ip, '--dport', port.port, '-j', extChain]));
  }
  if (port.nodePort) {
    b.nat.rules.push(line(['-A', names.nodePorts, '-m', 'comment', '--comment', port.servicePortName, ...proto, '--dport', port.nodePort, '-j', extChain]));
  }

  b.nat.chains.push(svcChain);
  // Masquerade off-cluster traffic to the cluster IP (a static route to the service range via this node).
  if (options.masqueradeAll) b.nat.rules.push(line(['-A', svcChain, ...clusterIPMatch, '-j', names.markMasq]));
  else if (options.clusterCIDR) b.nat.rules.push(line(['-A', svcChain, ...clusterIPMatch, '!', '-s', options.clusterCIDR, '-j', names.markMasq]));

  if (external) {
    b.nat.chains.push(extChain);
    b.nat.rules.push(
      line(['-A', extChain, '-m', 'comment', '--comment', `masquerade traffic for ${port.servicePortName} external destinations`, '-j', names.markMasq]),
      line(['-A', extChain, '-j', svcChain]),
    );
  }

  const endpoints = usableEndpoints(port).map((ep) => ({ ep, chain: endpointChain(port.servicePortName, protocol, ep.address, names.prefix) }));
  if (port.stickyMaxAgeSeconds !== undefined) {
    for (const { ep, chain } of endpoints) {
      b.nat.rules.push(line(['-A', svcChain, '-m', 'comment', '--comment', `${port.servicePortName} -> ${ep.address}`, '-m', 'recent', '--name', chain, '--rcheck', '--seconds', port.stickyMaxAgeSeconds, '--reap', '-j', chain]));
    }
  }
  endpoints.forEach(({ ep, chain }, i) => {
    const random = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(endpoints.length - i)] : [];
    b.nat.rules.push(line(['-A', svcChain, '-m', 'comment', '--comment', `${port.servicePortName} -> ${ep.address}`, ...random, '-j', chain]));
  });
  for (const { ep, chain } of endpoints) {
    const comment = ['-m', 'comment', '--comment', port.servicePortName];
    const affinity = port.stickyMaxAgeSeconds !== undefined ? ['-m', 'recent', '--name', chain, '--set'] : [];
    b.nat.chains.push(chain);
    // Hairpin: an endpoint reaching itself through the Service is masqueraded so the reply comes back.
    b.nat.rules.push(line(['-A', chain, ...comment, '-s', ep.ip, '-j', names.markMasq]));
    b.nat.rules.push(line(['-A', chain, ...comment, ...affinity, ...proto, '-j', 'DNAT', '--to-destination', ep.address]));
  }
}

/** The last rule of nat KUBE-SERVICES: local destinations go on to KUBE-NODEPORTS. */
function writeNodePortsJump(b: Builder): void {
  const { names, options } = b;
  const comment = ['-m', 'comment', '--comment', 'kubernetes service nodeports; NOTE: this must be the last rule in this chain'];
  if (options.nodePortAddresses === undefined) {
    b.nat.rules.push(line(['-A', names.services, ...comment, '-m', 'addrtype', '--dst-type', 'LOCAL', '!', '-d', '127.0.0.0/8', '-j', names.nodePorts]));
    return;
  }
  for (const ip of options.nodePortAddresses) b.nat.rules.push(line(['-A', names.services, ...comment, '-d', ip, '-j', names.nodePorts]));
}

/**
 * Plans the proxy rules for `services` and `endpointSlices` (see {@link buildServicePorts}): per service
 * port with usable endpoints, the kube-proxy chain layout KUBE-SERVICES → KUBE-SVC-<hash> (random
 * balancing with `-m statistic`, ClientIP affinity with `-m recent`) → KUBE-SEP-<hash> (hairpin
 * masquerade, DNAT), node ports and external IPs through KUBE-NODEPORTS/KUBE-EXT-<hash> (masqueraded);
 * without endpoints, REJECTs in filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES. Pure.
 */
export function planProxyRules(input: { services: readonly Service[]; endpointSlices: readonly EndpointSlice[] }, options: PlannerOptions = {}): ProxyPlan {
  const servicePorts = buildServicePorts(input.services, input.endpointSlices);
  const b: Builder = { names: chainNames(options.chainPrefix), options, filter: { chains: [], rules: [] }, nat: { chains: [], rules: [] } };
  writeFixedRules(b);
  for (const port of servicePorts) {
    if (usableEndpoints(port).length === 0) writeRejectRules(b, port);
    else writeServiceRules(b, port);
  }
  writeNodePortsJump(b);
  // Filter runs after nat: a packet still addressed to the service range here matched no Service port.
  for (const cidr of options.serviceCIDRs ?? []) {
    b.filter.rules.push(line(['-A', b.names.services, '-m', 'comment', '--comment', 'reject traffic to unallocated cluster IPs and invalid ports', '-d', cidr, '-j', 'REJECT']));
  }
  return { servicePorts, filter: b.filter, nat: b.nat };
}

/**
 * The `iptables-restore --noflush` input of a plan: filter then nat, each chain declared (which flushes
 * it) then its rules; `staleNatChains` (per-service chains of an earlier plan) are declared and deleted
 * (`-X`) in the same transaction. Chains not named here, such as the CNI plugin's, are left alone.
 */
export function renderRestore(plan: Pick<ProxyPlan, 'filter' | 'nat'>, staleNatChains: readonly string[] = []): string {
  const out = ['*filter', ...plan.filter.chains.map((c) => `:${c} - [0:0]`), ...plan.filter.rules, 'COMMIT'];
  out.push('*nat', ...[...plan.nat.chains, ...staleNatChains].map((c) => `:${c} - [0:0]`), ...plan.nat.rules);
  out.push(...staleNatChains.map((c) => `-X ${c}`), 'COMMIT');
  return `${out.join('\n')}\n`;
}
