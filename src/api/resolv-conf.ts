/**
 * resolv.conf parsing shared by the kubelet (pod DNS) and the cluster DNS (upstream nameservers).
 *
 * Mirrors kubelet `pkg/kubelet/network/dns/dns.go` parseResolvConf: `nameserver` lines accumulate,
 * the last `search` line wins (trailing dots trimmed), the last `options` line wins; lines starting
 * with `#` or `;` are comments.
 */

/** The parts of a resolv.conf file the kubelet and the cluster DNS act on. */
export interface ResolvConf {
  /** Nameserver addresses in file order (not validated). */
  servers: string[];
  /** Search domains of the last `search` line, without trailing dots. */
  searches: string[];
  /** Options of the last `options` line, as written (`ndots:5`, `edns0`). */
  options: string[];
}

/** Parses resolv.conf text; never throws (malformed lines are skipped). */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || line.startsWith(';')) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) out.servers.push(rest[0]);
    else if (key === 'search') out.searches = rest.map((s) => s.replace(/\.$/, '')).filter((s) => s !== '');
    else if (key === 'options') out.options = rest;
  }
  return out;
}
