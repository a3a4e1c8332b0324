// A SPDY/3.1 session over one upgraded connection: streams as Node Duplexes, shared header compression, PING, GOAWAY, flow-control windows.

import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { encodeFrame, FrameReader, RstStatus, SettingId, SpdyProtocolError, type SpdyFrame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from './header-compression.js';

/** Initial per-stream and session window of SPDY/3.1 (§2.6.8), bytes. */
export const DEFAULT_WINDOW = 64 * 1024;
/** Data frames are cut to this size, bytes. */
const MAX_DATA_CHUNK = 32 * 1024;
/**
 * Bytes a stream holds unread before the session stops reading its socket (back-pressure by TCP: spdystream
 * peers ignore SPDY windows). Reading resumes once every such stream's reader asked for more.
 */
const STREAM_READ_BUFFER = 256 * 1024;
/** Bytes of DATA frames read but not yet handed to their streams (frames wait behind header inflation) before reading stops. */
const PENDING_DATA_LIMIT = 1024 * 1024;

/** A SYN_STREAM, SYN_REPLY or HEADERS frame without its (not yet compressed) header block. */
type HeaderFrameFields = Extract<SpdyFrame, { headerBlock: Buffer }> extends infer F ? (F extends unknown ? Omit<F, 'headerBlock'> : never) : never;

/** Options of {@link SpdySession}. */
export interface SpdySessionOptions {
  /** Server sessions open even-numbered streams and pings, clients odd-numbered ones (§2.3.2). */
  isServer: boolean;
  /**
   * When true, the session does SPDY flow control: data is only sent within the peer's stream and session
   * windows (waiting for WINDOW_UPDATE), and received data is granted back with WINDOW_UPDATE. Off by
   * default: moby/spdystream (client-go, containerd) never sends WINDOW_UPDATE and ignores the frames it
   * receives, so a sender honouring windows would stall after 64 KiB against it; and grants sent to it while
   * it finishes would be bytes it never reads before closing, so its close would reset the connection and
   * the end of its output, still unread here, would be lost.
   */
  enforceSendWindow?: boolean;
}

/**
 * One SPDY stream. Readable side: the peer's DATA frames, ending at its FIN. Writable side: DATA frames,
 * `end()` sends the FIN (half-close). `headers` are the SYN_STREAM headers (the peer's for streams it
 * opened, ours otherwise). Emits `reply` (SpdyHeaders) on SYN_REPLY, `reset` (status code) on RST_STREAM;
 * write errors after a reset are swallowed (a reset stream is simply gone, as in spdystream).
 */
export class SpdyStream extends Duplex {
  /** SYN_REPLY headers once received (streams we opened). */
  replyHeaders: SpdyHeaders | undefined;
  /** Bytes the peer may still send us before we must grant more. */
  recvUnacked = 0;
  /** Bytes we may still send on this stream (peer's window). */
  sendWindow: number;
  localFin = false;
  remoteFin = false;
  private readonly replyWaiters: ((h: SpdyHeaders) => void)[] = [];

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: SpdyHeaders,
    sendWindow: number,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: STREAM_READ_BUFFER });
    this.sendWindow = sendWindow;
    this.on('error', () => undefined);
  }

  /** Answers a peer-opened stream with SYN_REPLY (required before the peer's spdystream accepts our data). */
  reply(headers: SpdyHeaders = {}, fin = false): Promise<void> {
    if (fin) this.localFin = true;
    return this.session.sendHeaders({ type: 'syn_reply', streamId: this.id, fin }, headers);
  }

  /** Resolves with the SYN_REPLY headers of a stream we opened. */
  waitReply(): Promise<SpdyHeaders> {
    if (this.replyHeaders) return Promise.resolve(this.replyHeaders);
    return new Promise((resolve) => this.replyWaiters.push(resolve));
  }

  /** Aborts the stream with RST_STREAM `status` (default CANCEL). */
  reset(status: number = RstStatus.cancel): void {
    this.session.sendFrame({ type: 'rst_stream', streamId: this.id, status }).catch(() => undefined);
    this.session.forget(this.id);
    this.destroy();
  }

  /** @internal */
  onReply(h: SpdyHeaders): void {
    this.replyHeaders = h;
    for (const w of this.replyWaiters.splice(0)) w(h);
    this.emit('reply', h);
  }

  /** @internal the peer's FIN: ends the readable side. */
  onRemoteFin(): void {
    if (this.remoteFin) return;
    this.remoteFin = true;
    this.push(null);
    if (this.localFin) this.session.forget(this.id);
  }

  override _read(): void {
    this.session.resumeReading(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.session.sendData(this, chunk, false).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.localFin = true;
    this.session.sendData(this, Buffer.alloc(0), true).then(
      () => {
        if (this.remoteFin) this.session.forget(this.id);
        cb();
      },
      cb,
    );
  }
}

