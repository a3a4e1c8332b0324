/**
 * Forwards names outside the cluster to the nameservers of a resolv.conf file (CoreDNS
 * `forward . /etc/resolv.conf`; k3s's `--resolv-conf`): the client's query is relayed as is under a fresh
 * ID over the client's transport, servers are tried in file order, and a truncated UDP reply goes back
 * to the client truncated so that it retries over TCP, as CoreDNS does.
 */
import { randomInt } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import dnsPacket, { type DecodedPacket, type RecordType } from 'dns-packet';
import { parseResolvConf } from '../api/resolv-conf.js';
import { tcpExchange, udpExchange, type Upstream } from './exchange.js';

/** The transport a query came in on. */
export type Transport = 'udp' | 'tcp';

/** Forwards queries upstream. */
export interface Forwarder {
  /**
   * Relays a raw query (a whole DNS message) to the first upstream that answers; resolves the raw reply
   * carrying the query's own ID, or undefined when there is no upstream or none answered.
   */
  forward(query: Buffer, transport: Transport): Promise<Buffer | undefined>;
  /** Looks `name`/`type` up upstream with recursion desired (TCP when the UDP reply is truncated); undefined on failure. */
  lookup(name: string, type: RecordType): Promise<DecodedPacket | undefined>;
}

/** Options of {@link createForwarder}. */
export interface ForwarderOptions {
  /** resolv.conf whose `nameserver` lines are the upstreams; re-read when its mtime changes. */
  resolvConf: string;
  /** Port of the upstream nameservers (default 53; tests run theirs on a high port). */
  upstreamPort?: number;
  /** Addresses this server listens on, never forwarded to (a forwarding loop). */
  self?: Upstream[];
  /** Wait for one upstream's reply, ms (default 2000). */
  timeoutMs?: number;
  /** Least time between two checks of the resolv.conf file's mtime, ms (default 2000). */
  recheckMs?: number;
}

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

/** Whether `server` is one of this server's own listen addresses (wildcard listeners own every loopback address). */
function isSelf(server: Upstream, self: Upstream[]): boolean {
  return self.some(
    (s) => s.port === server.port && (s.address === server.address || ((s.address === '0.0.0.0' || s.address === '::') && isLoopback(server.address))),
  );
}

/** Creates a forwarder on the nameservers of `options.resolvConf`. */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const port = options.upstreamPort ?? 53;
  const timeoutMs = options.timeoutMs ?? 2000;
  const recheckMs = options.recheckMs ?? 2000;
  let servers: Upstream[] = [];
  let mtime = -1;
  let checkedAt = 0;

  const upstreams = (): Upstream[] => {
    const now = Date.now();
    if (now - checkedAt < recheckMs) return servers;
    checkedAt = now;
    let m = -2;
    try {
      m = statSync(options.resolvConf).mtimeMs;
    } catch {
      m = -2;
    }
    if (m === mtime) return servers;
    mtime = m;
    let text = '';
    try {
      text = readFileSync(options.resolvConf, 'utf8');
    } catch {
      text = '';
    }
    servers = parseResolvConf(text)
      .servers.filter((ip) => isIP(ip) !== 0)
      .map((address) => ({ address, port }))
      .filter((s) => !isSelf(s, options.self ?? []));
    return servers;
  };

  const exchange = async (query: Buffer, transport: Transport): Promise<Buffer | undefined> => {
    for (const server of upstreams()) {
      try {
        return transport === 'udp' ? await udpExchange(server, query, timeoutMs) : await tcpExchange(server, query, timeoutMs);
      } catch {
        continue; // next server
      }
    }
    return undefined;
  };

  const forward = async (query: Buffer, transport: Transport): Promise<Buffer | undefined> => {
    if (query.length < 12) return undefined;
    const id = query.readUInt16BE(0);
    const relayed = Buffer.from(query);
    relayed.writeUInt16BE(randomInt(0, 0x10000), 0);
    const reply = await exchange(relayed, transport);
    if (!reply) return undefined;
    const out = Buffer.from(reply);
    out.writeUInt16BE(id, 0);
    return out;
  };

  return {
    forward,
    async lookup(name, type) {
      const query = dnsPacket.encode({ type: 'query', id: randomInt(0, 0x10000), flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] });
      try {
        let reply = await exchange(query, 'udp');
        if (reply && dnsPacket.decode(reply).flag_tc) reply = await exchange(query, 'tcp');
        return reply ? dnsPacket.decode(reply) : undefined;
      } catch {
        return undefined; // undecodable reply
      }
    },
  };
}
