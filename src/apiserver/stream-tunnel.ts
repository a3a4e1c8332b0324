/**
 * SPDY tunnelled through a WebSocket (kube-apiserver's TunnelingHandler, feature PortForwardWebsockets): a
 * client offering the subprotocol `SPDY/3.1+portforward.k8s.io` (kubectl ≥ 1.31 port-forward) gets a SPDY/3.1
 * upgrade sent on its behalf to the backend (the kubelet); when the backend switches protocols the WebSocket
 * handshake completes with `SPDY/3.1+<the backend's protocol>` and every binary message carries the SPDY
 * connection's bytes, each way; any other backend answer is passed to the client unchanged.
 *
 * Mirrors k8s.io/apiserver `pkg/util/proxy/streamtunnel.go` and client-go `tools/portforward/tunneling_connection.go`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** Prefix of tunnelling subprotocols (apimachinery `portforward.WebsocketsSPDYTunnelingPrefix`). */
export const SPDY_TUNNELING_PREFIX = 'SPDY/3.1+';
/** Suffix every Kubernetes subprotocol has (`portforward.KubernetesSuffix`). */
const KUBERNETES_SUFFIX = '.k8s.io';
/** Largest backend response head read before giving up, bytes (streamtunnel's maxHeaderBytes). */
const MAX_HEAD_BYTES = 1 << 20;
/** Backend bytes queued towards a slow WebSocket client before the backend is paused. */
const HIGH_WATER = 1 << 20;

/** The client's `Sec-WebSocket-Protocol` offers, in order. */
function offeredProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The SPDY protocols a WebSocket request asks to tunnel (`spdyProtocolsFromWebsocketProtocols`): its offers of
 * the form `SPDY/3.1+<name>.k8s.io`, prefix removed, in the client's order; empty when it asks for none.
 */
export function tunnelingSpdyProtocols(req: IncomingMessage): string[] {
  return offeredProtocols(req)
    .filter((p) => p.startsWith(SPDY_TUNNELING_PREFIX) && p.endsWith(KUBERNETES_SUFFIX))
    .map((p) => p.slice(SPDY_TUNNELING_PREFIX.length));
}

/** Headers of the client's request not sent upstream: WebSocket handshake, upgrade and credentials. */
const DROPPED = new Set([
  'host',
  'authorization',
  'content-length',
  'upgrade',
  'sec-websocket-protocol',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'x-stream-protocol-version',
]);

/**
 * The SPDY upgrade request that replaces the WebSocket one (`createSPDYRequest`): `POST path`, the client's
 * other headers, `Upgrade: SPDY/3.1` and one `X-Stream-Protocol-Version` per tunnelled protocol.
 */
export function spdyRequestHead(req: IncomingMessage, path: string, host: string, spdyProtocols: string[]): string {
  const lines = [`POST ${path} HTTP/1.1`, `Host: ${host}`];
  let connection = false;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) continue;
    if (lower === 'connection') connection = true;
    lines.push(`${name}: ${req.rawHeaders[i + 1] ?? ''}`);
  }
  if (!connection) lines.push('Connection: Upgrade');
  lines.push('Upgrade: SPDY/3.1');
  for (const p of spdyProtocols) lines.push(`X-Stream-Protocol-Version: ${p}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

/** A parsed HTTP response head and the bytes that followed it. */
export interface ResponseHead {
  /** The head's raw bytes, terminator included. */
  raw: Buffer;
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Bytes read after the head. */
  rest: Buffer;
}

/**
 * Parses a response head from `buf` once it holds one (ended by CRLF CRLF, or LF LF as Go tolerates); undefined
 * while incomplete. Throws on a malformed status line.
 */
export function parseResponseHead(buf: Buffer): ResponseHead | undefined {
  const crlf = buf.indexOf('\n\r\n');
  const lflf = buf.indexOf('\n\n');
  const [at, len] = crlf !== -1 && (lflf === -1 || crlf < lflf) ? [crlf, 3] : lflf !== -1 ? [lflf, 2] : [-1, 0];
  if (at === -1) return undefined;
  const raw = buf.subarray(0, at + len);
  const lines = raw.toString('latin1').split(/\r?\n/);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) throw new Error(`malformed HTTP response: ${JSON.stringify((lines[0] ?? '').slice(0, 100))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = headers[k] !== undefined ? `${headers[k]}, ${v}` : v;
  }
  return { raw: Buffer.from(raw), status: Number(m[1]), headers, rest: Buffer.from(buf.subarray(at + len)) };
}

