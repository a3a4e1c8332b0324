// Integration test (root, under /tmp/k1s-e2e.lock): the planner and applier program real iptables, and real traffic between network namespaces on a bridge follows.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { EndpointSlice, Service } from '../api/services.js';
import { createProxyApplier, type ProxyApplier } from './applier.js';
import { cleanupProxyRules } from './cleanup.js';
import { listChains, runCommand } from './iptables.js';
import { planProxyRules } from './planner.js';
import { endpoint, service, slice } from './testing/builders.js';
import { createNetnsLab, LAB_HTTP_PORT, LAB_UDP_PORT, type NetnsLab } from './testing/netns-lab.js';

const runnable =
  process.getuid?.() === 0 &&
  ['/usr/sbin/iptables-restore', '/usr/sbin/conntrack', '/usr/sbin/ip'].every((p) => existsSync(p)) &&
  existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables') &&
  readFileSync('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8').trim() === '1';

const CLUSTER_CIDR = '10.250.0.0/24';
const POD_A = '10.250.0.2';
const POD_B = '10.250.0.3';
const CLIENT = '10.250.0.4';
const WEB_IP = '10.251.0.10';
const DNS_IP = '10.251.0.11';
const EMPTY_IP = '10.251.0.12';
const STICKY_IP = '10.251.0.13';
const NODE_PORT = 31980;

/** The test's Services: web (named targetPort, node port), dns (UDP), empty (no endpoints), sticky (ClientIP). */
function services(): Service[] {
  return [
    service('default', 'web', WEB_IP, [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP', nodePort: NODE_PORT }], { type: 'NodePort' }),
    service('default', 'dns', DNS_IP, [{ name: 'dns', port: 53, targetPort: LAB_UDP_PORT, protocol: 'UDP' }]),
    service('default', 'empty', EMPTY_IP, [{ name: 'http', port: 80, protocol: 'TCP' }]),
    service('default', 'sticky', STICKY_IP, [{ name: 'http', port: 80, protocol: 'TCP' }], { sessionAffinity: 'ClientIP' }),
  ];
}

/** EndpointSlices as the EndpointSlice controller writes them: the Service port's name, the resolved container port. */
function slices(web: string[], dns: string[] = [POD_A, POD_B]): EndpointSlice[] {
  return [
    slice('default', 'web', [{ name: 'http', port: LAB_HTTP_PORT, protocol: 'TCP' }], web.map((ip) => endpoint(ip))),
    slice('default', 'dns', [{ name: 'dns', port: LAB_UDP_PORT, protocol: 'UDP' }], dns.map((ip) => endpoint(ip))),
    slice('default', 'sticky', [{ name: 'http', port: LAB_HTTP_PORT, protocol: 'TCP' }], [POD_A, POD_B].map((ip) => endpoint(ip))),
  ];
}

const names = (replies: string[]): string[] => [...new Set(replies.map((r) => r.split(' ')[0]!))].sort();

/** GET from this (root) namespace: the reply body or `ERR <code>`. */
function hostGet(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, agent: false, timeout: 2000 }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve(b));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`ERR ${e.code ?? e.message}`));
  });
}

