// startClusterDns over real UDP and TCP sockets on 127.0.0.1: informer-fed answers, forwarding to a stub
// upstream the test runs itself, truncation and TCP fallback, SERVFAIL cases, and query latency.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import type { KubeList, KubeObject } from '../api/types.js';
import { startClusterDns, type ClusterDns } from './server.js';
import { answerData, exchangeRaw, query, startStubUpstream, type Reply, type StubUpstream } from './testing/dns-client.js';
import { FakeCollections } from './testing/fake-client.js';
import { endpoint, namespace, port, service, slice } from './testing/objects.js';

const NS = '/api/v1/namespaces';
const SVC = '/api/v1/services';
const SLICES = '/apis/discovery.k8s.io/v1/endpointslices';

async function eventually(what: string, fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const many = (n: number, base: string): string[] => Array.from({ length: n }, (_, i) => `${base}.${Math.floor(i / 250)}.${(i % 250) + 1}`);

describe('cluster DNS server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-dns-'));
  const resolvConf = join(dir, 'resolv.conf');
  const api = new FakeCollections();
  let upstream: StubUpstream;
  let dns: ClusterDns;
  let port0 = 0;

  before(async () => {
    upstream = await startStubUpstream({ 'www.example.com': ['192.0.2.10'], 'big.example.com': many(50, '198.51') });
    writeFileSync(resolvConf, '# test upstream\nnameserver 127.0.0.1\nsearch example.com\n');
    for (const ns of ['default', 'kube-system']) api.put(NS, namespace(ns));
    api.put(SVC, service('default', 'web', { clusterIP: '10.43.0.20', ports: [port(80, 'http')] }));
    api.put(SVC, service('default', 'ext', { type: 'ExternalName', externalName: 'www.example.com' }));
    api.put(SVC, service('default', 'crowd', { clusterIP: 'None' }));
    api.put(SLICES, slice('default', 'crowd', many(60, '10.42').map((ip) => endpoint(ip))));
    dns = await startClusterDns({ client: api, listen: ['127.0.0.1'], port: 0, resolvConf, upstreamPort: upstream.port, retryDelayMs: 20 });
    port0 = dns.address.port;
    await dns.synced;
  });
  after(async () => {
    await dns.stop();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on UDP and TCP on one port of 127.0.0.1', () => {
    assert.equal(dns.address.address, '127.0.0.1');
    assert.ok(dns.address.port > 0);
  });

  it('answers a Service A record over UDP and TCP, authoritatively, with the query ID', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const r = await query(port0, 'web.default.svc.cluster.local', 'A', { transport });
      assert.equal(r.rcode, 'NOERROR', transport);
      assert.equal(r.flag_aa, true, transport);
      assert.deepEqual(answerData(r), ['A 10.43.0.20'], transport);
    }
  });

  it('answers NXDOMAIN with the SOA in the authority section', async () => {
    const r = await query(port0, 'nope.default.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NXDOMAIN');
    assert.deepEqual(answerData(r), []);
    assert.deepEqual(answerData(r, 'authorities'), ['SOA ns.dns.cluster.local']);
  });

  it('follows Service and EndpointSlice changes from the watch', async () => {
    api.put(SVC, service('default', 'late', { clusterIP: '10.43.0.30', ports: [port(80)] }));
    await eventually('late A record', async () => answerData(await query(port0, 'late.default.svc.cluster.local', 'A')).join() === 'A 10.43.0.30');
    api.put(SVC, service('default', 'late', { clusterIP: 'None', ports: [port(80)] }));
    api.put(SLICES, slice('default', 'late', [endpoint('10.42.9.1')]));
    await eventually('late headless A record', async () => answerData(await query(port0, 'late.default.svc.cluster.local', 'A')).join() === 'A 10.42.9.1');
    api.remove(SVC, service('default', 'late', {}));
    await eventually('late NXDOMAIN', async () => (await query(port0, 'late.default.svc.cluster.local', 'A')).rcode === 'NXDOMAIN');
  });

  it('forwards names outside the cluster domain to the resolv.conf nameserver, over the client transport', async () => {
    const before = upstream.seen.length;
    const u = await query(port0, 'www.example.com', 'A');
    assert.equal(u.rcode, 'NOERROR');
    assert.deepEqual(answerData(u), ['A 192.0.2.10']);
    const t = await query(port0, 'www.example.com', 'A', { transport: 'tcp' });
    assert.deepEqual(answerData(t), ['A 192.0.2.10']);
    assert.deepEqual(upstream.seen.slice(before), ['udp www.example.com A', 'tcp www.example.com A']);
    const nx = await query(port0, 'missing.example.com', 'A');
    assert.equal(nx.rcode, 'NXDOMAIN');
  });

  it('relays a truncated upstream UDP reply so the client retries over TCP', async () => {
    const u = await query(port0, 'big.example.com', 'A');
    assert.equal(u.flag_tc, true);
    const t = await query(port0, 'big.example.com', 'A', { transport: 'tcp' });
    assert.equal(t.flag_tc, false);
    assert.equal(answerData(t).length, 50);
  });

  it('answers an ExternalName Service with its CNAME and the target resolved upstream', async () => {
    const r = await query(port0, 'ext.default.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(answerData(r), ['A 192.0.2.10', 'CNAME www.example.com']);
  });

  it('truncates a large UDP answer to the client buffer and gives all of it over TCP or with EDNS', async () => {
    const plain = await query(port0, 'crowd.default.svc.cluster.local', 'A');
    assert.equal(plain.flag_tc, true);
    assert.ok(plain.answers!.length > 0 && plain.answers!.length < 60, `kept ${plain.answers!.length} of 60`);
    assert.ok(dnsPacket.encodingLength(plain) <= 512);
    const edns = await query(port0, 'crowd.default.svc.cluster.local', 'A', { edns: 4096 });
    assert.equal(edns.flag_tc, false);
    assert.equal(answerData(edns).length, 60);
    const tcp = await query(port0, 'crowd.default.svc.cluster.local', 'A', { transport: 'tcp' });
    assert.equal(tcp.flag_tc, false);
    assert.equal(answerData(tcp).length, 60);
  });

  it('answers PTR for a cluster IP and forwards other reverse names', async () => {
    const r = await query(port0, '20.0.43.10.in-addr.arpa', 'PTR');
    assert.deepEqual(answerData(r), ['PTR web.default.svc.cluster.local']);
    const other = await query(port0, '7.7.7.10.in-addr.arpa', 'PTR');
    assert.equal(other.rcode, 'NXDOMAIN');
    assert.ok(upstream.seen.includes('udp 7.7.7.10.in-addr.arpa PTR'));
  });

  it('answers FORMERR to a query without a question and NOTIMP to another opcode', async () => {
    const empty = dnsPacket.decode(await exchangeRaw(port0, dnsPacket.encode({ type: 'query', id: 7, questions: [] }))) as Reply;
    assert.deepEqual([empty.rcode, empty.id], ['FORMERR', 7]);
    const notify = dnsPacket.encode({ type: 'query', id: 8, questions: [{ name: 'cluster.local', type: 'SOA' }] });
    notify.writeUInt16BE(notify.readUInt16BE(2) | (4 << 11), 2); // opcode NOTIFY
    const r = dnsPacket.decode(await exchangeRaw(port0, notify)) as Reply;
    assert.equal(r.rcode, 'NOTIMP');
  });

  it('answers 1000 sequential UDP queries with low latency', async (t) => {
    const ms: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const start = process.hrtime.bigint();
      const r = await query(port0, 'web.default.svc.cluster.local', 'A');
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
      assert.equal(r.answers?.length, 1);
    }
    ms.sort((a, b) => a - b);
    const p50 = ms[499]!;
    const p99 = ms[989]!;
    t.diagnostic(`DNS query latency over UDP, 1000 queries: p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`);
    assert.ok(p99 < 50, `p99 ${p99} ms`);
  });
});

