// Query names: the schema's shapes (CoreDNS parseRequest), pod-name addresses and reverse names.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointHostname, parseClusterName, podNameAddress, reverseName, reverseNameAddress } from './query-name.js';

describe('parseClusterName', () => {
  const z = 'cluster.local';
  const cases: [string, ReturnType<typeof parseClusterName>][] = [
    ['cluster.local', { kind: 'apex' }],
    ['dns-version.cluster.local', { kind: 'dns-version' }],
    ['ns.dns.cluster.local', { kind: 'nameserver' }],
    ['svc.cluster.local', { kind: 'empty' }],
    ['pod.cluster.local', { kind: 'empty' }],
    ['default.svc.cluster.local', { kind: 'namespace', namespace: 'default' }],
    ['web.default.svc.cluster.local', { kind: 'service', namespace: 'default', service: 'web' }],
    ['db-0.db.default.svc.cluster.local', { kind: 'service', namespace: 'default', service: 'db', endpoint: 'db-0' }],
    ['_http._tcp.web.default.svc.cluster.local', { kind: 'service', namespace: 'default', service: 'web', port: 'http', protocol: 'tcp' }],
    ['10-42-0-5.default.pod.cluster.local', { kind: 'pod', namespace: 'default', pod: '10-42-0-5' }],
    ['a.10-42-0-5.default.pod.cluster.local', { kind: 'invalid' }],
    ['a.b.c.web.default.svc.cluster.local', { kind: 'invalid' }],
    ['web.default.cluster.local', { kind: 'invalid' }],
  ];
  for (const [name, want] of cases) it(`reads ${name} as ${want.kind}`, () => assert.deepEqual(parseClusterName(name, z), want));
});

describe('addresses in names', () => {
  it('reads pod names as IPv4 or IPv6 addresses', () => {
    assert.equal(podNameAddress('10-42-0-5'), '10.42.0.5');
    assert.equal(podNameAddress('fd00--1'), 'fd00::1');
    assert.equal(podNameAddress('10-42-0'), undefined);
    assert.equal(podNameAddress('web'), undefined);
  });

  it('reads and writes reverse names', () => {
    assert.equal(reverseNameAddress('5.0.42.10.in-addr.arpa'), '10.42.0.5');
    assert.equal(reverseNameAddress('0.42.10.in-addr.arpa'), undefined);
    assert.equal(reverseNameAddress('05.0.42.10.in-addr.arpa'), undefined);
    assert.equal(reverseName('10.42.0.5'), '5.0.42.10.in-addr.arpa');
    const v6 = reverseName('2001:db8::1');
    assert.equal(v6, '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    assert.equal(reverseNameAddress(v6), '2001:0db8:0000:0000:0000:0000:0000:0001');
  });

  it('names endpoints by hostname, else by their dashed address', () => {
    assert.equal(endpointHostname({ address: '10.42.0.5', hostname: 'db-0' }), 'db-0');
    assert.equal(endpointHostname({ address: '10.42.0.5' }), '10-42-0-5');
  });
});
