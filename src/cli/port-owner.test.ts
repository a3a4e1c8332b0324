import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { findPortOwner, listeningInodes } from './port-owner.js';

test('listeningInodes picks LISTEN sockets on the port from /proc/net/tcp text', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1923 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:1923 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1',
    '   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0',
  ].join('\n');
  assert.deepEqual(listeningInodes(text, 0x1923), ['4242']);
  assert.deepEqual(listeningInodes(text, 22), ['4444']);
  assert.deepEqual(listeningInodes(text, 80), []);
});

test('findPortOwner finds this process behind a port it listens on, and nothing on a closed port', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const owner = findPortOwner(port);
    assert.equal(owner?.pid, process.pid);
    assert.match(owner.command, /node/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  assert.equal(findPortOwner(port), undefined);
});
