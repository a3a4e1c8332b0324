/**
 * `--node-ip` on this machine: the check that the node's address is one of its own (kubelet's validateNodeIP), so
 * the kubelet server can listen there and node-port and hostPort traffic to it stays on the machine.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { StartupError } from './error-line.js';

/** The IPv4 addresses of this machine's interfaces, as os.networkInterfaces() lists them (loopback included). */
export function localIPv4Addresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  return Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4')
    .map((a) => a.address);
}

/**
 * Throws a StartupError naming the local addresses when `ip` (a `--node-ip` value) is not an address of this
 * machine. 127.0.0.1, k1s's default, always is. `interfaces` defaults to the machine's.
 */
export function assertLocalNodeIP(ip: string, interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>): void {
  const local = localIPv4Addresses(interfaces);
  if (ip === '127.0.0.1' || local.includes(ip)) return;
  throw new StartupError(`--node-ip ${ip} is not an address of this machine (its IPv4 addresses: ${local.join(', ') || 'none'}): give one of them, or the pod bridge's gateway`);
}
