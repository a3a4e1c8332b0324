/**
 * The names of the service proxy's iptables chains and the jump rules that hook them into the built-in
 * chains, as kube-proxy's iptables mode forms them (`pkg/proxy/iptables/proxier.go`: kubeServicesChain,
 * portProtoHash, servicePortPolicyClusterChain, servicePortEndpointChainName, iptablesJumpChains).
 */
import { createHash } from 'node:crypto';

/** kube-proxy's chain prefix; another prefix lets a second proxy on the same machine keep its own chains. */
export const DEFAULT_CHAIN_PREFIX = 'KUBE';

/** iptables' chain name limit (XT_EXTENSION_MAXNAMELEN - 1). */
const MAX_CHAIN_NAME = 28;

/** The fixed chains of one proxy (prefix `KUBE`: KUBE-SERVICES, KUBE-NODEPORTS, ...). */
export interface ChainNames {
  prefix: string;
  /** nat and filter: cluster IP capture (nat) / no-endpoint REJECTs (filter). */
  services: string;
  /** filter: REJECTs of external destinations (node ports, external IPs) without endpoints. */
  externalServices: string;
  /** nat: node port capture. */
  nodePorts: string;
  /** nat: MASQUERADE of marked packets. */
  postrouting: string;
  /** nat: sets the masquerade mark. */
  markMasq: string;
  /** filter: accepts marked and established forwarded traffic. */
  forward: string;
  /** filter: k1s's service-CIDR guard (see guard.ts), `<prefix>-SERVICE-GUARD`. */
  guard: string;
}

/**
 * The fixed chain names for `prefix` (default `KUBE`). Throws when the prefix is not 1-7 characters of
 * [A-Z0-9] (a longer one would push KUBE-SVC-<16> past iptables' 28-character limit).
 */
export function chainNames(prefix: string = DEFAULT_CHAIN_PREFIX): ChainNames {
  if (!/^[A-Z0-9]{1,7}$/.test(prefix)) throw new Error(`invalid chain prefix "${prefix}": must be 1-7 characters of [A-Z0-9]`);
  return {
    prefix,
    services: `${prefix}-SERVICES`,
    externalServices: `${prefix}-EXTERNAL-SERVICES`,
    nodePorts: `${prefix}-NODEPORTS`,
    postrouting: `${prefix}-POSTROUTING`,
    markMasq: `${prefix}-MARK-MASQ`,
    forward: `${prefix}-FORWARD`,
    guard: `${prefix}-SERVICE-GUARD`,
  };
}

/** RFC 4648 base32 (standard alphabet, no padding), as Go's base32.StdEncoding before truncation. */
function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** First 16 characters of base32(sha256(text)): kube-proxy's portProtoHash. */
function hash16(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/**
 * kube-proxy's portProtoHash: `servicePortName` is proxy.ServicePortName.String() (`ns/name:port`, or
 * `ns/name` for an unnamed port) and `protocol` is lower case (`tcp`).
 */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hash16(servicePortName + protocol);
}

/** KUBE-SVC-<hash>: the service port's Cluster-policy chain (servicePortPolicyClusterChain). */
export function serviceChain(servicePortName: string, protocol: string, prefix: string = DEFAULT_CHAIN_PREFIX): string {
  return `${prefix}-SVC-${portProtoHash(servicePortName, protocol)}`;
}

/** KUBE-EXT-<hash>: the service port's external-destination chain (serviceExternalChainName). */
export function externalChain(servicePortName: string, protocol: string, prefix: string = DEFAULT_CHAIN_PREFIX): string {
  return `${prefix}-EXT-${portProtoHash(servicePortName, protocol)}`;
}

/** KUBE-SEP-<hash of name + protocol + "ip:port">: one endpoint's chain (servicePortEndpointChainName). */
export function endpointChain(servicePortName: string, protocol: string, endpoint: string, prefix: string = DEFAULT_CHAIN_PREFIX): string {
  return `${prefix}-SEP-${hash16(servicePortName + protocol + endpoint)}`;
}

/** Per-service chain kinds kube-proxy may create (isServiceChainName): SVC, SVL, EXT, FW, SEP. */
const SERVICE_CHAIN_KINDS = ['SVC', 'SVL', 'EXT', 'FW', 'SEP'];

