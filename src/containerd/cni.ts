// Renders the CNI conflist (bridge + host-local + portmap) that containerd's CRI plugin uses for pods.

import { createHash } from 'node:crypto';

/** Options of {@link renderCniConflist}. */
export interface CniOptions {
  /** host-local IPAM dataDir (under the data dir, so two servers never share leases). */
  ipamDataDir: string;
  /** Node pod CIDR, an IPv4 /8../30, e.g. "10.42.0.0/24". Default: derived by {@link nodePodCidr}. */
  podCidr?: string;
  /** Linux bridge name (≤ 15 bytes). Default "k1s0"; use {@link bridgeNameFor} to derive one per data dir. */
  bridge?: string;
  /** Network name inside the conflist; default "k1s". */
  networkName?: string;
  /** MTU of the bridge and veths; default 1500. */
  mtu?: number;
}

/** k3s's default --cluster-cidr. */
export const DEFAULT_CLUSTER_CIDR = '10.42.0.0/16';
/** Linux IFNAMSIZ minus the NUL. */
const MAX_IFNAME = 15;

/** Parses "a.b.c.d/n" into a 32-bit address and prefix length; throws on anything else. */
export function parseCidr(cidr: string): { address: number; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || prefix > 32) throw new Error(`invalid CIDR "${cidr}": expected IPv4 a.b.c.d/n`);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function formatIp(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/**
 * The node's pod subnet carved out of a cluster CIDR, as the node IPAM controller would assign the
 * first node: the `index`-th /`nodeMaskSize` (default /24, kube-controller-manager's --node-cidr-mask-size)
 * of `clusterCidr` (default 10.42.0.0/16). A cluster CIDR already narrower than the mask is used as is.
 * Throws on an invalid CIDR or an index out of range.
 */
export function nodePodCidr(clusterCidr: string = DEFAULT_CLUSTER_CIDR, index = 0, nodeMaskSize = 24): string {
  const { address, prefix } = parseCidr(clusterCidr);
  if (prefix > 30) throw new Error(`invalid cluster CIDR "${clusterCidr}": prefix /${prefix} leaves no room for pods`);
  const network = address - (address % 2 ** (32 - prefix));
  if (prefix >= nodeMaskSize) return `${formatIp(network)}/${prefix}`;
  const count = 2 ** (nodeMaskSize - prefix);
  if (index < 0 || index >= count) throw new Error(`node CIDR index ${index} out of range for "${clusterCidr}" (${count} subnets)`);
  return `${formatIp(network + index * 2 ** (32 - nodeMaskSize))}/${nodeMaskSize}`;
}

/** The gateway (first host address) of a subnet: the bridge's address. */
export function gatewayOf(cidr: string): string {
  const { address, prefix } = parseCidr(cidr);
  return formatIp(address - (address % 2 ** (32 - prefix)) + 1);
}

/** What every k1s bridge name starts with ("k1s0", "k1s-1a2b3c4d"): the proxy's `k1s+` interface match. */
export const BRIDGE_NAME_PREFIX = 'k1s';

/**
 * A bridge name unique to a data dir: "k1s-" + 8 hex digits of sha256(dataDir) (12 bytes ≤ IFNAMSIZ),
 * so servers on different data dirs never share a bridge.
 */
export function bridgeNameFor(dataDir: string): string {
  return `k1s-${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
}

/**
 * Renders the conflist JSON (cniVersion 1.0.0): bridge (isGateway, ipMasq, hairpinMode) with
 * host-local IPAM over the pod CIDR and a default route, then portmap (hostPort support, the
 * `portMappings` capability CRI fills from the pod). No loopback entry: containerd's CRI plugin brings
 * up `lo` itself with the loopback plugin from bin_dir (go-cni WithLoNetwork), and a chained loopback
 * would run against eth0. Mirrors containerd's CRI example conflist. Throws on a bad CIDR or bridge name.
 */
export function renderCniConflist(options: CniOptions): string {
  const bridge = options.bridge ?? 'k1s0';
  if (Buffer.byteLength(bridge) > MAX_IFNAME || !/^[A-Za-z0-9_.-]+$/.test(bridge)) {
    throw new Error(`invalid bridge name "${bridge}": must be 1-${MAX_IFNAME} characters of [A-Za-z0-9_.-]`);
  }
  const subnet = options.podCidr ?? nodePodCidr();
  const gateway = gatewayOf(subnet);
  const mtu = options.mtu ?? 1500;
  const conflist = {
    cniVersion: '1.0.0',
    name: options.networkName ?? 'k1s',
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        mtu,
        ipam: {
          type: 'host-local',
          dataDir: options.ipamDataDir,
          ranges: [[{ subnet, gateway }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
  return `${JSON.stringify(conflist, null, 2)}\n`;
}

/** File name of the conflist in the CNI conf dir (containerd loads the lexically first). */
export const CNI_CONFLIST_NAME = '10-k1s.conflist';

/** The bridge name k1s used before bridges were derived per data dir; existing installs keep it. */
export const LEGACY_BRIDGE_NAME = 'k1s0';

/**
 * The `bridge` of the first bridge plugin in a conflist's JSON text, or undefined when the text is not
 * a conflist or names none. Never throws.
 */
export function conflistBridge(conflistText: string): string | undefined {
  try {
    const parsed = JSON.parse(conflistText) as { plugins?: Array<{ type?: unknown; bridge?: unknown }> };
    const plugin = parsed.plugins?.find((p) => p.type === 'bridge');
    return typeof plugin?.bridge === 'string' && plugin.bridge !== '' ? plugin.bridge : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bridge a data dir's runtime uses: the one its existing conflist already names (so an install made
 * with the legacy "k1s0", or any earlier name, keeps its bridge and pods are never moved to another one
 * while running), else {@link bridgeNameFor}(dataDir) for a new data dir, so two servers on one machine
 * (different data dirs) never share a bridge. `existingConflist` is the text of
 * DATA_DIR/containerd/cni/net.d/10-k1s.conflist, or undefined when there is none.
 */
export function chooseBridgeName(dataDir: string, existingConflist: string | undefined): string {
  return (existingConflist !== undefined ? conflistBridge(existingConflist) : undefined) ?? bridgeNameFor(dataDir);
}

/**
 * The CNI network name (`name`) of a conflist's JSON text, or undefined when there is none. Never throws.
 * The bridge plugin names its per-sandbox masquerade chains and rule comments after it, so a data dir keeps
 * the name its conflist has (a sandbox set up under one name is torn down under the same).
 */
export function conflistNetworkName(conflistText: string): string | undefined {
  try {
    const name = (JSON.parse(conflistText) as { name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The subnet of the first range of the bridge plugin's host-local IPAM in a conflist's JSON text
 * ("10.42.0.0/24"), or undefined when there is none or the text is no conflist. Never throws.
 */
export function conflistSubnet(conflistText: string): string | undefined {
  try {
    const parsed = JSON.parse(conflistText) as { plugins?: Array<{ type?: unknown; ipam?: { ranges?: Array<Array<{ subnet?: unknown }>> } }> };
    const subnet = parsed.plugins?.find((p) => p.type === 'bridge')?.ipam?.ranges?.[0]?.[0]?.subnet;
    return typeof subnet === 'string' && subnet !== '' ? subnet : undefined;
  } catch {
    return undefined;
  }
}
