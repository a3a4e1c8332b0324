/**
 * A stand-in for containerd's streaming server in port-forward tests: answers a SPDY/3.1
 * `portforward.k8s.io` upgrade on any path and, for each data/error stream pair (same `requestID`), dials
 * `port` on a host given to it (the "pod") and joins the data stream to that connection; a failed dial is
 * reported on the error stream as containerd words it. A WebSocket upgrade gets the channel protocol
 * (`v4.channel.k8s.io`): channels 2i/2i+1 are data/error of the i-th port of the CRI request (the ports the
 * test passes for that URL), each opened with the port as 2 little-endian bytes. Records each upgrade request.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SpdySession, type SpdyStream } from '../server/spdy/session.js';

/** A running fake streaming server. */
export interface FakePortForwardServer {
  /** `http://127.0.0.1:PORT`: the FakeRuntime's `streamingBaseUrl`. */
  url: string;
  /** Each upgrade request received: method, path and headers. */
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** Joins one forwarded connection: data stream ↔ TCP `host:port`; errors go on the error stream, then both close. */
function forward(host: string, sandboxId: string, port: number, data: SpdyStream, error: SpdyStream): void {
  const conn = connect({ host, port });
  conn.once('connect', () => {
    data.pipe(conn);
    conn.pipe(data);
    conn.on('close', () => error.end());
  });
  conn.once('error', (err) => {
    const msg = `error forwarding port ${port} to pod ${sandboxId}, uid : failed to execute portforward in network namespace "/var/run/netns/fake": failed to connect to localhost:${port} inside namespace "${sandboxId}", IPv4: ${err.message} IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
    error.end(msg);
    data.end();
  });
}

/** Serves one upgraded SPDY session: pairs streams by requestID, as the kubelet's `httpStreamHandler` does. */
function serveSession(socket: Duplex, head: Buffer, host: string, sandboxId: string): void {
  socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
  if (head.length) socket.unshift(head);
  const session = new SpdySession(socket, { isServer: true });
  session.on('close', () => socket.destroy());
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream }>();
  session.on('stream', (s: SpdyStream) => {
    void s.reply({}).catch(() => undefined);
    const type = s.headers['streamtype']?.[0] ?? '';
    const id = s.headers['requestid']?.[0] ?? '';
    const port = Number(s.headers['port']?.[0] ?? '');
    const pair = pairs.get(id) ?? {};
    if (type === 'data') pair.data = s;
    else if (type === 'error') pair.error = s;
    else return s.reset();
    pairs.set(id, pair);
    if (pair.data && pair.error) {
      pairs.delete(id);
      forward(host, sandboxId, port, pair.data, pair.error);
    }
  });
}

/** Serves one WebSocket port-forward: one connection to `podHost` per port, data on channel 2i, errors on 2i+1. */
function serveWebSocket(ws: WebSocket, host: string, sandboxId: string, ports: number[]): void {
  const conns = ports.map((port, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    ws.send(Buffer.concat([Buffer.from([2 * i]), portBytes]));
    ws.send(Buffer.concat([Buffer.from([2 * i + 1]), portBytes]));
    const conn = connect({ host, port });
    conn.on('data', (c: Buffer) => ws.send(Buffer.concat([Buffer.from([2 * i]), c])));
    conn.on('error', (err) => {
      ws.send(Buffer.concat([Buffer.from([2 * i + 1]), Buffer.from(`error forwarding port ${port} to pod ${sandboxId}, uid : ${err.message}`)]));
    });
    conn.on('close', () => ws.close(1000));
    return conn;
  });
  ws.on('message', (data: Buffer) => {
    const ch = data[0] ?? 255;
    if (ch % 2 === 0) conns[ch / 2]?.write(data.subarray(1));
  });
  ws.on('close', () => conns.forEach((c) => c.destroy()));
}

/**
 * Starts the fake on 127.0.0.1; forwarded connections go to `podHost` (e.g. 127.0.0.1). `portsOf(sandboxId)`
 * gives a WebSocket session's ports (what the CRI PortForward request carried).
 */
export async function startFakePortForwardServer(podHost: string, portsOf: (sandboxId: string) => number[] = () => []): Promise<FakePortForwardServer> {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  const requests: FakePortForwardServer['requests'] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(400);
    res.end('Upgrade request required');
  });
  const sockets = new Set<Duplex>();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const sandboxId = (req.url ?? '').split('/').pop() ?? '';
    if (String(req.headers.upgrade).toLowerCase() === 'websocket') {
      wss.handleUpgrade(req, socket, head, (ws) => serveWebSocket(ws, podHost, sandboxId, portsOf(sandboxId)));
      return;
    }
    serveSession(socket, head, podHost, sandboxId);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
