// getPodDNS: dnsPolicy × hostNetwork × cluster DNS settings × dnsConfig, table-driven, and the API's limits.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolvConf } from '../../api/resolv-conf.js';
import type { PodSpec } from '../../api/types.js';
import { makePod } from '../testing/builders.js';
import { DNSConfigurer, getPodDNS, isValidResolvConf, locateResolvConf, mergeDNSOptions, type DNSSettings } from './dns.js';

const host: ResolvConf = { servers: ['192.0.2.53', '192.0.2.54'], searches: ['corp.example', 'example.com'], options: ['rotate', 'ndots:2'] };
const cluster: DNSSettings = { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', resolvConf: '/etc/resolv.conf', nodeIPs: ['192.0.2.7'] };
const noClusterDNS: DNSSettings = { ...cluster, clusterDNS: [] };
const noResolvConf: DNSSettings = { ...cluster, resolvConf: '' };
const CLUSTER_SEARCH = ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];

type Case = [what: string, spec: Partial<PodSpec>, settings: DNSSettings, servers: string[], searches: string[], options: string[], warnings?: string[]];

const cases: Case[] = [
  ['ClusterFirst: the cluster DNS, cluster then host search paths, ndots:5', { dnsPolicy: 'ClusterFirst' }, cluster, ['10.43.0.10'], [...CLUSTER_SEARCH, 'corp.example', 'example.com'], ['ndots:5']],
  ['no dnsPolicy counts as ClusterFirst', {}, cluster, ['10.43.0.10'], [...CLUSTER_SEARCH, 'corp.example', 'example.com'], ['ndots:5']],
  ['ClusterFirst on the host network falls back to Default', { dnsPolicy: 'ClusterFirst', hostNetwork: true }, cluster, host.servers, host.searches, host.options],
  ['ClusterFirstWithHostNet on the host network uses the cluster DNS', { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }, cluster, ['10.43.0.10'], [...CLUSTER_SEARCH, 'corp.example', 'example.com'], ['ndots:5']],
  ['Default: the kubelet resolv.conf as is', { dnsPolicy: 'Default' }, cluster, host.servers, host.searches, host.options],
  ['None: only dnsConfig', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['resolv.conf.local'], options: [{ name: 'ndots', value: '2' }] } }, cluster, ['1.1.1.1'], ['resolv.conf.local'], ['ndots:2']],
  [
    'ClusterFirst without cluster DNS servers behaves as Default, with a MissingClusterDNS warning',
    { dnsPolicy: 'ClusterFirst' },
    noClusterDNS,
    host.servers,
    host.searches,
    host.options,
    ['MissingClusterDNS: pod: "p_team(uid-p)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.'],
  ],
  ['Default without a resolv.conf: the node\'s localhost, search .', { dnsPolicy: 'Default' }, noResolvConf, ['127.0.0.1'], ['.'], []],
  ['ClusterFirst without a resolv.conf: cluster search paths only', { dnsPolicy: 'ClusterFirst' }, noResolvConf, ['10.43.0.10'], CLUSTER_SEARCH, ['ndots:5']],
  ['ClusterFirst without a cluster domain: the host search paths', { dnsPolicy: 'ClusterFirst' }, { ...cluster, clusterDomain: '' }, ['10.43.0.10'], host.searches, ['ndots:5']],
  [
    'dnsConfig is merged: nameservers and searches appended without duplicates, options by name',
    { dnsPolicy: 'ClusterFirst', dnsConfig: { nameservers: ['10.43.0.10', '192.0.2.99'], searches: ['svc.cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'edns0' }] } },
    cluster,
    ['10.43.0.10', '192.0.2.99'],
    [...CLUSTER_SEARCH, 'corp.example', 'example.com', 'extra.example'],
    ['ndots:1', 'edns0'],
  ],
  [
    'more than three nameservers are cut to three, with a DNSConfigForming warning',
    { dnsPolicy: 'Default', dnsConfig: { nameservers: ['192.0.2.1', '192.0.2.2'] } },
    cluster,
    ['192.0.2.53', '192.0.2.54', '192.0.2.1'],
    host.searches,
    host.options,
    ['DNSConfigForming: Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 192.0.2.53 192.0.2.54 192.0.2.1'],
  ],
];

describe('getPodDNS', () => {
  for (const [what, spec, settings, servers, searches, options, warnings = []] of cases) {
    it(what, () => {
      const pod = makePod('p', ['app'], spec);
      pod.metadata.namespace = 'team';
      const got = getPodDNS(pod, settings, settings.resolvConf === '' ? undefined : host);
      assert.deepEqual(got.config, { servers, searches, options });
      assert.deepEqual(got.warnings.map((w) => `${w.reason}: ${w.message}`), warnings);
    });
  }

  it('cuts search paths to 32, drops paths over 253 characters and keeps the line within 2048 characters', () => {
    const many = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
    const pod = makePod('p', ['app'], { dnsPolicy: 'None', dnsConfig: { searches: many } });
    const got = getPodDNS(pod, cluster, host);
    assert.deepEqual(got.config.searches, many.slice(0, 32));
    assert.match(got.warnings[0]?.message ?? '', /^Search Line limits were exceeded/);

    const long = `${'a'.repeat(250)}.example`;
    const wide = Array.from({ length: 10 }, (_, i) => `${String(i).padEnd(240, 'x')}.example`);
    const cut = getPodDNS(makePod('p', ['app'], { dnsPolicy: 'None', dnsConfig: { searches: [long, ...wide] } }), cluster, host);
    assert.ok(!cut.config.searches.includes(long));
    assert.ok(cut.config.searches.join(' ').length <= 2048);
    assert.deepEqual(cut.config.searches, wide.slice(0, cut.config.searches.length));
    assert.equal(cut.config.searches.length, 8);
  });
});

describe('DNS helpers', () => {
  it('merges options by name, dnsConfig overriding, value-less options bare', () => {
    assert.deepEqual(mergeDNSOptions(['ndots:5', 'rotate'], [{ name: 'ndots', value: '2' }, { name: 'single-request' }]), ['ndots:2', 'rotate', 'single-request']);
  });

  it('DNSConfigurer reads the resolv.conf on each call and throws when it cannot', () => {
    let text = 'nameserver 192.0.2.53\nsearch a.example\n';
    const c = new DNSConfigurer({ ...cluster }, () => text);
    assert.deepEqual(c.getPodDNS(makePod('p', ['app'], { dnsPolicy: 'Default' })).config.servers, ['192.0.2.53']);
    text = 'nameserver 192.0.2.60\n';
    assert.deepEqual(c.getPodDNS(makePod('p', ['app'], { dnsPolicy: 'Default' })).config.servers, ['192.0.2.60']);
    const broken = new DNSConfigurer({ ...cluster }, () => {
      throw new Error('ENOENT: no such file or directory, open \'/etc/resolv.conf\'');
    });
    assert.throws(() => broken.getPodDNS(makePod('p', ['app'])), /ENOENT/);
  });

  it('locates the resolv.conf as k3s does: the first naming only global unicast nameservers', () => {
    assert.equal(isValidResolvConf('nameserver 127.0.0.53\n'), false);
    assert.equal(isValidResolvConf('search x\n'), false);
    assert.equal(isValidResolvConf('nameserver 10.0.0.2\nnameserver 2001:db8::1\n'), true);
    const files: Record<string, string> = { '/etc/resolv.conf': 'nameserver 127.0.0.53\n', '/run/systemd/resolve/resolv.conf': 'nameserver 10.0.0.2\n' };
    const read = (p: string): string => {
      const t = files[p];
      if (t === undefined) throw new Error('ENOENT');
      return t;
    };
    assert.equal(locateResolvConf(read), '/run/systemd/resolve/resolv.conf');
    files['/etc/resolv.conf'] = 'nameserver 10.0.0.3\n';
    assert.equal(locateResolvConf(read), '/etc/resolv.conf');
    delete files['/run/systemd/resolve/resolv.conf'];
    files['/etc/resolv.conf'] = 'nameserver 127.0.0.11\n';
    assert.equal(locateResolvConf(read), '/etc/resolv.conf');
  });
});
