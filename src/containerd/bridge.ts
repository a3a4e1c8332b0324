/**
 * The pod bridge, created before the first pod so the node can serve pods on its gateway address (the cluster
 * DNS on port 53, the API server behind the `kubernetes` Service) from start-up. The CNI bridge plugin then
 * finds the bridge with the gateway address it expects and uses it as it is.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Creates bridge `name` when missing, gives it `gatewayCidr` (e.g. `10.42.0.1/24`) when it lacks it, and sets it
 * up. Idempotent. Throws when `ip` fails (not root, a name taken by another kind of link, ...).
 */
export async function ensureBridge(name: string, gatewayCidr: string): Promise<void> {
  const exists = await run('ip', ['-j', 'addr', 'show', 'dev', name]).then(
    (r) => JSON.parse(r.stdout) as { addr_info?: { family: string; local: string; prefixlen: number }[] }[],
    () => undefined,
  );
  if (!exists) await run('ip', ['link', 'add', name, 'type', 'bridge']);
  const [ip, prefix] = gatewayCidr.split('/');
  const has = (exists?.[0]?.addr_info ?? []).some((a) => a.family === 'inet' && a.local === ip && String(a.prefixlen) === prefix);
  if (!has) await run('ip', ['addr', 'add', gatewayCidr, 'dev', name]);
  await run('ip', ['link', 'set', name, 'up']);
}

/** One IPv4 address of `ip -j addr show` output. */
interface LinkAddresses {
  ifname?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/**
 * The IPv4 networks of `links` (parsed `ip -j addr show`) inside `cidr` (as narrow or narrower), on interfaces
 * other than `ownBridge`, as "iface a.b.c.d/n": another k1s server's bridge on the same subnet, a Docker or VPN
 * network there. A wider network containing `cidr` (a 10.0.0.0/8 LAN) is no conflict: the bridge's own route is
 * the more specific one. Pure; entries it cannot read are skipped.
 */
export function overlappingAddresses(links: LinkAddresses[], cidr: string, ownBridge: string): string[] {
  const [net = '', bits = ''] = cidr.split('/');
  const base = ipv4ToNumber(net);
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix)) return [];
  const out: string[] = [];
  for (const link of links) {
    if (link.ifname === undefined || link.ifname === ownBridge) continue;
    for (const a of link.addr_info ?? []) {
      const addr = a.family === 'inet' && a.local !== undefined ? ipv4ToNumber(a.local) : undefined;
      if (addr === undefined || a.prefixlen === undefined || a.prefixlen < prefix) continue;
      const size = 2 ** (32 - prefix);
      if (Math.floor(addr / size) === Math.floor(base / size)) out.push(`${link.ifname} ${a.local}/${a.prefixlen}`);
    }
  }
  return out;
}

/**
 * Throws when an interface other than `ownBridge` holds an address overlapping the node's pod CIDR `podCidr`
 * ("pod CIDR 10.42.0.0/24 overlaps k1s-1a2b3c4d 10.42.0.1/24 …: give this server another --cluster-cidr"), so a
 * second server on the machine refuses to start instead of stealing the first one's routes. Skips the check
 * when `ip` cannot be run.
 */
export async function assertPodCidrFree(podCidr: string, ownBridge: string): Promise<void> {
  const links = await run('ip', ['-j', 'addr', 'show']).then(
    (r) => JSON.parse(r.stdout) as LinkAddresses[],
    () => [] as LinkAddresses[],
  );
  const taken = overlappingAddresses(links, podCidr, ownBridge);
  if (taken.length > 0) {
    throw new Error(`pod CIDR ${podCidr} overlaps ${taken.join(', ')} (another k1s server, or another network on this machine): give this server another --cluster-cidr`);
  }
}

/**
 * True when bridge `name` exists and holds an IPv4 address other than `gatewayCidr` (e.g. "10.42.0.1/24"):
 * another server's bridge, which a data dir whose conflist names the same (legacy "k1s0") must not join. False
 * when it is missing, has no address yet or only ours, or `ip` cannot be run.
 */
export async function bridgeHeldByOther(name: string, gatewayCidr: string): Promise<boolean> {
  const links = await run('ip', ['-j', 'addr', 'show', 'dev', name]).then(
    (r) => JSON.parse(r.stdout) as LinkAddresses[],
    () => [] as LinkAddresses[],
  );
  return (links[0]?.addr_info ?? []).some((a) => a.family === 'inet' && `${a.local}/${a.prefixlen}` !== gatewayCidr);
}