describe('cluster DNS server without upstreams or synced records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-dns-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers SERVFAIL for external names when resolv.conf has no nameserver, and still answers cluster names', async () => {
    const resolvConf = join(dir, 'empty.conf');
    writeFileSync(resolvConf, 'search example.com\n');
    const api = new FakeCollections();
    api.put(NS, namespace('default'));
    api.put(SVC, service('default', 'web', { clusterIP: '10.43.0.20', ports: [port(80)] }));
    const dns = await startClusterDns({ client: api, listen: ['127.0.0.1'], port: 0, resolvConf });
    try {
      await dns.synced;
      assert.equal((await query(dns.address.port, 'www.example.com', 'A')).rcode, 'SERVFAIL');
      assert.deepEqual(answerData(await query(dns.address.port, 'web.default.svc.cluster.local', 'A')), ['A 10.43.0.20']);
    } finally {
      await dns.stop();
    }
  });

  it('answers SERVFAIL for cluster names until the informers have listed', async () => {
    class Unlisted extends FakeCollections {
      override list<T extends KubeObject>(): Promise<KubeList<T>> {
        return new Promise((_, reject) => setTimeout(() => reject(new Error('API unreachable')), 200));
      }
    }
    const errors: unknown[] = [];
    const dns = await startClusterDns({ client: new Unlisted(), listen: ['127.0.0.1'], port: 0, resolvConf: join(dir, 'missing.conf'), onError: (e) => errors.push(e) });
    try {
      assert.equal((await query(dns.address.port, 'kubernetes.default.svc.cluster.local', 'A')).rcode, 'SERVFAIL');
      await eventually('a list error reported', async () => errors.length > 0);
      assert.equal((await query(dns.address.port, 'kubernetes.default.svc.cluster.local', 'A')).rcode, 'SERVFAIL');
    } finally {
      await dns.stop();
    }
  });

  it('ignores clients it does not accept, over UDP and TCP', async () => {
    const { ClusterRecords } = await import('./cluster-records.js');
    const dns = await startClusterDns({ records: new ClusterRecords(), port: 0, resolvConf: join(dir, 'missing.conf'), acceptFrom: (a) => a !== '127.0.0.1' });
    try {
      await assert.rejects(query(dns.address.port, 'cluster.local', 'SOA', { timeoutMs: 200 }), /timed out/);
      await assert.rejects(query(dns.address.port, 'cluster.local', 'SOA', { transport: 'tcp', timeoutMs: 500 }));
    } finally {
      await dns.stop();
    }
  });

  it('serves a given record source on a configured cluster domain', async () => {
    const { ClusterRecords } = await import('./cluster-records.js');
    const records = new ClusterRecords();
    records.apply('Namespace', 'ADDED', namespace('default'));
    records.apply('Service', 'ADDED', service('default', 'web', { clusterIP: '10.43.0.20', ports: [port(80)] }));
    const dns = await startClusterDns({ records, clusterDomain: 'k1s.test.', port: 0, resolvConf: join(dir, 'missing.conf') });
    try {
      assert.deepEqual(answerData(await query(dns.address.port, 'web.default.svc.k1s.test', 'A')), ['A 10.43.0.20']);
    } finally {
      await dns.stop();
    }
  });
});
