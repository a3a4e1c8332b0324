// Tests of SPDY tunnelled through WebSockets: subprotocol filtering, the SPDY request, response heads, and a whole tunnel to a SPDY port-forward backend.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { startFakePortForwardServer, type FakePortForwardServer } from '../kubelet/testing/fake-port-forward-server.js';
import { SpdySession } from '../kubelet/server/spdy/session.js';
import { parseResponseHead, spdyRequestHead, tunnelingSpdyProtocols, tunnelSpdyOverWebSocket } from './stream-tunnel.js';

function fakeRequest(rawHeaders: string[]): http.IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] = rawHeaders[i + 1]!;
  return { rawHeaders, headers, method: 'GET' } as unknown as http.IncomingMessage;
}

describe('stream tunnel helpers', () => {
  it('tunnels only SPDY/3.1+<name>.k8s.io offers, prefix removed, in the client order', () => {
    const req = fakeRequest(['Sec-WebSocket-Protocol', 'v4.channel.k8s.io, SPDY/3.1+portforward.k8s.io,SPDY/3.1+other, SPDY/3.1+v2.portforward.k8s.io']);
    assert.deepEqual(tunnelingSpdyProtocols(req), ['portforward.k8s.io', 'v2.portforward.k8s.io']);
    assert.deepEqual(tunnelingSpdyProtocols(fakeRequest(['Sec-WebSocket-Protocol', 'v4.channel.k8s.io'])), []);
  });

  it('turns the WebSocket request into a SPDY upgrade POST with one protocol header each', () => {
    const req = fakeRequest([
      'Host', 'api:6443',
      'Authorization', 'Bearer secret',
      'Connection', 'Upgrade',
      'Upgrade', 'websocket',
      'Sec-WebSocket-Key', 'k',
      'Sec-WebSocket-Version', '13',
      'Sec-WebSocket-Protocol', 'SPDY/3.1+portforward.k8s.io',
      'User-Agent', 'kubectl/v1.32.4',
    ]);
    assert.equal(
      spdyRequestHead(req, '/portForward/ns/web', '127.0.0.1:10250', ['portforward.k8s.io']),
      'POST /portForward/ns/web HTTP/1.1\r\nHost: 127.0.0.1:10250\r\nConnection: Upgrade\r\nUser-Agent: kubectl/v1.32.4\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n',
    );
  });

  it('parses response heads ended by CRLF CRLF or LF LF and keeps the bytes after them', () => {
    assert.equal(parseResponseHead(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\n')), undefined);
    const h = parseResponseHead(Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nX-A: 1\r\nx-a: 2\r\n\r\n'), Buffer.from([0x80, 0x03])]));
    assert.deepEqual([h?.status, h?.headers, [...(h?.rest ?? [])]], [101, { upgrade: 'SPDY/3.1', 'x-a': '1, 2' }, [0x80, 0x03]]);
    assert.equal(parseResponseHead(Buffer.from('HTTP/1.1 404 Not Found\nContent-Length: 3\n\nabc'))?.rest.toString(), 'abc');
    assert.throws(() => parseResponseHead(Buffer.from('SSH-2.0\r\n\r\n')), /malformed HTTP response/);
  });
});

/** A WebSocket client's byte stream as kubectl's TunnelingConnection sees it: each write one masked binary message. */
class TunnelClient extends Duplex {
  private buf = Buffer.alloc(0);
  constructor(private readonly socket: Socket) {
    super();
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('close', () => this.push(null));
  }
  private onData(c: Buffer): void {
    this.buf = Buffer.concat([this.buf, c]);
    for (;;) {
      if (this.buf.length < 2) return;
      const op = this.buf[0]! & 0x0f;
      let len = this.buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      if (this.buf.length < off + len) return;
      const payload = this.buf.subarray(off, off + len);
      this.buf = this.buf.subarray(off + len);
      if (op === 2) this.push(Buffer.from(payload));
      else if (op === 8) this.emit('wsclose', payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
    }
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    const mask = randomBytes(4);
    const len = chunk.length;
    const head = len < 126 ? Buffer.from([0x82, 0x80 | len]) : len < 65536 ? Buffer.from([0x82, 0x80 | 126, len >> 8, len & 0xff]) : Buffer.concat([Buffer.from([0x82, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
    const body = Buffer.from(chunk);
    for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
    this.socket.write(Buffer.concat([head, mask, body]), () => cb());
  }
}

describe('tunnelSpdyOverWebSocket', () => {
  let backend: FakePortForwardServer;
  let front: http.Server;
  let app: http.Server;
  let appPort: number;

  before(async () => {
    app = http.createServer((req, res) => res.end(`through the tunnel: ${req.url ?? ''}`));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appPort = (app.address() as AddressInfo).port;
    backend = await startFakePortForwardServer('127.0.0.1');
    const backendPort = Number(new URL(backend.url).port);
    front = http.createServer();
    front.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
      const path = req.url === '/refused' ? '/refused' : '/portforward/sb1';
      const upstream = connect({ host: '127.0.0.1', port: path === '/refused' ? appPort : backendPort });
      upstream.once('connect', () => void tunnelSpdyOverWebSocket(req, socket, head, upstream, path, `127.0.0.1:${backendPort}`, tunnelingSpdyProtocols(req)));
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  });

  after(async () => {
    front.close();
    await backend.close();
    app.close();
  });

  /** Sends a WebSocket handshake offering `protocol`; resolves with the raw answer head and the socket. */
  function handshake(path: string, protocol: string): Promise<{ head: string; socket: Socket; key: string; rest: Buffer }> {
    const key = randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: (front.address() as AddressInfo).port });
      let buf = Buffer.alloc(0);
      const onData = (c: Buffer): void => {
        buf = Buffer.concat([buf, c]);
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        resolve({ head: buf.subarray(0, end).toString(), socket, key, rest: buf.subarray(end + 4) });
      };
      socket.on('data', onData);
      socket.on('error', reject);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
    });
  }

  it('completes the handshake with SPDY/3.1+portforward.k8s.io once the backend upgraded, and carries a SPDY session', async () => {
    const { head, socket, key, rest } = await handshake('/pf', 'SPDY/3.1+portforward.k8s.io');
    const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(head, new RegExp(`\\r\\nSec-WebSocket-Accept: ${accept.replace(/[+/]/g, '\\$&')}(\\r\\n|$)`));
    assert.match(head, /\r\nSec-WebSocket-Protocol: SPDY\/3\.1\+portforward\.k8s\.io(\r\n|$)/);
    const seen = backend.requests.at(-1);
    assert.deepEqual([seen?.method, seen?.path, seen?.headers['upgrade'], seen?.headers['x-stream-protocol-version'], seen?.headers['sec-websocket-key']], ['POST', '/portforward/sb1', 'SPDY/3.1', 'portforward.k8s.io', undefined]);
    const tunnel = new TunnelClient(socket);
    if (rest.length) socket.emit('data', rest);
    const session = new SpdySession(tunnel, { isServer: false });
    const results = await Promise.all(
      [1, 2, 3].map(async (n) => {
        session.openStream({ streamtype: ['error'], port: [String(appPort)], requestid: [String(n)] });
        const data = session.openStream({ streamtype: ['data'], port: [String(appPort)], requestid: [String(n)] });
        data.write(`GET /conn-${n} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        let got = '';
        for await (const c of data) got += (c as Buffer).toString();
        return got.slice(got.indexOf('\r\n\r\n') + 4);
      }),
    );
    assert.deepEqual(results, ['through the tunnel: /conn-1', 'through the tunnel: /conn-2', 'through the tunnel: /conn-3']);
    socket.destroy();
  });

  it("replays a backend's refusal to the client unchanged", async () => {
    // The "backend" here is a plain HTTP server: it answers the SPDY POST with 200 and a body, no upgrade.
    const { head, socket, rest } = await handshake('/refused', 'SPDY/3.1+portforward.k8s.io');
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    let body = rest.toString();
    await new Promise<void>((resolve) => {
      socket.on('data', (c: Buffer) => {
        body += c.toString();
        if (body.includes('through the tunnel')) resolve();
      });
      if (body.includes('through the tunnel')) resolve();
    });
    assert.equal(body, 'through the tunnel: /refused');
    socket.destroy();
  });
});
