/**
 * exec and attach over SPDY/3.1 (the transport of kubectl ≤ 1.29 and client-go's remotecommand): the
 * upgrade handshake and waiting for the client's typed streams, which become a {@link RemoteCommandStreams}.
 * Mirrors kubelet `pkg/kubelet/cri/streaming/remotecommand/httpstream.go` and apimachinery `httpstream.Handshake`.
 */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { StatusEncoding } from './remote-command.js';
import { SpdySession, type SpdyStream } from './spdy/session.js';
import type { ExecParams, RemoteCommandStreams } from './stream-session.js';

/** Protocols served over SPDY, most preferred first (remotecommand `SupportedStreamingProtocols`). */
export const SPDY_STREAM_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;
/** How long the client has to open all its streams (kubelet `streamCreationTimeout`), ms. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

/** True for `Upgrade: SPDY/3.1` requests. */
export function isSpdyUpgrade(req: http.IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase().split(',').some((p) => p.trim() === 'spdy/3.1');
}

/**
 * The protocol to answer from the client's `X-Stream-Protocol-Version` headers, in the client's order
 * (httpstream `Handshake`/`negotiateProtocol`). `''` when the client offered none (legacy v1, no header
 * in the answer); undefined when none of its offers is served.
 */
export function negotiateSpdyProtocol(req: http.IncomingMessage): string | undefined {
  const raw = req.headers['x-stream-protocol-version'];
  const offered = (Array.isArray(raw) ? raw : [raw ?? '']).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (offered.length === 0) return '';
  return offered.find((p) => (SPDY_STREAM_PROTOCOLS as readonly string[]).includes(p));
}

/** How the status is written: JSON Status on v4, plain failure text on v1–v3 (httpstream.go `v1WriteStatusFunc`). */
function statusEncodingOf(protocol: string): StatusEncoding {
  return protocol === 'v4.channel.k8s.io' ? 'v4' : 'v1';
}

/** The stream types the client opens for these parameters (httpstream.go `expectedStreams`). */
export function expectedStreamTypes(protocol: string, p: ExecParams): string[] {
  const types = ['error'];
  if (p.stdin) types.push('stdin');
  if (p.stdout) types.push('stdout');
  if (p.stderr && !p.tty) types.push('stderr');
  if (p.tty && (protocol === 'v3.channel.k8s.io' || protocol === 'v4.channel.k8s.io')) types.push('resize');
  return types;
}

/**
 * Answers 101 Switching Protocols on `socket` and waits until the client opened every expected stream
 * (each answered with SYN_REPLY). Rejects when they do not all arrive within 30 s or the client leaves.
 */
export function acceptSpdy(socket: Duplex, head: Buffer, protocol: string, p: ExecParams): Promise<RemoteCommandStreams> {
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1'];
  if (protocol) lines.push(`X-Stream-Protocol-Version: ${protocol}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  if (head.length) socket.unshift(head);
  const session = new SpdySession(socket, { isServer: true });
  const expected = new Set(expectedStreamTypes(protocol, p));
  const got = new Map<string, SpdyStream>();
  const abort = new AbortController();
  session.on('close', () => abort.abort());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`timed out waiting for client to create streams: got ${[...got.keys()].join(', ') || 'none'}`));
    }, STREAM_CREATION_TIMEOUT_MS);
    session.once('close', () => {
      clearTimeout(timer);
      reject(new Error('client went away before creating its streams'));
    });
    session.on('stream', (s: SpdyStream) => {
      void s.reply({}).catch(() => undefined);
      const type = s.headers['streamtype']?.[0] ?? '';
      if (!expected.has(type) || got.has(type)) {
        s.reset();
        return;
      }
      got.set(type, s);
      if (got.size < expected.size) return;
      clearTimeout(timer);
      const writable = [got.get('stdout'), got.get('stderr'), got.get('error')].filter((x): x is SpdyStream => !!x);
      const streams: RemoteCommandStreams = {
        protocol,
        statusEncoding: statusEncodingOf(protocol),
        error: got.get('error')!,
        signal: abort.signal,
        close: async () => {
          await Promise.all(writable.map((w) => new Promise<void>((r) => (w.writableEnded ? r() : w.end(() => r())))));
          await session.close();
        },
      };
      const stdin = got.get('stdin');
      const stdout = got.get('stdout');
      const stderr = got.get('stderr');
      const resize = got.get('resize');
      if (stdin) streams.stdin = stdin;
      if (stdout) streams.stdout = stdout;
      if (stderr) streams.stderr = stderr;
      if (resize) streams.resize = resize;
      resolve(streams);
    });
  });
}
