// resolveLocal: the records of the Kubernetes DNS specification, NXDOMAIN vs NOERROR/no-data, SOA authority, PTR, ExternalName.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Answer, RecordType } from 'dns-packet';
import { ClusterRecords } from './cluster-records.js';
import { resolveLocal } from './resolve.js';
import { endpoint, namespace, port, service, slice } from './testing/objects.js';

function world(): ClusterRecords {
  const r = new ClusterRecords();
  for (const ns of ['default', 'kube-system']) r.apply('Namespace', 'ADDED', namespace(ns));
  r.apply('Service', 'ADDED', service('default', 'web', { clusterIP: '10.43.0.20', clusterIPs: ['10.43.0.20'], ports: [port(80, 'http'), port(53, 'dns', 'UDP')] }));
  r.apply('EndpointSlice', 'ADDED', slice('default', 'web', [endpoint('10.42.0.8'), endpoint('10.42.0.9')], [{ name: 'http', port: 8080, protocol: 'TCP' }]));
  r.apply('Service', 'ADDED', service('kube-system', 'kube-dns', { clusterIP: '10.43.0.10', ports: [port(53, 'dns', 'UDP'), port(53, 'dns-tcp')] }));
  r.apply('Service', 'ADDED', service('default', 'db', { clusterIP: 'None', ports: [port(5432, 'postgres')] }));
  r.apply(
    'EndpointSlice',
    'ADDED',
    slice('default', 'db', [endpoint('10.42.0.5', { hostname: 'db-0' }), endpoint('10.42.0.6'), endpoint('10.42.0.7', { ready: false })], [{ name: 'postgres', port: 5432, protocol: 'TCP' }]),
  );
  r.apply('Service', 'ADDED', service('default', 'lonely', { clusterIP: 'None' }));
  r.apply('Service', 'ADDED', service('default', 'ext', { type: 'ExternalName', externalName: 'www.example.com' }));
  return r;
}

/** A compact view of one answer section: `TYPE data` strings, sorted. */
function view(records: Answer[]): string[] {
  return records
    .map((a) => {
      const d = (a as { data: unknown }).data;
      if (a.type === 'SRV') {
        const s = d as { priority: number; weight: number; port: number; target: string };
        return `SRV ${s.priority} ${s.weight} ${s.port} ${s.target}`;
      }
      if (a.type === 'SOA') return `SOA ${(d as { mname: string }).mname} ${(d as { rname: string }).rname}`;
      return `${a.type} ${String(d)}`;
    })
    .sort();
}

const SOA = ['SOA ns.dns.cluster.local hostmaster.cluster.local'];
type Case = [name: string, type: RecordType, rcode: 'NOERROR' | 'NXDOMAIN', answers: string[], authority?: string[], additional?: string[]];