/** Reads `socket` until a whole response head arrived; rejects when it closes first or the head passes 1 MiB. */
function readResponseHead(socket: Duplex): Promise<ResponseHead> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (err: Error | undefined, head?: ResponseHead): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onEnd);
      socket.pause();
      if (err) reject(err);
      else resolve(head!);
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const head = parseResponseHead(buf);
        if (head) return done(undefined, head);
      } catch (err) {
        return done(err as Error);
      }
      if (buf.length > MAX_HEAD_BYTES) done(new Error('header size limit exceeded'));
    };
    const onEnd = (err?: Error): void => done(err instanceof Error ? err : new Error('connection closed before a response'));
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onEnd);
  });
}

/**
 * Tunnels a WebSocket client's SPDY session to `backend` (already connected): sends the SPDY upgrade for
 * `path`, then on 101 completes the WebSocket handshake and relays bytes both ways with backpressure
 * (a client's normal close ends the backend's writable side; the backend's end closes the WebSocket with
 * 1000, which the client reads as EOF). A non-101 answer is replayed to the client and the rest of the
 * backend's response follows it byte for byte. Resolves when the relay (or the replay) has begun; rejects
 * when the backend closes or answers garbage before a response head (the caller answers the client then).
 */
export async function tunnelSpdyOverWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, backend: Duplex, path: string, host: string, spdyProtocols: string[]): Promise<void> {
  backend.write(spdyRequestHead(req, path, host, spdyProtocols));
  const res = await readResponseHead(backend);
  const upgraded = res.status === 101 && /\bupgrade\b/i.test(res.headers['connection'] ?? '') && /spdy\/3\.1/i.test(res.headers['upgrade'] ?? '');
  if (!upgraded) {
    if (res.status === 101) {
      backend.destroy();
      const msg = 'unable to upgrade: missing upgrade headers in response';
      socket.end(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${msg.length + 1}\r\nConnection: close\r\n\r\n${msg}\n`);
      return;
    }
    socket.write(res.raw);
    if (res.rest.length) socket.write(res.rest);
    backend.on('error', () => socket.destroy());
    socket.on('error', () => backend.destroy());
    socket.on('close', () => backend.destroy());
    backend.on('end', () => socket.end());
    backend.pipe(socket, { end: false });
    backend.resume();
    return;
  }
  const chosen = (res.headers['x-stream-protocol-version'] ?? '').trim();
  const answer = chosen ? SPDY_TUNNELING_PREFIX + chosen : '';
  // As gorilla's Upgrader with Subprotocols [answer]: the subprotocol is named only when the client offered it.
  const protocol = answer && offeredProtocols(req).includes(answer) ? answer : false;
  // ws refuses `/` and `+` in Sec-WebSocket-Protocol (RFC 6455 asks for tokens; gorilla accepts them), so the
  // handshake is completed on a stand-in offer and answers with the real subprotocol.
  req.headers['sec-websocket-protocol'] = 'tunnel.k8s.io';
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => protocol });
  await new Promise<void>((resolve) => {
    socket.once('close', () => {
      backend.destroy();
      resolve();
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      relay(ws, socket, backend, res.rest);
      resolve();
    });
  });
}

/** Copies backend bytes into binary messages and binary messages into the backend, each way with backpressure. */
function relay(ws: WebSocket, socket: Duplex, backend: Duplex, first: Buffer): void {
  let queued = 0;
  const send = (chunk: Buffer): void => {
    queued += chunk.length;
    ws.send(chunk, { binary: true }, () => {
      queued -= chunk.length;
      if (queued < HIGH_WATER && backend.isPaused()) backend.resume();
    });
    if (queued >= HIGH_WATER) backend.pause();
  };
  if (first.length) send(first);
  backend.on('data', (chunk: Buffer) => {
    if (ws.readyState === ws.OPEN) send(chunk);
  });
  backend.on('end', () => {
    if (ws.readyState === ws.OPEN) ws.close(1000);
  });
  backend.on('close', () => {
    if (ws.readyState === ws.OPEN) ws.close(1000);
    setTimeout(() => ws.terminate(), 5_000).unref();
  });
  backend.on('error', () => ws.terminate());
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      // The tunnelling connection accepts binary messages only ("invalid message type received").
      ws.close(1003, 'invalid message type received');
      backend.destroy();
      return;
    }
    if (!backend.write(data)) {
      ws.pause();
      backend.once('drain', () => ws.resume());
    }
  });
  ws.on('close', () => {
    if (!backend.writableEnded) backend.end();
    setTimeout(() => backend.destroy(), 5_000).unref();
  });
  ws.on('error', () => backend.destroy());
  socket.on('error', () => backend.destroy());
  backend.resume();
}
