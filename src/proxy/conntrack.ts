/**
 * Stale UDP conntrack entries of Services: a UDP flow keeps going to the endpoint its conntrack entry
 * names, even after the endpoint left the Service, so the proxy deletes entries that point elsewhere
 * than a serving endpoint (kube-proxy's `pkg/proxy/conntrack/cleanup.go` CleanStaleEntries), with the
 * conntrack tool (Debian package conntrack).
 */
import type { CommandRunner } from './iptables.js';
import type { ServicePortInfo } from './service-ports.js';

/** One conntrack entry, original direction and reply source. */
export interface ConntrackEntry {
  protocol: string;
  origSrc: string;
  origDst: string;
  origDstPort: number;
  /** Source of the reply direction: the endpoint a DNATed flow goes to. */
  replySrc: string;
}

/** A deletion: entries of `protocol` to `origDst:origDstPort` (or any address when absent) answered by `replySrc`. */
export interface ConntrackFilter {
  protocol: 'udp';
  origDst?: string;
  origDstPort: number;
  replySrc: string;
}

/** Parses `conntrack -L` output lines (`udp 17 29 src=.. dst=.. sport=.. dport=.. src=.. ...`). Pure. */
export function parseConntrackList(text: string): ConntrackEntry[] {
  const out: ConntrackEntry[] = [];
  for (const l of text.split('\n')) {
    const protocol = /^\s*(\w+)\s/.exec(l)?.[1];
    const src = [...l.matchAll(/\bsrc=(\S+)/g)].map((m) => m[1]!);
    const dst = [...l.matchAll(/\bdst=(\S+)/g)].map((m) => m[1]!);
    const dport = /\bdport=(\d+)/.exec(l)?.[1];
    if (!protocol || src.length < 2 || dst.length < 1 || !dport) continue;
    out.push({ protocol, origSrc: src[0]!, origDst: dst[0]!, origDstPort: Number(dport), replySrc: src[1]! });
  }
  return out;
}

/**
 * The deletions that leave only flows to serving endpoints: for each UDP service port with at least one
 * serving endpoint, entries to its cluster, external or load-balancer IP and port, or to its node port,
 * whose reply source is not a serving endpoint (an endpoint gone, or a flow created while the Service
 * had none). Ports without endpoints are left alone, as kube-proxy does. Pure; duplicates removed.
 */
export function staleConntrackFilters(entries: readonly ConntrackEntry[], ports: readonly ServicePortInfo[]): ConntrackFilter[] {
  const byFrontend = new Map<string, Set<string>>();
  const byNodePort = new Map<number, Set<string>>();
  for (const p of ports) {
    if (p.protocol !== 'UDP') continue;
    const serving = new Set(p.endpoints.filter((e) => e.serving).map((e) => e.ip));
    if (serving.size === 0) continue;
    for (const ip of [p.clusterIP, ...p.externalIPs, ...p.loadBalancerIPs]) byFrontend.set(`${ip}:${p.port}`, serving);
    if (p.nodePort) byNodePort.set(p.nodePort, serving);
  }
  const out = new Map<string, ConntrackFilter>();
  for (const e of entries) {
    if (e.protocol !== 'udp') continue;
    const serving = byFrontend.get(`${e.origDst}:${e.origDstPort}`);
    if (serving && !serving.has(e.replySrc)) {
      out.set(`${e.origDst}:${e.origDstPort}/${e.replySrc}`, { protocol: 'udp', origDst: e.origDst, origDstPort: e.origDstPort, replySrc: e.replySrc });
    }
    const nodePortServing = byNodePort.get(e.origDstPort);
    if (nodePortServing && !nodePortServing.has(e.replySrc)) {
      out.set(`*:${e.origDstPort}/${e.replySrc}`, { protocol: 'udp', origDstPort: e.origDstPort, replySrc: e.replySrc });
    }
  }
  return [...out.values()];
}

/** The `conntrack -D` arguments of one filter. */
export function conntrackDeleteArgs(f: ConntrackFilter): string[] {
  return ['-D', '-f', 'ipv4', '-p', f.protocol, ...(f.origDst ? ['--orig-dst', f.origDst] : []), '--orig-port-dst', String(f.origDstPort), '--reply-src', f.replySrc];
}

/**
 * Lists the host's UDP conntrack entries and deletes the stale ones of `ports` (see
 * {@link staleConntrackFilters}); does nothing when no port is UDP. Returns the number of filters
 * applied. Throws when conntrack cannot be run or fails to list.
 */
export async function clearStaleConntrack(run: CommandRunner, ports: readonly ServicePortInfo[]): Promise<number> {
  if (!ports.some((p) => p.protocol === 'UDP')) return 0;
  const list = await run('conntrack', ['-L', '-f', 'ipv4', '-p', 'udp']);
  if (list.code !== 0) throw new Error(`conntrack -L: ${list.stderr.trim()} (exit code ${list.code})`);
  const filters = staleConntrackFilters(parseConntrackList(list.stdout), ports);
  for (const f of filters) {
    // Exit code 1 with "0 flow entries have been deleted" when the flow ended meanwhile: not an error.
    await run('conntrack', conntrackDeleteArgs(f));
  }
  return filters.length;
}
