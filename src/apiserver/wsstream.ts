/**
 * Serves one byte stream (a container log) over a WebSocket as k8s.io/apiserver `pkg/util/wsstream` Reader does:
 * subprotocol `binary.k8s.io` (or none) sends the raw bytes as binary messages, `base64.binary.k8s.io` sends
 * them base64-encoded as text messages; no channel byte; messages from the client are ignored.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable, Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** The subprotocols of a one-stream reader and whether each sends binary (else base64 text) messages (`NewDefaultReaderProtocols`). */
export const READER_PROTOCOLS: ReadonlyMap<string, { binary: boolean }> = new Map([
  ['', { binary: true }],
  ['binary.k8s.io', { binary: true }],
  ['base64.binary.k8s.io', { binary: false }],
]);

/** Bytes read per message, as wsstream's `messageCopy` buffer (2048). */
export const MESSAGE_BYTES = 2048;

/**
 * True when the request asks for a WebSocket upgrade (`wsstream.IsWebSocketRequest`): `Upgrade: websocket`
 * (any case) and a `Connection` header listing `upgrade`.
 */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return false;
  return String(req.headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .some((t) => t.trim() === 'upgrade');
}

/**
 * The subprotocol wsstream's `handshake` picks: the first offered one it supports, `''` when none is offered,
 * undefined when none of the offered ones is supported.
 */
export function negotiateReaderProtocol(offered: string | undefined): string | undefined {
  const list = String(offered ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (list.length === 0) return '';
  return list.find((p) => READER_PROTOCOLS.has(p));
}

/**
 * Completes the WebSocket handshake on an upgraded socket and copies `stream` to it: first an empty message
 * (the `ping` wsstream's callers ask for), then one message per read of at most {@link MESSAGE_BYTES}, and a
 * close frame (1000) when the stream ends. A client close or error destroys `stream`. An unsupported
 * subprotocol is answered `403 Forbidden` before any upgrade (x/net/websocket's answer to a failed handshake),
 * and `stream` is destroyed. Resolves when the handshake is done or refused; never rejects.
 */
export function copyToWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, stream: Readable): Promise<void> {
  if (socket.destroyed) {
    stream.destroy();
    return Promise.resolve();
  }
  const protocol = negotiateReaderProtocol(req.headers['sec-websocket-protocol']);
  if (protocol === undefined) {
    stream.destroy();
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return Promise.resolve();
  }
  const binary = READER_PROTOCOLS.get(protocol)?.binary ?? true;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => protocol || false });
  return new Promise<void>((resolve) => {
    // ws answers a malformed handshake itself (400) and never calls back: stop reading then.
    socket.once('close', () => {
      stream.destroy();
      resolve();
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      resolve();
      pump(ws, stream, binary);
    });
  });
}

function pump(ws: WebSocket, stream: Readable, binary: boolean): void {
  const send = (bytes: Buffer, cb?: (err?: Error) => void): void => {
    if (binary) ws.send(bytes, { binary: true }, cb);
    else ws.send(bytes.toString('base64'), { binary: false }, cb);
  };
  let ended = false;
  ws.on('message', () => undefined);
  ws.on('close', () => stream.destroy());
  ws.on('error', () => stream.destroy());
  send(Buffer.alloc(0));
  stream.on('data', (chunk: Buffer) => {
    stream.pause();
    let pending = 0;
    for (let off = 0; off < chunk.length; off += MESSAGE_BYTES) {
      pending++;
      send(chunk.subarray(off, off + MESSAGE_BYTES), (err) => {
        if (err) {
          stream.destroy();
          return;
        }
        if (--pending === 0 && !ended) stream.resume();
      });
    }
  });
  const finish = (): void => {
    if (ended) return;
    ended = true;
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  stream.on('end', finish);
  stream.on('close', finish);
  stream.on('error', () => {
    ended = true;
    ws.terminate();
  });
}
