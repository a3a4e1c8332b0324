/**
 * exec and attach over SPDY/3.1 (the transport of kubectl ≤ 1.29 and client-go's remotecommand): the
 * upgrade handshake, waiting for the client's typed streams, and the relay of interactive sessions to the
 * runtime's streaming server over a SPDY connection of our own. Mirrors kubelet
 * `pkg/kubelet/cri/streaming/remotecommand/httpstream.go` and apimachinery `httpstream.Handshake`.
 */
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { RemoteCommandProtocol } from './remote-command.js';
import { SpdySession, type SpdyStream } from './spdy/session.js';
import type { RemoteCommandStreams } from './stream-session.js';
import type { ExecParams } from './exec.js';

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

/** How the status is written: JSON Status on v4, plain failure text on v1–v3. */
function statusProtocolOf(protocol: string): RemoteCommandProtocol {
  return protocol === 'v4.channel.k8s.io' ? 'v4.channel.k8s.io' : 'channel.k8s.io';
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
        statusProtocol: statusProtocolOf(protocol),
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

/** Opens a SPDY connection to the runtime's streaming `url` (POST + upgrade, as client-go's SPDY executor does). */
function dialSpdy(url: string, protocol: string): Promise<SpdySession> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1' };
    if (protocol) headers['X-Stream-Protocol-Version'] = protocol;
    const req = http.request(url, { method: 'POST', headers });
    req.on('upgrade', (res, socket, head) => {
      const got = String(res.headers['x-stream-protocol-version'] ?? '');
      if (protocol && got !== protocol) {
        socket.destroy();
        reject(new Error(`runtime streaming server chose protocol "${got}", want "${protocol}"`));
        return;
      }
      if (head.length) socket.unshift(head);
      const session = new SpdySession(socket, { isServer: false });
      resolve(session);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(new Error(`runtime streaming server answered ${res.statusCode ?? 0}: ${Buffer.concat(chunks).toString().trim()}`)));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Relays an interactive session to the runtime's streaming server (containerd's, which speaks the same
 * protocols over SPDY): one upstream stream per client stream, in kubectl's order (error, stdin, stdout,
 * stderr, resize). Bytes pass unchanged; the client's stdin half-close becomes a FIN upstream, which
 * closes the process's stdin; the exit status comes from the runtime. Rejects when the dial fails.
 */
export async function relaySpdy(s: RemoteCommandStreams, streamUrl: Promise<string>): Promise<void> {
  const up = await dialSpdy(await streamUrl, s.protocol);
  s.signal.addEventListener('abort', () => up.destroy());
  const open = (type: string): SpdyStream => up.openStream({ streamtype: [type] });
  const upError = open('error');
  const upStdin = s.stdin ? open('stdin') : undefined;
  const upStdout = s.stdout ? open('stdout') : undefined;
  const upStderr = s.stderr ? open('stderr') : undefined;
  const upResize = s.resize ? open('resize') : undefined;
  await Promise.all([upError, upStdin, upStdout, upStderr, upResize].filter((x): x is SpdyStream => !!x).map((x) => x.waitReply()));
  if (upStdin) s.stdin?.pipe(upStdin);
  if (upResize) s.resize?.pipe(upResize);
  const drained: Promise<void>[] = [];
  const forward = (from: SpdyStream | undefined, to: NodeJS.WritableStream | undefined): void => {
    if (!from || !to) return;
    drained.push(
      new Promise<void>((resolve) => {
        from.on('data', (c: Buffer) => to.write(c));
        from.on('end', () => resolve());
        from.on('close', () => resolve());
      }),
    );
  };
  forward(upStdout, s.stdout);
  forward(upStderr, s.stderr);
  forward(upError, s.error);
  // When the runtime's connection closes first, let the data its streams already hold (the exit status on
  // the error stream) be delivered before the client's streams are closed: one turn of the event loop.
  const upClosed = new Promise<void>((resolve) => up.once('close', () => setImmediate(resolve)));
  await Promise.race([Promise.all(drained), upClosed]);
  await s.close();
  up.destroy();
}