const cases: Case[] = [
  // §2.3.1 ClusterIP A; AAAA and other types of an existing name are NOERROR without answers
  ['web.default.svc.cluster.local', 'A', 'NOERROR', ['A 10.43.0.20']],
  ['WEB.Default.SVC.Cluster.Local.', 'A', 'NOERROR', ['A 10.43.0.20']],
  ['web.default.svc.cluster.local', 'AAAA', 'NOERROR', [], SOA],
  ['web.default.svc.cluster.local', 'TXT', 'NOERROR', [], SOA],
  ['10-42-0-8.web.default.svc.cluster.local', 'A', 'NOERROR', ['A 10.42.0.8']],
  // names that do not exist
  ['nope.default.svc.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  ['nope.default.svc.cluster.local', 'AAAA', 'NXDOMAIN', [], SOA],
  ['web.elsewhere.svc.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  ['elsewhere.svc.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  ['a.b.c.web.default.svc.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  ['web.default.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  ['nope.web.default.svc.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  // names that exist without records
  ['default.svc.cluster.local', 'A', 'NOERROR', [], SOA],
  ['svc.cluster.local', 'A', 'NOERROR', [], SOA],
  ['cluster.local', 'A', 'NOERROR', [], SOA],
  // zone apex and schema version (§2.2)
  ['cluster.local', 'SOA', 'NOERROR', SOA],
  ['cluster.local', 'NS', 'NOERROR', ['NS ns.dns.cluster.local'], [], ['A 10.43.0.10']],
  ['ns.dns.cluster.local', 'A', 'NOERROR', ['A 10.43.0.10']],
  ['dns-version.cluster.local', 'TXT', 'NOERROR', ['TXT 1.1.0']],
  // §2.4.1 headless: ready endpoints, hostnames; no ready endpoint is NXDOMAIN
  ['db.default.svc.cluster.local', 'A', 'NOERROR', ['A 10.42.0.5', 'A 10.42.0.6']],
  ['db.default.svc.cluster.local', 'AAAA', 'NOERROR', [], SOA],
  ['db-0.db.default.svc.cluster.local', 'A', 'NOERROR', ['A 10.42.0.5']],
  ['10-42-0-6.db.default.svc.cluster.local', 'A', 'NOERROR', ['A 10.42.0.6']],
  ['10-42-0-7.db.default.svc.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  ['lonely.default.svc.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  // §2.3.2 / §2.4.2 SRV for named ports, with the targets' addresses as additional records
  ['_http._tcp.web.default.svc.cluster.local', 'SRV', 'NOERROR', ['SRV 0 100 80 web.default.svc.cluster.local'], [], ['A 10.43.0.20']],
  ['_dns._udp.web.default.svc.cluster.local', 'SRV', 'NOERROR', ['SRV 0 100 53 web.default.svc.cluster.local'], [], ['A 10.43.0.20']],
  ['_http._tcp.web.default.svc.cluster.local', 'A', 'NOERROR', ['A 10.43.0.20']],
  ['_http._udp.web.default.svc.cluster.local', 'SRV', 'NXDOMAIN', [], SOA],
  ['_nope._tcp.web.default.svc.cluster.local', 'SRV', 'NXDOMAIN', [], SOA],
  [
    '_postgres._tcp.db.default.svc.cluster.local',
    'SRV',
    'NOERROR',
    ['SRV 0 50 5432 10-42-0-6.db.default.svc.cluster.local', 'SRV 0 50 5432 db-0.db.default.svc.cluster.local'],
    [],
    ['A 10.42.0.5', 'A 10.42.0.6'],
  ],
  ['web.default.svc.cluster.local', 'SRV', 'NOERROR', ['SRV 0 50 53 web.default.svc.cluster.local', 'SRV 0 50 80 web.default.svc.cluster.local'], [], ['A 10.43.0.20']],
  // pod records (`pods insecure`): computed from the name in an existing namespace
  ['10-42-0-5.default.pod.cluster.local', 'A', 'NOERROR', ['A 10.42.0.5']],
  ['10-42-0-5.default.pod.cluster.local', 'AAAA', 'NOERROR', [], SOA],
  ['10-42-0-5.elsewhere.pod.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  ['not-an-ip.default.pod.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  ['10-42-0-999.default.pod.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  // §2.5 ExternalName
  ['ext.default.svc.cluster.local', 'CNAME', 'NOERROR', ['CNAME www.example.com']],
  ['ext.default.svc.cluster.local', 'A', 'NOERROR', ['CNAME www.example.com']],
  ['x.ext.default.svc.cluster.local', 'A', 'NXDOMAIN', [], SOA],
  // §2.3.3 / §2.4.3 PTR
  ['20.0.43.10.in-addr.arpa', 'PTR', 'NOERROR', ['PTR web.default.svc.cluster.local']],
  ['5.0.42.10.in-addr.arpa', 'PTR', 'NOERROR', ['PTR db-0.db.default.svc.cluster.local']],
  ['6.0.42.10.in-addr.arpa', 'PTR', 'NOERROR', ['PTR 10-42-0-6.db.default.svc.cluster.local']],
];

describe('resolveLocal', () => {
  const records = world();
  for (const [name, type, rcode, answers, authority = [], additional = []] of cases) {
    it(`answers ${name} ${type} with ${rcode} ${answers.join(', ') || '(no answers)'}`, () => {
      const got = resolveLocal({ name, type }, records, { zone: 'cluster.local' });
      assert.ok(got, 'answered locally');
      assert.deepEqual(
        { rcode: got.rcode, answers: view(got.answers), authority: view(got.authorities), additional: view(got.additionals) },
        { rcode, answers, authority, additional },
      );
    });
  }

  it('answers records under the name as asked, with TTL 5', () => {
    const got = resolveLocal({ name: 'WEB.default.svc.cluster.local', type: 'A' }, records, { zone: 'cluster.local' });
    assert.deepEqual(got?.answers.map((a) => [a.name, (a as { ttl: number }).ttl]), [['WEB.default.svc.cluster.local', 5]]);
  });

  it('asks the caller to chase an ExternalName target, except for CNAME queries', () => {
    assert.equal(resolveLocal({ name: 'ext.default.svc.cluster.local', type: 'A' }, records, { zone: 'cluster.local' })?.chase, 'www.example.com');
    assert.equal(resolveLocal({ name: 'ext.default.svc.cluster.local', type: 'CNAME' }, records, { zone: 'cluster.local' })?.chase, undefined);
  });

  it('leaves names outside the cluster domain and unknown reverse names to the forwarder', () => {
    for (const [name, type] of [
      ['www.example.com', 'A'],
      ['99.0.42.10.in-addr.arpa', 'PTR'],
      ['cluster.local.example.com', 'A'],
    ] as const) {
      assert.equal(resolveLocal({ name, type }, records, { zone: 'cluster.local' }), undefined, `${name} ${type}`);
    }
  });

  it('answers the search suffixes of a short name without NXDOMAIN when asked to (busybox nslookup)', () => {
    const relaxed = { zone: 'cluster.local', noDataForSearchSuffixes: true };
    const rcode = (name: string, config = relaxed): string | undefined => resolveLocal({ name, type: 'A' }, records, config)?.rcode;
    assert.deepEqual(['db.svc.cluster.local', 'db.cluster.local', 'db.default.svc.cluster.local'].map((n) => rcode(n)), ['NOERROR', 'NOERROR', 'NOERROR']);
    assert.deepEqual(['nope.default.svc.cluster.local', 'google.com.cluster.local', 'google.com.svc.cluster.local'].map((n) => rcode(n)), ['NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN']);
    assert.deepEqual(['db.svc.cluster.local', 'db.cluster.local'].map((n) => rcode(n, { zone: 'cluster.local', noDataForSearchSuffixes: false })), ['NXDOMAIN', 'NXDOMAIN']);
  });

  it('serves another cluster domain when configured', () => {
    const got = resolveLocal({ name: 'web.default.svc.k1s.test', type: 'A' }, records, { zone: 'k1s.test' });
    assert.deepEqual(view(got?.answers ?? []), ['A 10.43.0.20']);
    assert.equal(resolveLocal({ name: 'web.default.svc.cluster.local', type: 'A' }, records, { zone: 'k1s.test' }), undefined);
  });
});
