// SPDY/3 name/value header blocks (§2.6.10): the uncompressed layout and the per-direction zlib contexts with the SPDY/3 dictionary.

import * as zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { SpdyProtocolError } from './frames.js';

/** Header names (lower case) to their values; several values travel NUL-separated in one entry. */
export type SpdyHeaders = Record<string, string[]>;

/**
 * Lays out a header block: 32-bit pair count, then per pair a 32-bit length + name (lower-cased, as SPDY
 * requires) and a 32-bit length + the values joined by NUL. Mirrors spdystream `writeHeaderValueBlock`.
 */
export function encodeHeaderBlock(h: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(h);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [name, values] of entries) {
    for (const s of [name.toLowerCase(), values.join('\0')]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

/** Reads an uncompressed header block; throws SpdyProtocolError when it is truncated. */
export function decodeHeaderBlock(b: Buffer): SpdyHeaders {
  let off = 0;
  const take = (): Buffer => {
    if (off + 4 > b.length) throw new SpdyProtocolError('truncated spdy header block');
    const n = b.readUInt32BE(off);
    off += 4;
    if (off + n > b.length) throw new SpdyProtocolError('truncated spdy header block');
    const s = b.subarray(off, off + n);
    off += n;
    return s;
  };
  if (b.length < 4) throw new SpdyProtocolError('truncated spdy header block');
  const count = b.readUInt32BE(0);
  off = 4;
  const out: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = take().toString('utf8').toLowerCase();
    const values = take().toString('utf8').split('\0');
    out[name] = [...(out[name] ?? []), ...values];
  }
  return out;
}

/** Feeds `input` through a zlib stream and returns what came out by the Z_SYNC_FLUSH that follows it. */
function syncFlush(z: zlib.Deflate | zlib.Inflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer): void => void chunks.push(c);
    const onError = (err: Error): void => {
      z.off('data', onData);
      reject(new SpdyProtocolError(`spdy header block: ${err.message}`, { cause: err }));
    };
    z.on('data', onData);
    z.once('error', onError);
    if (input.length) z.write(input);
    z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      z.off('data', onData);
      z.off('error', onError);
      resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * One direction's header compressor. SPDY/3 keeps a single zlib stream per direction for the whole
 * session, each block ending on a sync flush, so blocks must be compressed in exactly the order their
 * frames go on the wire: calls are serialised internally, in call order.
 */
export class HeaderCompressor {
  private readonly z = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, level: zlib.constants.Z_DEFAULT_COMPRESSION });
  private chain: Promise<unknown> = Promise.resolve();

  compress(h: SpdyHeaders): Promise<Buffer> {
    const next = this.chain.then(() => syncFlush(this.z, encodeHeaderBlock(h)));
    this.chain = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.z.close();
  }
}

/** The peer's direction: inflates header blocks in arrival order with the same shared context. */
export class HeaderDecompressor {
  private readonly z = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private chain: Promise<unknown> = Promise.resolve();

  /** Rejects with SpdyProtocolError on corrupt zlib data or a malformed block. */
  decompress(block: Buffer): Promise<SpdyHeaders> {
    if (block.length === 0) return Promise.resolve({});
    const next = this.chain.then(async () => decodeHeaderBlock(await syncFlush(this.z, block)));
    this.chain = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.z.close();
  }
}