/** True for a per-service chain of `prefix` (KUBE-SVC-*, KUBE-SVL-*, KUBE-EXT-*, KUBE-FW-*, KUBE-SEP-*). */
export function isServiceChainName(chain: string, prefix: string = DEFAULT_CHAIN_PREFIX): boolean {
  return chain.length <= MAX_CHAIN_NAME && SERVICE_CHAIN_KINDS.some((k) => chain.startsWith(`${prefix}-${k}-`));
}

/** One rule hooking a proxy chain into a built-in chain (kube-proxy's iptablesJumpChain). */
export interface JumpRule {
  table: 'nat' | 'filter';
  /** Built-in chain holding the rule (PREROUTING, OUTPUT, ...). */
  from: string;
  /** The proxy chain it jumps to. */
  to: string;
  /** iptables arguments of the rule, without `-A CHAIN`. */
  args: string[];
}

/**
 * Which forwarded packets belong to this proxy when several node agents share the host (one per data dir),
 * like kube-proxy's `--detect-local-mode=BridgeInterface --pod-bridge-interface`: packets entering through
 * `podBridgeInterface` (this node's pods), and packets entering through any interface not named
 * `otherBridgesPrefix`* (the outside world: node ports, external IPs). Packets from another node's pod
 * bridge (same prefix, other name) are left to that node's proxy, so two clusters with overlapping service
 * CIDRs each capture their own pods' traffic.
 */
export interface ProxyScope {
  /** This node's pod bridge, e.g. `k1s-1a2b3c4d`. */
  podBridgeInterface: string;
  /** Name prefix of every k1s pod bridge on the host, e.g. `k1s` (matched as iptables `k1s+`). */
  otherBridgesPrefix: string;
}

/**
 * The jump rules of one proxy, in kube-proxy's form ("kubernetes service portals", ...), each inserted
 * first in its built-in chain. The filter KUBE-NODEPORTS (health check node ports) and
 * KUBE-PROXY-FIREWALL (loadBalancerSourceRanges) chains are not created, so they have no jumps. With a
 * `scope`, the nat PREROUTING jump to KUBE-SERVICES becomes two (`-i <bridge>` and `! -i <prefix>+`); the
 * host's own traffic (nat OUTPUT) cannot be told apart and is captured by every proxy, the one inserted last
 * first. Throws on an interface name iptables would refuse.
 */
export function jumpRules(names: ChainNames, scope?: ProxyScope): JumpRule[] {
  if (scope && !(/^[A-Za-z0-9_.-]{1,15}$/.test(scope.podBridgeInterface) && /^[A-Za-z0-9_.-]{1,14}$/.test(scope.otherBridgesPrefix))) {
    throw new Error(`invalid proxy scope: bridge "${scope.podBridgeInterface}", prefix "${scope.otherBridgesPrefix}"`);
  }
  const newConn = ['-m', 'conntrack', '--ctstate', 'NEW'];
  const jump = (table: JumpRule['table'], from: string, to: string, comment: string, extra: string[] = []): JumpRule => ({
    table,
    from,
    to,
    args: [...extra, '-m', 'comment', '--comment', comment, '-j', to],
  });
  return [
    jump('filter', 'INPUT', names.externalServices, 'kubernetes externally-visible service portals', newConn),
    jump('filter', 'FORWARD', names.externalServices, 'kubernetes externally-visible service portals', newConn),
    jump('filter', 'FORWARD', names.services, 'kubernetes service portals', newConn),
    jump('filter', 'OUTPUT', names.services, 'kubernetes service portals', newConn),
    jump('filter', 'FORWARD', names.forward, 'kubernetes forwarding rules'),
    jump('nat', 'OUTPUT', names.services, 'kubernetes service portals'),
    ...(scope
      ? [
          jump('nat', 'PREROUTING', names.services, 'kubernetes service portals', ['!', '-i', `${scope.otherBridgesPrefix}+`]),
          jump('nat', 'PREROUTING', names.services, 'kubernetes service portals', ['-i', scope.podBridgeInterface]),
        ]
      : [jump('nat', 'PREROUTING', names.services, 'kubernetes service portals')]),
    jump('nat', 'POSTROUTING', names.postrouting, 'kubernetes postrouting rules'),
  ];
}
