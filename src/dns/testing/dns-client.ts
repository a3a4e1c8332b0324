// A DNS client and a stub upstream nameserver for cluster DNS tests, both on 127.0.0.1 only.

import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet, type RecordType } from 'dns-packet';
import { listenTcp } from '../tcp.js';
import { listenUdp } from '../udp.js';

/** A decoded reply with the fields dns-packet sets but does not type. */
export type Reply = DecodedPacket & { rcode: string };

let nextId = 1;

/** Options of {@link query}. */
export interface QueryOptions {
  transport?: 'udp' | 'tcp';
  /** Advertise this EDNS UDP buffer size. */
  edns?: number;
  timeoutMs?: number;
}

/** Sends one query to 127.0.0.1:`port` and decodes the reply; rejects on timeout. */
export function query(port: number, name: string, type: RecordType, opts: QueryOptions = {}): Promise<Reply> {
  const packet: Packet = {
    type: 'query',
    id: nextId++ & 0xffff,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    ...(opts.edns ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: opts.edns, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] } : {}),
  };
  return exchangeRaw(port, dnsPacket.encode(packet), opts).then((b) => dnsPacket.decode(b) as Reply);
}

/** Sends raw bytes to 127.0.0.1:`port` and resolves the raw reply. */
export function exchangeRaw(port: number, msg: Buffer, opts: QueryOptions = {}): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  return new Promise((resolve, reject) => {
    if (opts.transport === 'tcp') {
      const s = connect({ host: '127.0.0.1', port });
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => (s.destroy(), reject(new Error('tcp query timed out'))), timeoutMs);
      s.on('error', reject);
      s.on('close', () => (clearTimeout(timer), reject(new Error('tcp connection closed without a reply'))));
      s.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(msg.length, 0);
        s.write(Buffer.concat([len, msg]));
      });
      s.on('data', (c) => {
        buf = Buffer.concat([buf, c]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          clearTimeout(timer);
          s.destroy();
          resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        }
      });
      return;
    }
    const s = createSocket('udp4');
    const timer = setTimeout(() => (s.close(), reject(new Error('udp query timed out'))), timeoutMs);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m);
    });
    s.send(msg, port, '127.0.0.1');
  });
}

/** A stub upstream nameserver: answers the A records it holds, NXDOMAIN otherwise; counts queries by transport. */
export interface StubUpstream {
  port: number;
  /** Queries received, as `udp NAME TYPE` / `tcp NAME TYPE`. */
  seen: string[];
  close(): Promise<void>;
}

/** Starts a stub upstream on 127.0.0.1 (UDP and TCP, one port) serving `zone`: name → addresses. */
export async function startStubUpstream(zone: Record<string, string[]>): Promise<StubUpstream> {
  const seen: string[] = [];
  const answer = (t: 'udp' | 'tcp') => async (msg: Buffer): Promise<Buffer> => {
    const q = dnsPacket.decode(msg);
    const question = q.questions![0]!;
    seen.push(`${t} ${question.name} ${question.type}`);
    const ips = zone[question.name.toLowerCase()];
    const answers: Answer[] = question.type === 'A' ? (ips ?? []).map((ip) => ({ name: question.name, type: 'A', ttl: 60, data: ip })) : [];
    const rcode = ips ? 0 : 3;
    const reply: Packet = { type: 'response', id: q.id ?? 0, flags: dnsPacket.RECURSION_AVAILABLE | rcode, questions: q.questions ?? [], answers };
    if (t === 'udp' && dnsPacket.encodingLength(reply) > 512) return dnsPacket.encode({ ...reply, answers: [], flags: (reply.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE });
    return dnsPacket.encode(reply);
  };
  const udp = await listenUdp('127.0.0.1', 0, answer('udp'), () => {});
  const tcp = await listenTcp('127.0.0.1', udp.port, answer('tcp'), () => {});
  return {
    port: udp.port,
    seen,
    async close() {
      await udp.close();
      await tcp.close();
    },
  };
}

/** Answer data of `reply`, sorted, as strings (`A 10.43.0.5`, `0 100 80 web.default.svc.cluster.local`, `SOA ns.dns.cluster.local`). */
export function answerData(reply: DecodedPacket, section: 'answers' | 'additionals' | 'authorities' = 'answers'): string[] {
  return (reply[section] ?? [])
    .filter((a) => a.type !== 'OPT')
    .map((a) => {
      const d = (a as { data: unknown }).data;
      if (a.type === 'SRV') {
        const s = d as { priority: number; weight: number; port: number; target: string };
        return `${s.priority} ${s.weight} ${s.port} ${s.target}`;
      }
      if (a.type === 'SOA') return `SOA ${(d as { mname: string }).mname}`;
      if (a.type === 'TXT') return (d as Buffer[]).map((b) => b.toString()).join('');
      return `${a.type} ${String(d)}`;
    })
    .sort();
}