/**
 * A SPDY/3.1 session on `socket` (after the HTTP 101). Emits `stream` (SpdyStream) for each SYN_STREAM of
 * the peer — answer it with `stream.reply()` —, `goaway` when the peer sends GOAWAY, `close` once the
 * socket is gone. A malformed frame ends the session with GOAWAY PROTOCOL_ERROR. Frames leave in the
 * order they were queued, so header blocks are compressed in wire order.
 */
export class SpdySession extends EventEmitter {
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private out: Promise<void> = Promise.resolve();
  private inbound: Promise<void> = Promise.resolve();
  private nextStreamId: number;
  private nextPingId: number;
  private lastPeerStreamId = 0;
  private readonly pings = new Map<number, () => void>();
  private initialSendWindow = DEFAULT_WINDOW;
  private sessionSendWindow = DEFAULT_WINDOW;
  private sessionRecvUnacked = 0;
  private windowWaiters: (() => void)[] = [];
  /** Streams whose readers hold a full buffer. */
  private readonly fullStreams = new Set<SpdyStream>();
  private pendingDataBytes = 0;
  private closed = false;
  /** True once the peer sent GOAWAY. */
  goneAway = false;

  constructor(
    private readonly socket: Duplex,
    private readonly opts: SpdySessionOptions,
  ) {
    super();
    this.nextStreamId = opts.isServer ? 2 : 1;
    this.nextPingId = opts.isServer ? 2 : 1;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.teardown());
    socket.on('end', () => this.teardown());
    socket.on('error', () => this.teardown());
  }

  /** Opens a stream with SYN_STREAM carrying `headers`; `fin` half-closes it at once. */
  openStream(headers: SpdyHeaders, opts: { fin?: boolean; priority?: number } = {}): SpdyStream {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const s = new SpdyStream(this, id, headers, this.initialSendWindow);
    if (opts.fin) s.localFin = true;
    this.streams.set(id, s);
    this.sendHeaders({ type: 'syn_stream', streamId: id, associatedTo: 0, priority: opts.priority ?? 0, slot: 0, fin: opts.fin ?? false, unidirectional: false }, headers).catch(() => undefined);
    return s;
  }

  /** Sends a PING and resolves with the round trip in milliseconds. */
  ping(): Promise<number> {
    const id = this.nextPingId;
    this.nextPingId += 2;
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      this.pings.set(id, () => resolve(performance.now() - t0));
      this.sendFrame({ type: 'ping', id }).catch(reject);
    });
  }

  /** Sends GOAWAY (status 0 = OK) naming the last stream the peer opened; no new peer streams are accepted. */
  goAway(status = 0): Promise<void> {
    return this.sendFrame({ type: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status });
  }

  /** GOAWAY, then ends the connection once every queued frame is written. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.goAway().catch(() => undefined);
    await this.out;
    this.socket.end();
  }

  /** Ends the connection at once. */
  destroy(): void {
    this.socket.destroy();
    this.teardown();
  }

  /** @internal queues one frame; resolves once it reached the socket. */
  sendFrame(f: SpdyFrame): Promise<void> {
    return this.enqueue(() => encodeFrame(f));
  }

  /** @internal queues a frame with a header block, compressed when its turn comes. */
  sendHeaders(f: HeaderFrameFields, h: SpdyHeaders): Promise<void> {
    return this.enqueue(async () => encodeFrame({ ...f, headerBlock: await this.compressor.compress(h) } as SpdyFrame));
  }

  /** @internal sends `data` on `s` in frames of at most 32 KiB, the last one carrying `fin`. */
  async sendData(s: SpdyStream, data: Buffer, fin: boolean): Promise<void> {
    let off = 0;
    do {
      let n = Math.min(MAX_DATA_CHUNK, data.length - off);
      if (this.opts.enforceSendWindow && n > 0) {
        while (Math.min(s.sendWindow, this.sessionSendWindow) <= 0) {
          if (this.closed || s.destroyed) throw new Error('spdy stream closed');
          await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
        }
        n = Math.min(n, s.sendWindow, this.sessionSendWindow);
      }
      s.sendWindow -= n;
      this.sessionSendWindow -= n;
      const chunk = data.subarray(off, off + n);
      off += n;
      const last = off >= data.length;
      await this.sendFrame({ type: 'data', streamId: s.id, fin: fin && last, data: chunk });
    } while (off < data.length);
  }

  /** @internal a stream's reader wants more: read the socket again unless another stream or the frame queue is full. */
  resumeReading(s: SpdyStream): void {
    this.fullStreams.delete(s);
    this.updateReading();
  }

  /** @internal drops a fully closed (or reset) stream. */
  forget(id: number): void {
    const s = this.streams.get(id);
    if (s) this.fullStreams.delete(s);
    this.streams.delete(id);
    this.updateReading();
  }

  /** Reads the socket only while no stream's buffer is full and the queue of unhandled DATA is short. */
  private updateReading(): void {
    if (this.closed) return;
    const stop = this.fullStreams.size > 0 || this.pendingDataBytes > PENDING_DATA_LIMIT;
    if (stop && !this.socket.isPaused()) this.socket.pause();
    else if (!stop && this.socket.isPaused()) this.socket.resume();
  }

  private enqueue(build: () => Buffer | Promise<Buffer>): Promise<void> {
    const next = this.out.then(async () => {
      if (this.closed) throw new Error('spdy session closed');
      const buf = await build();
      await new Promise<void>((resolve, reject) => this.socket.write(buf, (err) => (err ? reject(err) : resolve())));
    });
    this.out = next.catch(() => undefined);
    return next;
  }

  private onData(chunk: Buffer): void {
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.protocolError(err);
      return;
    }
    for (const f of frames) {
      if (f.type === 'data') this.pendingDataBytes += f.data.length;
      this.inbound = this.inbound.then(() => this.handle(f)).catch((err: unknown) => this.protocolError(err));
    }
    this.updateReading();
  }

  private protocolError(err: unknown): void {
    if (this.closed) return;
    this.emit('protocolError', err instanceof SpdyProtocolError ? err : new SpdyProtocolError(String(err)));
    this.goAway(RstStatus.protocolError)
      .catch(() => undefined)
      .finally(() => this.destroy());
  }

  private isPeerId(id: number): boolean {
    return id % 2 === (this.opts.isServer ? 1 : 0);
  }

  private async handle(f: SpdyFrame): Promise<void> {
    switch (f.type) {
      case 'syn_stream': {
        const headers = await this.decompressor.decompress(f.headerBlock);
        if (!this.isPeerId(f.streamId) || f.streamId <= this.lastPeerStreamId) {
          await this.sendFrame({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.protocolError });
          return;
        }
        this.lastPeerStreamId = f.streamId;
        const s = new SpdyStream(this, f.streamId, headers, this.initialSendWindow);
        if (f.unidirectional) s.localFin = true;
        this.streams.set(f.streamId, s);
        this.emit('stream', s);
        if (f.fin) s.onRemoteFin();
        return;
      }
      case 'syn_reply': {
        const headers = await this.decompressor.decompress(f.headerBlock);
        const s = this.streams.get(f.streamId);
        s?.onReply(headers);
        if (f.fin) s?.onRemoteFin();
        return;
      }
      case 'headers': {
        const headers = await this.decompressor.decompress(f.headerBlock);
        const s = this.streams.get(f.streamId);
        s?.emit('headers', headers);
        if (f.fin) s?.onRemoteFin();
        return;
      }
      case 'data': {
        this.pendingDataBytes -= f.data.length;
        const s = this.streams.get(f.streamId);
        if (!s || s.remoteFin) {
          this.updateReading();
          return;
        }
        if (f.data.length) {
          if (!s.push(f.data)) this.fullStreams.add(s);
          if (this.opts.enforceSendWindow) this.grant(s, f.data.length);
        }
        if (f.fin) s.onRemoteFin();
        this.updateReading();
        return;
      }
      case 'rst_stream': {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        this.forget(f.streamId);
        s.emit('reset', f.status);
        s.onRemoteFin();
        s.destroy();
        return;
      }
      case 'settings':
        for (const e of f.entries) {
          if (e.id !== SettingId.initialWindowSize) continue;
          const delta = e.value - this.initialSendWindow;
          this.initialSendWindow = e.value;
          for (const s of this.streams.values()) s.sendWindow += delta;
          this.wakeWindowWaiters();
        }
        return;
      case 'ping':
        if (this.isPeerId(f.id)) await this.sendFrame(f);
        else {
          this.pings.get(f.id)?.();
          this.pings.delete(f.id);
        }
        return;
      case 'goaway':
        this.goneAway = true;
        this.emit('goaway', f.status);
        return;
      case 'window_update': {
        if (f.streamId === 0) this.sessionSendWindow += f.delta;
        else {
          const s = this.streams.get(f.streamId);
          if (s) s.sendWindow += f.delta;
        }
        this.wakeWindowWaiters();
        return;
      }
      case 'unknown':
        return;
    }
  }

  /** Acknowledges received bytes with WINDOW_UPDATE once half a window is outstanding (stream and session). */
  private grant(s: SpdyStream, n: number): void {
    s.recvUnacked += n;
    this.sessionRecvUnacked += n;
    if (s.recvUnacked >= DEFAULT_WINDOW / 2 && !s.remoteFin) {
      this.sendFrame({ type: 'window_update', streamId: s.id, delta: s.recvUnacked }).catch(() => undefined);
      s.recvUnacked = 0;
    }
    if (this.sessionRecvUnacked >= DEFAULT_WINDOW / 2) {
      this.sendFrame({ type: 'window_update', streamId: 0, delta: this.sessionRecvUnacked }).catch(() => undefined);
      this.sessionRecvUnacked = 0;
    }
  }

  private wakeWindowWaiters(): void {
    for (const w of this.windowWaiters.splice(0)) w();
  }

  /** The socket is gone: no more writes; streams end once the frames already received are handled. */
  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeWindowWaiters();
    void this.inbound.then(() => {
      for (const s of [...this.streams.values()]) s.onRemoteFin();
      this.streams.clear();
      this.compressor.close();
      this.decompressor.close();
      this.emit('close');
    });
  }
}
