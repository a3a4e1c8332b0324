// Tests of SPDY/3.1 framing, header compression and sessions (round trips, shared zlib context, flow control).

import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { encodeFrame, FrameReader, type SpdyFrame } from './frames.js';
import { decodeHeaderBlock, encodeHeaderBlock, HeaderCompressor, HeaderDecompressor } from './header-compression.js';
import { SpdySession, type SpdyStream } from './session.js';

test('the SPDY/3 dictionary is the 1423 bytes of the spec, from "options" to "enq=0."', () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
  assert.equal(SPDY3_DICTIONARY.subarray(-6).toString('latin1'), 'enq=0.');
});

test('every frame type survives encode and decode, also when the bytes arrive one at a time', () => {
  const frames: SpdyFrame[] = [
    { type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 3, slot: 0, fin: false, unidirectional: true, headerBlock: Buffer.from('hdr') },
    { type: 'syn_reply', streamId: 1, fin: true, headerBlock: Buffer.from('r') },
    { type: 'data', streamId: 1, fin: false, data: Buffer.from('hello') },
    { type: 'data', streamId: 3, fin: true, data: Buffer.alloc(0) },
    { type: 'rst_stream', streamId: 5, status: 5 },
    { type: 'settings', clear: false, entries: [{ flags: 1, id: 7, value: 1 << 20 }] },
    { type: 'ping', id: 2 },
    { type: 'goaway', lastGoodStreamId: 7, status: 0 },
    { type: 'headers', streamId: 9, fin: false, headerBlock: Buffer.from('h') },
    { type: 'window_update', streamId: 0, delta: 4096 },
  ];
  const wire = Buffer.concat(frames.map(encodeFrame));
  assert.deepEqual(new FrameReader().push(wire), frames);
  const reader = new FrameReader();
  const got: SpdyFrame[] = [];
  for (const byte of wire) got.push(...reader.push(Buffer.from([byte])));
  assert.deepEqual(got, frames);
});

test('a control frame is laid out as version 3, type, flags and 24-bit length', () => {
  const b = encodeFrame({ type: 'rst_stream', streamId: 1, status: 3 });
  assert.equal(b.toString('hex'), '80030003' + '00000008' + '00000001' + '00000003');
  const d = encodeFrame({ type: 'data', streamId: 3, fin: true, data: Buffer.from('x') });
  assert.equal(d.toString('hex'), '00000003' + '01000001' + '78');
});

test('header blocks lower-case names and carry several values NUL-separated', () => {
  const block = encodeHeaderBlock({ StreamType: ['stdout'], 'x-multi': ['a', 'b'] });
  assert.deepEqual(decodeHeaderBlock(block), { streamtype: ['stdout'], 'x-multi': ['a', 'b'] });
});

test('header blocks of successive frames share one zlib context preset with the dictionary', async () => {
  const c = new HeaderCompressor();
  const d = new HeaderDecompressor();
  const blocks = await Promise.all([c.compress({ streamtype: ['error'] }), c.compress({ streamtype: ['stdout'] }), c.compress({ streamtype: ['stdout'] })]);
  // The first block names the dictionary (FDICT set); later ones are bare deflate data of the same stream.
  assert.equal((blocks[0]![1]! & 0x20) !== 0, true);
  assert.ok(blocks[2]!.length < blocks[0]!.length, 'a repeated block compresses against the shared history');
  assert.throws(() => zlib.inflateSync(blocks[1]!), 'a later block cannot be inflated on its own');
  assert.deepEqual(await d.decompress(blocks[0]!), { streamtype: ['error'] });
  assert.deepEqual(await d.decompress(blocks[1]!), { streamtype: ['stdout'] });
  assert.deepEqual(await d.decompress(blocks[2]!), { streamtype: ['stdout'] });
  c.close();
  d.close();
});

async function sessionPair(opts: { enforceSendWindow?: boolean } = {}): Promise<{ client: SpdySession; server: SpdySession; done: () => void }> {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  const accepted = once(srv, 'connection');
  const sock = net.connect(port, '127.0.0.1');
  await once(sock, 'connect');
  const [serverSock] = (await accepted) as [net.Socket];
  const client = new SpdySession(sock, { isServer: false, ...opts });
  const server = new SpdySession(serverSock, { isServer: true, ...opts });
  return {
    client,
    server,
    done: () => {
      sock.destroy();
      serverSock.destroy();
      srv.close();
    },
  };
}

