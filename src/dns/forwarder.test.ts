// createForwarder: resolv.conf nameservers (re-read on change), the ID of the client, and no forwarding loop.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { createForwarder } from './forwarder.js';
import { startStubUpstream, type StubUpstream } from './testing/dns-client.js';

const queryFor = (id: number, name: string): Buffer => dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A' }] });

describe('createForwarder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-forwarder-'));
  const conf = join(dir, 'resolv.conf');
  let upstream: StubUpstream;
  before(async () => {
    upstream = await startStubUpstream({ 'www.example.com': ['192.0.2.10'] });
  });
  after(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays the query and gives the reply back under the client ID', async () => {
    writeFileSync(conf, 'nameserver 127.0.0.1\n');
    const f = createForwarder({ resolvConf: conf, upstreamPort: upstream.port, timeoutMs: 500 });
    const reply = await f.forward(queryFor(4242, 'www.example.com'), 'udp');
    assert.ok(reply);
    const decoded = dnsPacket.decode(reply);
    assert.equal(decoded.id, 4242);
    assert.deepEqual(decoded.answers?.map((a) => (a as { data: unknown }).data), ['192.0.2.10']);
    const looked = await f.lookup('www.example.com', 'A');
    assert.deepEqual(looked?.answers?.map((a) => (a as { data: unknown }).data), ['192.0.2.10']);
  });

  it('re-reads resolv.conf when it changes', async () => {
    writeFileSync(conf, '# no nameserver yet\n');
    const f = createForwarder({ resolvConf: conf, upstreamPort: upstream.port, timeoutMs: 500, recheckMs: 0 });
    assert.equal(await f.forward(queryFor(1, 'www.example.com'), 'udp'), undefined);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(conf, 'nameserver 127.0.0.1\n');
    assert.ok(await f.forward(queryFor(2, 'www.example.com'), 'udp'));
  });

  it('never forwards to its own listen address', async () => {
    writeFileSync(conf, 'nameserver 127.0.0.1\n');
    const before = upstream.seen.length;
    const f = createForwarder({ resolvConf: conf, upstreamPort: upstream.port, self: [{ address: '127.0.0.1', port: upstream.port }], timeoutMs: 500 });
    assert.equal(await f.forward(queryFor(3, 'www.example.com'), 'udp'), undefined);
    const wildcard = createForwarder({ resolvConf: conf, upstreamPort: upstream.port, self: [{ address: '0.0.0.0', port: upstream.port }], timeoutMs: 500 });
    assert.equal(await wildcard.forward(queryFor(4, 'www.example.com'), 'tcp'), undefined);
    assert.equal(upstream.seen.length, before);
  });

  it('gives up when the file is missing', async () => {
    const f = createForwarder({ resolvConf: join(dir, 'absent.conf'), upstreamPort: upstream.port });
    assert.equal(await f.forward(queryFor(5, 'www.example.com'), 'udp'), undefined);
    assert.equal(await f.lookup('www.example.com', 'A'), undefined);
  });
});
