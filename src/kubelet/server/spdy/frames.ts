// SPDY/3.1 frame encoding and incremental decoding (draft-mbelshe-httpbis-spdy-00 §2.2, SPDY/3.1 §2.6), header blocks left compressed.

/** Protocol version carried in every control frame. */
export const SPDY_VERSION = 3;
/** Largest payload a frame may carry (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

/** Control frame type codes (§2.6). */
export const FrameType = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;

/** RST_STREAM status codes (§2.6.3). */
export const RstStatus = { protocolError: 1, invalidStream: 2, refusedStream: 3, unsupportedVersion: 4, cancel: 5, internalError: 6, flowControlError: 7, streamInUse: 8, streamAlreadyClosed: 9 } as const;

/** SETTINGS ids used here (§2.6.4). */
export const SettingId = { maxConcurrentStreams: 4, initialWindowSize: 7 } as const;

/** One SETTINGS entry: 8-bit flags, 24-bit id, 32-bit value. */
export interface SettingEntry {
  flags: number;
  id: number;
  value: number;
}

/**
 * A decoded frame. Header blocks (`headerBlock`) are the raw zlib bytes: they can only be inflated in wire
 * order with the session's shared decompressor (header-compression.ts). Unknown control types decode to
 * `unknown` and are ignored by sessions, as the spec requires.
 */
export type SpdyFrame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedTo: number; priority: number; slot: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; clear: boolean; entries: SettingEntry[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; flags: number; payload: Buffer };

/** A frame the peer sent that cannot be decoded; the session answers with GOAWAY PROTOCOL_ERROR. */
export class SpdyProtocolError extends Error {}

const FLAG_FIN = 0x01;
const FLAG_UNIDIRECTIONAL = 0x02;
const FLAG_CLEAR_SETTINGS = 0x01;
const ID_MASK = 0x7fffffff;

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`spdy control frame too large: ${payload.length} bytes`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** Serialises a frame to its wire bytes; throws RangeError when a payload exceeds 2^24-1 bytes. */
export function encodeFrame(f: SpdyFrame): Buffer {
  switch (f.type) {
    case 'data': {
      if (f.data.length > MAX_FRAME_PAYLOAD) throw new RangeError(`spdy data frame too large: ${f.data.length} bytes`);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(f.streamId & ID_MASK, 0);
      head.writeUInt32BE(((f.fin ? FLAG_FIN : 0) << 24 | f.data.length) >>> 0, 4);
      return Buffer.concat([head, f.data]);
    }
    case 'syn_stream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(f.streamId & ID_MASK, 0);
      fixed.writeUInt32BE(f.associatedTo & ID_MASK, 4);
      fixed.writeUInt8((f.priority & 0x7) << 5, 8);
      fixed.writeUInt8(f.slot & 0xff, 9);
      const flags = (f.fin ? FLAG_FIN : 0) | (f.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return controlFrame(FrameType.synStream, flags, Buffer.concat([fixed, f.headerBlock]));
    }
    case 'syn_reply':
      return controlFrame(FrameType.synReply, f.fin ? FLAG_FIN : 0, Buffer.concat([u32s(f.streamId & ID_MASK), f.headerBlock]));
    case 'headers':
      return controlFrame(FrameType.headers, f.fin ? FLAG_FIN : 0, Buffer.concat([u32s(f.streamId & ID_MASK), f.headerBlock]));
    case 'rst_stream':
      return controlFrame(FrameType.rstStream, 0, u32s(f.streamId & ID_MASK, f.status));
    case 'settings': {
      const body = Buffer.alloc(4 + f.entries.length * 8);
      body.writeUInt32BE(f.entries.length, 0);
      f.entries.forEach((e, i) => {
        body.writeUInt32BE((((e.flags & 0xff) << 24) | (e.id & 0xffffff)) >>> 0, 4 + i * 8);
        body.writeUInt32BE(e.value >>> 0, 8 + i * 8);
      });
      return controlFrame(FrameType.settings, f.clear ? FLAG_CLEAR_SETTINGS : 0, body);
    }
    case 'ping':
      return controlFrame(FrameType.ping, 0, u32s(f.id));
    case 'goaway':
      return controlFrame(FrameType.goAway, 0, u32s(f.lastGoodStreamId & ID_MASK, f.status));
    case 'window_update':
      return controlFrame(FrameType.windowUpdate, 0, u32s(f.streamId & ID_MASK, f.delta & ID_MASK));
    case 'unknown':
      return controlFrame(f.frameType, f.flags, f.payload);
  }
}

function need(p: Buffer, n: number, what: string): void {
  if (p.length < n) throw new SpdyProtocolError(`spdy ${what} frame too short: ${p.length} bytes`);
}

function decodeControl(type: number, flags: number, p: Buffer): SpdyFrame {
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case FrameType.synStream:
      need(p, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: p.readUInt32BE(0) & ID_MASK,
        associatedTo: p.readUInt32BE(4) & ID_MASK,
        priority: p.readUInt8(8) >> 5,
        slot: p.readUInt8(9),
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: p.subarray(10),
      };
    case FrameType.synReply:
      need(p, 4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: p.readUInt32BE(0) & ID_MASK, fin, headerBlock: p.subarray(4) };
    case FrameType.headers:
      need(p, 4, 'HEADERS');
      return { type: 'headers', streamId: p.readUInt32BE(0) & ID_MASK, fin, headerBlock: p.subarray(4) };
    case FrameType.rstStream:
      need(p, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: p.readUInt32BE(0) & ID_MASK, status: p.readUInt32BE(4) };
    case FrameType.settings: {
      need(p, 4, 'SETTINGS');
      const n = p.readUInt32BE(0);
      need(p, 4 + n * 8, 'SETTINGS');
      const entries: SettingEntry[] = [];
      for (let i = 0; i < n; i++) {
        const word = p.readUInt32BE(4 + i * 8);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: p.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', clear: (flags & FLAG_CLEAR_SETTINGS) !== 0, entries };
    }
    case FrameType.ping:
      need(p, 4, 'PING');
      return { type: 'ping', id: p.readUInt32BE(0) };
    case FrameType.goAway:
      need(p, 8, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & ID_MASK, status: p.readUInt32BE(4) };
    case FrameType.windowUpdate:
      need(p, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: p.readUInt32BE(0) & ID_MASK, delta: p.readUInt32BE(4) & ID_MASK };
    default:
      return { type: 'unknown', frameType: type, flags, payload: p };
  }
}

/**
 * Cuts a byte stream into frames. `push` takes whatever the socket delivered and returns the frames now
 * complete, keeping a partial frame for the next call. Throws SpdyProtocolError on a control frame of a
 * version other than 3 or a malformed fixed part.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: SpdyFrame[] = [];
    while (this.buf.length >= 8) {
      const word = this.buf.readUInt32BE(4);
      const len = word & 0xffffff;
      if (this.buf.length < 8 + len) break;
      const payload = Buffer.from(this.buf.subarray(8, 8 + len));
      const first = this.buf.readUInt32BE(0);
      const flags = word >>> 24;
      this.buf = this.buf.subarray(8 + len);
      if (first & 0x80000000) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported spdy version ${version}`);
        out.push(decodeControl(first & 0xffff, flags, payload));
      } else {
        out.push({ type: 'data', streamId: first & ID_MASK, fin: (flags & FLAG_FIN) !== 0, data: payload });
      }
    }
    return out;
  }
}