async function readAll(s: SpdyStream): Promise<string> {
  // Not `for await`: its iterator destroys the Duplex at the end, and the writable side is still in use.
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  await once(s, 'end');
  return Buffer.concat(chunks).toString();
}

test('a session carries streams both ways with SYN_REPLY, half-close and odd client ids', async () => {
  const { client, server, done } = await sessionPair();
  server.on('stream', (s: SpdyStream) => {
    void s.reply({});
    void readAll(s).then((text) => s.end(`${s.headers['streamtype']?.[0]}:${text.toUpperCase()}`));
  });
  const a = client.openStream({ streamtype: ['stdin'] });
  const b = client.openStream({ streamtype: ['other'] });
  assert.deepEqual(await a.waitReply(), {});
  a.end('hello ');
  b.end('there');
  assert.deepEqual([a.id, b.id], [1, 3]);
  assert.deepEqual(await Promise.all([readAll(a), readAll(b)]), ['stdin:HELLO ', 'other:THERE']);
  assert.equal(typeof (await client.ping()), 'number');
  done();
});

test('a reset stream ends on both sides and the peer sees the status', async () => {
  const { client, server, done } = await sessionPair();
  const reset = new Promise<number>((resolve) => server.on('stream', (s: SpdyStream) => s.on('reset', resolve)));
  const s = client.openStream({ streamtype: ['x'] });
  s.reset(5);
  assert.equal(await reset, 5);
  done();
});

test('a receiver grants window with WINDOW_UPDATE, so a sender honouring windows moves 1 MiB', async () => {
  const { client, server, done } = await sessionPair({ enforceSendWindow: true });
  const big = Buffer.alloc(1024 * 1024, 'z');
  server.on('stream', (s: SpdyStream) => {
    void s.reply({}).then(() => s.end(big));
  });
  const s = client.openStream({ streamtype: ['stdout'] });
  s.end();
  assert.equal((await readAll(s)).length, big.length);
  done();
});

test('a sender honouring windows stops at 64 KiB when the receiver grants nothing', async () => {
  const { client, server, done } = await sessionPair({ enforceSendWindow: true });
  // A raw peer that never reads as a SPDY session: count the bytes the server sends before it stalls.
  const received: Buffer[] = [];
  const s = client.openStream({ streamtype: ['stdout'] });
  server.on('stream', (st: SpdyStream) => {
    void st.reply({});
    st.write(Buffer.alloc(200 * 1024, 'q'));
  });
  (client as unknown as { grant: () => void }).grant = () => undefined;
  s.on('data', (c: Buffer) => received.push(c));
  while (Buffer.concat(received).length < 64 * 1024) await once(s, 'data');
  // The ping's answer is queued after any data the server could still send, so nothing more is on the way.
  await client.ping();
  assert.equal(Buffer.concat(received).length, 64 * 1024);
  done();
});

test('a stream nobody reads stops the session reading its socket, and reading it again resumes', async () => {
  const { client, server, done } = await sessionPair();
  const big = Buffer.alloc(8 * 1024 * 1024, 'r');
  server.on('stream', (s: SpdyStream) => {
    void s.reply({}).then(() => s.end(big));
  });
  const s = client.openStream({ streamtype: ['stdout'] });
  s.end();
  await s.waitReply();
  await new Promise((r) => setTimeout(r, 200));
  // At most its buffer plus the frames read while the reply's headers were inflated (1 MiB), not all 8 MiB.
  assert.ok(s.readableLength < 2 * 1024 * 1024, `held ${s.readableLength} bytes unread`);
  assert.equal((await readAll(s)).length, big.length);
  done();
});

test('a session without flow control sends no WINDOW_UPDATE for what it receives', async () => {
  const { client, server, done } = await sessionPair();
  const sent: string[] = [];
  const send = client.sendFrame.bind(client);
  client.sendFrame = (f: SpdyFrame) => {
    sent.push(f.type);
    return send(f);
  };
  server.on('stream', (s: SpdyStream) => {
    void s.reply({}).then(() => s.end(Buffer.alloc(256 * 1024, 'w')));
  });
  const s = client.openStream({ streamtype: ['stdout'] });
  s.end();
  assert.equal((await readAll(s)).length, 256 * 1024);
  assert.ok(!sent.includes('window_update'), sent.join(' '));
  done();
});
