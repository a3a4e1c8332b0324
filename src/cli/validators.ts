/**
 * Value checks for flag definitions: each returns why a value is invalid, or undefined when it is valid
 * (FlagDef.validate), so the parser can name the flag and where the value came from.
 */
import { addressAt, parseCidr, parseIpv4, rangeContains } from '../api/ipv4.js';

/** A TCP port, 1-65535. */
export function validatePort(value: string): string | undefined {
  const n = Number(value);
  return /^\d+$/.test(value.trim()) && Number.isInteger(n) && n >= 1 && n <= 65535 ? undefined : 'must be a port number 1-65535';
}

/** The address and prefix length of an IPv4 CIDR (api/ipv4.ts's rules: no leading zeros), or undefined when `value` is not one. */
export function parseIPv4Cidr(value: string): { address: number; prefix: number } | undefined {
  try {
    const r = parseCidr(value.trim());
    return { address: r.base, prefix: r.prefix };
  } catch {
    return undefined;
  }
}

/** An IPv4 CIDR (`10.42.0.0/16`); k1s is IPv4 single-stack, so k3s's comma-separated dual-stack lists are refused. */
export function validateIPv4Cidr(value: string): string | undefined {
  if (value.includes(',')) return 'k1s is IPv4 single-stack: give one IPv4 CIDR';
  return parseIPv4Cidr(value) ? undefined : 'must be an IPv4 CIDR such as 10.42.0.0/16';
}

/** A pod network: an IPv4 CIDR of /8 to /30 (the node takes its first /24, or the whole range when narrower). */
export function validateClusterCidr(value: string): string | undefined {
  const why = validateIPv4Cidr(value);
  if (why !== undefined) return why;
  const { prefix } = parseIPv4Cidr(value)!;
  return prefix > 30 ? `prefix /${prefix} leaves no room for pods (use /30 or wider)` : undefined;
}

/** An IPv4 address. */
export function validateIPv4(value: string): string | undefined {
  return parseIpv4(value.trim()) !== undefined ? undefined : 'must be an IPv4 address such as 10.43.0.10';
}

/**
 * A node address for `--node-ip` / `--node-external-ip` (k3s's flags; kubelet `--node-ip`): one IPv4 address that
 * can name a node, so not 0.0.0.0, not multicast (224.0.0.0/4), not link-local (169.254.0.0/16) and not the
 * broadcast address, as kubelet's validateNodeIP refuses them. k3s's comma-separated dual-stack pair is refused:
 * k1s is IPv4 single-stack. Whether the address is local is checked when the server starts (server.ts).
 */
export function validateNodeIP(value: string): string | undefined {
  if (value.includes(',')) return 'k1s is IPv4 single-stack: give one IPv4 address';
  const v = parseIpv4(value.trim());
  if (v === undefined) return 'must be an IPv4 address such as 10.42.0.1';
  if (v === 0) return 'must not be the unspecified address 0.0.0.0';
  if (v === 0xffffffff) return 'must not be the broadcast address';
  if (v >>> 28 === 0xe) return 'must not be a multicast address';
  if (v >>> 16 === 0xa9fe) return 'must not be a link-local address';
  return undefined;
}

/** True when `ip` lies inside `cidr` (both IPv4; false when either is invalid). */
export function cidrContains(cidr: string, ip: string): boolean {
  try {
    return rangeContains(parseCidr(cidr), ip);
  } catch {
    return false;
  }
}

/** The `offset`-th address of an IPv4 CIDR (`10.43.0.0/16`, 10 → `10.43.0.10`), or undefined when `cidr` is invalid. */
export function addressInCidr(cidr: string, offset: number): string | undefined {
  try {
    return addressAt(parseCidr(cidr), offset);
  } catch {
    return undefined;
  }
}

/**
 * A NodePort range `MIN-MAX` within 1-65535, as the service registry's allocator takes it (registry/index.ts
 * parsePortRange; kube-apiserver's --service-node-port-range also takes `A+N`, which k1s does not).
 */
export function parsePortRange(value: string): { base: number; size: number } | undefined {
  const m = /^(\d+)-(\d+)$/.exec(value.trim());
  if (!m) return undefined;
  const low = Number(m[1]);
  const high = Number(m[2]);
  if (low < 1 || high > 65535 || high < low) return undefined;
  return { base: low, size: high - low + 1 };
}

/** FlagDef.validate for parsePortRange. */
export function validatePortRange(value: string): string | undefined {
  return parsePortRange(value) ? undefined : 'must be a port range MIN-MAX within 1-65535, such as 30000-32767';
}

/** A DNS domain (RFC 1123 subdomain: lower-case labels of letters, digits and hyphens), as --cluster-domain. */
export function validateDnsDomain(value: string): string | undefined {
  const v = value.replace(/\.$/, '');
  const label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
  return v.length > 0 && v.length <= 253 && v.split('.').every((l) => label.test(l)) ? undefined : 'must be a DNS domain such as cluster.local';
}

/** Any non-empty value (paths, names). */
export function validateNonEmpty(value: string): string | undefined {
  return value.trim() === '' ? 'must not be empty' : undefined;
}

/** The one kube-controller-manager feature gate k1s honours (its name in kube-controller-manager's --feature-gates). */
export const LEGACY_TOKEN_GATE = 'LegacyServiceAccountTokenNoAutoGeneration';

/**
 * The value of LegacyServiceAccountTokenNoAutoGeneration in a k3s-style `--kube-controller-manager-arg` value
 * (`feature-gates=LegacyServiceAccountTokenNoAutoGeneration=false`, optional leading `--`), or undefined when `value`
 * is anything else: k1s runs no separate kube-controller-manager, so this one gate is all it understands.
 */
export function legacyTokenGate(value: string): boolean | undefined {
  const m = /^(?:--)?feature-gates=([A-Za-z0-9]+)=(true|false)$/i.exec(value.trim());
  if (!m || m[1] !== LEGACY_TOKEN_GATE) return undefined;
  return m[2]!.toLowerCase() === 'true';
}

/** A `--kube-controller-manager-arg` k1s understands: only feature-gates=LegacyServiceAccountTokenNoAutoGeneration=true|false. */
export function validateControllerManagerArg(value: string): string | undefined {
  return legacyTokenGate(value) === undefined
    ? `k1s runs no separate kube-controller-manager and takes only feature-gates=${LEGACY_TOKEN_GATE}=false (or =true, the default)`
    : undefined;
}
