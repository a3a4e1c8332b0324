/**
 * IPv4 addresses and CIDR ranges as 32-bit numbers: parsing, formatting, membership. Plain TypeScript
 * (no `node:`), shared by the service registry's allocator, the proxy and the DNS (PTR names).
 */

/** An IPv4 CIDR range: `base` is the network address, `size` the number of addresses. */
export interface Ipv4Range {
  base: number;
  prefix: number;
  size: number;
  /** The range as written canonically, e.g. `10.43.0.0/16`. */
  text: string;
}

/** The 32-bit value of a dotted-quad IPv4 address, or undefined when `s` is not one (no leading zeros). */
export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let v = 0;
  for (const part of m.slice(1)) {
    const n = Number(part);
    if (n > 255 || String(n) !== part) return undefined;
    v = v * 256 + n;
  }
  return v;
}

/** The dotted-quad form of a 32-bit value. */
export function formatIpv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

/** Parses `a.b.c.d/n` (the host bits are cleared); throws Error with a readable message when invalid. */
export function parseCidr(s: string): Ipv4Range {
  const [ip = '', bits = ''] = s.split('/');
  const addr = parseIpv4(ip);
  const prefix = Number(bits);
  if (addr === undefined || !/^\d{1,2}$/.test(bits) || prefix > 32) throw new Error(`invalid CIDR address: ${s}`);
  const size = 2 ** (32 - prefix);
  const base = addr - (addr % size);
  return { base, prefix, size, text: `${formatIpv4(base)}/${prefix}` };
}

/** True when `ip` (dotted quad) lies in `range`. */
export function rangeContains(range: Ipv4Range, ip: string): boolean {
  const v = parseIpv4(ip);
  return v !== undefined && v >= range.base && v < range.base + range.size;
}

/** The address at `offset` from the range's network address. */
export function addressAt(range: Ipv4Range, offset: number): string {
  return formatIpv4(range.base + offset);
}
