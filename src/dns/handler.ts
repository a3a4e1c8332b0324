/**
 * One DNS message in, one out: decodes a query, answers cluster names from the records (chasing
 * ExternalName CNAMEs), forwards the rest, and fits UDP replies to the client's buffer (RFC 1035 §4.2.1,
 * RFC 6891 §6.2.5): additional and authority records go first, then answers, and TC is set when an
 * answer had to go.
 */
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Packet, type Question } from 'dns-packet';
import type { ClusterRecordSource } from './cluster-records.js';
import type { Forwarder, Transport } from './forwarder.js';
import { inZone, normalizeName } from './query-name.js';
import { resolveLocal, type LocalAnswer, type ResolveConfig } from './resolve.js';

/** What a query is answered from. */
export interface QueryContext {
  records: ClusterRecordSource;
  /** Cluster domain (normalized) and answer policy. */
  resolve: ResolveConfig;
  forwarder: Forwarder;
  /** False until the records hold a complete list: cluster names then get SERVFAIL, never a false NXDOMAIN. */
  ready(): boolean;
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODE;

/** The UDP payload size this server advertises in EDNS (the DNS Flag Day 2020 value). */
export const EDNS_UDP_SIZE = 1232;
/** Longest CNAME chain followed for ExternalName targets. */
const MAX_CHASE = 8;

interface Request {
  id: number;
  flags: number;
  rd: boolean;
  questions: Question[];
  opt?: OptAnswer;
}

/** A reply with only a header (and the question when known), for queries that cannot be decoded or answered. */
function errorReply(req: Request, rcode: Rcode): Packet {
  return {
    type: 'response',
    id: req.id,
    flags: (req.flags & 0x7800) | (req.rd ? dnsPacket.RECURSION_DESIRED : 0) | dnsPacket.RECURSION_AVAILABLE | RCODE[rcode],
    questions: req.questions,
    ...(req.opt ? { additionals: [ednsRecord()] } : {}),
  };
}

function ednsRecord(): OptAnswer {
  return { type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

/** The largest UDP reply the client accepts: its EDNS buffer size (512..4096), else 512. */
function maxUdpSize(req: Request): number {
  const size = req.opt?.udpPayloadSize ?? 512;
  return Math.min(Math.max(size, 512), 4096);
}

/** Encodes `packet`, shedding records until it fits `max` bytes (TC set when answers were shed). */
export function encodeFitting(packet: Packet, max: number): Buffer {
  let p: Packet = { ...packet, answers: [...(packet.answers ?? [])], authorities: [...(packet.authorities ?? [])], additionals: [...(packet.additionals ?? [])] };
  if (dnsPacket.encodingLength(p) <= max) return dnsPacket.encode(p);
  p = { ...p, additionals: (p.additionals ?? []).filter((a) => a.type === 'OPT') };
  if (dnsPacket.encodingLength(p) <= max) return dnsPacket.encode(p);
  p = { ...p, authorities: [] };
  const answers = p.answers ?? [];
  p.flags = (p.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
  while (answers.length && dnsPacket.encodingLength(p) > max) answers.pop();
  return dnsPacket.encode(p);
}

/** Appends the records of an ExternalName target, resolved in the cluster or upstream. */
async function chase(local: LocalAnswer, q: Question, ctx: QueryContext): Promise<LocalAnswer> {
  let result = local;
  let target = local.chase;
  for (let hops = 0; target !== undefined && hops < MAX_CHASE; hops++) {
    const next: Question = { name: target, type: q.type, class: 'IN' };
    target = undefined;
    if (inZone(normalizeName(next.name), ctx.resolve.zone)) {
      const inner = resolveLocal(next, ctx.records, ctx.resolve);
      if (!inner) break;
      result = { ...result, rcode: inner.rcode, answers: [...result.answers, ...inner.answers], authorities: inner.authorities };
      target = inner.chase;
      continue;
    }
    const reply = await ctx.forwarder.lookup(next.name, next.type);
    if (!reply) break;
    const rcode = (reply as DecodedPacket & { rcode?: string }).rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'NOERROR';
    result = { ...result, rcode, answers: [...result.answers, ...(reply.answers ?? [])], authorities: reply.authorities ?? [] };
  }
  const { chase: _done, ...rest } = result;
  return rest;
}

function decodeRequest(raw: Buffer): Request | undefined {
  let packet: DecodedPacket;
  try {
    packet = dnsPacket.decode(raw);
  } catch {
    return undefined;
  }
  const opt = (packet.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
  return { id: packet.id ?? 0, flags: packet.flags ?? 0, rd: packet.flag_rd, questions: packet.questions ?? [], ...(opt ? { opt } : {}) };
}

/**
 * Answers one DNS message received over `transport`; resolves the reply bytes, or undefined when the
 * message is to be dropped (a response, or too short to carry a header).
 */
export async function handleQuery(raw: Buffer, transport: Transport, ctx: QueryContext): Promise<Buffer | undefined> {
  if (raw.length < 12 || (raw.readUInt16BE(2) & 0x8000) !== 0) return undefined;
  const req = decodeRequest(raw) ?? { id: raw.readUInt16BE(0), flags: raw.readUInt16BE(2) & 0x7900, rd: (raw.readUInt16BE(2) & 0x100) !== 0, questions: [] };
  const max = transport === 'udp' ? maxUdpSize(req) : 65535;
  const opcode = (req.flags >> 11) & 0xf;
  if (opcode !== 0) return encodeFitting(errorReply(req, 'NOTIMP'), max);
  if (req.questions.length !== 1) return encodeFitting(errorReply(req, 'FORMERR'), max);
  const q = req.questions[0]!;
  const name = normalizeName(q.name);

  if (inZone(name, ctx.resolve.zone) && !ctx.ready()) return encodeFitting(errorReply(req, 'SERVFAIL'), max);
  let local = resolveLocal(q, ctx.records, ctx.resolve);
  if (!local) {
    const reply = await ctx.forwarder.forward(raw, transport);
    return reply ?? encodeFitting(errorReply(req, 'SERVFAIL'), max);
  }
  if (local.chase !== undefined) local = await chase(local, q, ctx);
  const additionals: Answer[] = [...local.additionals, ...(req.opt ? [ednsRecord()] : [])];
  const reply: Packet = {
    type: 'response',
    id: req.id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | (req.rd ? dnsPacket.RECURSION_DESIRED : 0) | RCODE[local.rcode],
    questions: [q],
    answers: local.answers,
    authorities: local.authorities,
    additionals,
  };
  return encodeFitting(reply, max);
}