describe('service proxy on real iptables', { skip: runnable ? false : 'needs root, iptables-restore, conntrack, ip and br_netfilter' }, () => {
  let lab: NetnsLab | undefined;
  let applier: ProxyApplier;
  const apply = async (web: string[], dns?: string[]): Promise<number> => {
    const t0 = performance.now();
    await applier.apply(planProxyRules({ services: services(), endpointSlices: slices(web, dns) }, { clusterCIDR: CLUSTER_CIDR, serviceCIDRs: ['10.251.0.0/16'], masqueradeRandomFully: true }));
    return performance.now() - t0;
  };

  before(async () => {
    // Never clobber another proxy's rules: this machine runs one such test (or server) at a time.
    assert.equal((await listChains(runCommand, 'nat')).has('KUBE-SERVICES'), false, 'KUBE-SERVICES already exists in nat: another service proxy is running here (run under flock /tmp/k1s-e2e.lock, with no k1s server up)');
    lab = await createNetnsLab({
      id: 'k1sptest',
      gateway: '10.250.0.1/24',
      serviceCidr: '10.251.0.0/16',
      pods: [
        { name: 'a', ip: POD_A },
        { name: 'b', ip: POD_B },
        { name: 'c', ip: CLIENT },
      ],
    });
    applier = createProxyApplier();
    await apply([POD_A, POD_B]);
  });

  after(async () => {
    await cleanupProxyRules();
    await lab?.destroy();
  });

  it('sends connections to a cluster IP to both endpoints, through the named targetPort, unmasqueraded from inside the cluster CIDR', async () => {
    const replies = await lab!.http('c', WEB_IP, 80, 40);
    assert.deepEqual(names(replies), ['a', 'b']);
    assert.deepEqual([...new Set(replies.map((r) => r.split(' ')[1]))], [CLIENT]);
  });

  it('lets a pod reach itself through its Service (hairpin, masqueraded to the bridge address)', async () => {
    const replies = await lab!.http('a', WEB_IP, 80, 30);
    assert.deepEqual(names(replies), ['a', 'b']);
    assert.deepEqual([...new Set(replies.filter((r) => r.startsWith('a ')))], [`a ${lab!.gatewayIP}`]);
  });

  it('masquerades traffic to a cluster IP from outside the cluster CIDR (the node itself)', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, () => hostGet(WEB_IP, 80)));
    for (const r of replies) assert.match(r, new RegExp(`^[ab] ${lab!.gatewayIP.replaceAll('.', '\\.')}$`));
  });

  it('serves the node port on the node\'s addresses, masqueraded', async () => {
    const replies = await lab!.http('c', lab!.gatewayIP, NODE_PORT, 20);
    assert.deepEqual(names(replies), ['a', 'b']);
    assert.deepEqual([...new Set(replies.map((r) => r.split(' ')[1]))], [lab!.gatewayIP]);
  });

  it('rejects connections to a Service without endpoints, to a port no Service has, and to an unallocated cluster IP', async () => {
    assert.deepEqual(await lab!.http('c', EMPTY_IP, 80, 2), ['ERR ECONNREFUSED', 'ERR ECONNREFUSED']);
    assert.deepEqual(await lab!.http('c', WEB_IP, 81, 1), ['ERR ECONNREFUSED']);
    assert.deepEqual(await lab!.http('c', '10.251.0.99', 80, 1), ['ERR ECONNREFUSED']);
  });

  it('keeps a client on one endpoint under sessionAffinity ClientIP, also across a rewrite of the rules', async () => {
    const first = names(await lab!.http('c', STICKY_IP, 80, 20));
    assert.equal(first.length, 1);
    await applier.apply(planProxyRules({ services: services(), endpointSlices: slices([POD_A, POD_B]) }, { clusterCIDR: CLUSTER_CIDR, serviceCIDRs: ['10.251.0.0/16'], masqueradeRandomFully: true }), { full: true });
    assert.deepEqual(names(await lab!.http('c', STICKY_IP, 80, 20)), first);
  });

  it('moves a UDP flow off an endpoint removed from the Service (stale conntrack entries cleared)', async () => {
    const first = await lab!.udp('c', DNS_IP, 53, 40053, 5);
    assert.equal(names(first).length, 1, `one flow, one endpoint: ${first.join(', ')}`);
    const removed = first[0] === 'a' ? POD_A : POD_B;
    await apply([POD_A, POD_B], [POD_A, POD_B].filter((ip) => ip !== removed));
    const next = await lab!.udp('c', DNS_IP, 53, 40053, 3);
    assert.deepEqual(names(next), [first[0] === 'a' ? 'b' : 'a']);
  });

  it('stops sending new connections to a removed endpoint within a second of the plan being applied', async (t) => {
    const streaming = lab!.stream('c', WEB_IP, 80, 2500);
    await new Promise((r) => setTimeout(r, 800));
    const appliedAt = Date.now();
    const applyMs = await apply([POD_B]);
    const replies = await streaming;
    const lastA = Math.max(...replies.filter((r) => r.reply.startsWith('a ')).map((r) => r.at));
    const afterApply = replies.filter((r) => r.at > appliedAt + applyMs + 1000);
    assert.ok(replies.some((r) => r.at < appliedAt && r.reply.startsWith('a ')), 'a served before the change');
    assert.ok(afterApply.length > 10, `${afterApply.length} requests in the last second`);
    assert.deepEqual(names(afterApply.map((r) => r.reply)), ['b']);
    assert.ok(lastA - appliedAt < 1000, `a answered ${lastA - appliedAt} ms after the change`);
    t.diagnostic(`apply ${applyMs.toFixed(1)} ms; last reply from the removed endpoint ${lastA - appliedAt} ms after apply started; ${replies.length} requests`);
  });

  it('cleanup removes every chain and jump it created, and the lab leaves no namespace or bridge', async () => {
    const report = await cleanupProxyRules();
    assert.deepEqual(report.errors, []);
    assert.equal(report.removedJumps, 8);
    for (const table of ['nat', 'filter'] as const) {
      const { stdout } = await runCommand('iptables-save', ['-t', table]);
      const ours = /KUBE-(SERVICES|EXTERNAL-SERVICES|NODEPORTS|POSTROUTING|MARK-MASQ|FORWARD|SVC-|SEP-|EXT-)/;
      assert.deepEqual(stdout.split('\n').filter((l) => ours.test(l)), [], `${table} still has proxy rules`);
    }
    assert.deepEqual(await cleanupProxyRules(), { removedJumps: 0, removedChains: [], errors: [] });
    assert.deepEqual(await lab!.destroy(), []);
    const netns = await runCommand('ip', ['netns', 'list']);
    assert.equal(/k1sptest-/.test(netns.stdout), false, netns.stdout);
    const links = await runCommand('ip', ['-br', 'link']);
    assert.equal(/k1sptest/.test(links.stdout), false, links.stdout);
  });
});
