import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { EndpointSlice, Service } from '../api/services.js';
import { createProxyApplier, type ProxyApplier } from './applier.js';
import { endpointChain } from './chains.js';
import { planProxyRules, type ProxyPlan } from './planner.js';
import { FakeIptables } from './testing/fake-iptables.js';
import { endpoint, service, slice } from './testing/builders.js';

const SVC = 'KUBE-SVC-XPGD46QRK7WJZT7O';
const SEP1 = endpointChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80');
const SEP2 = endpointChain('ns1/svc1:p80', 'tcp', '10.180.0.2:80');
const CNI_JUMP = '-m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-DNAT';

function plan(ips: string[] | undefined): ProxyPlan {
  const services: Service[] = ips ? [service('ns1', 'svc1', '10.20.30.41', [{ name: 'p80', port: 80, protocol: 'TCP' }])] : [];
  const slices: EndpointSlice[] = ips ? [slice('ns1', 'svc1', [{ name: 'p80', port: 80, protocol: 'TCP' }], ips.map((ip) => endpoint(ip)))] : [];
  return planProxyRules({ services, endpointSlices: slices }, { clusterCIDR: '10.42.0.0/16' });
}

describe('proxy applier', () => {
  let ipt: FakeIptables;
  let applier: ProxyApplier;
  beforeEach(() => {
    ipt = new FakeIptables();
    // The CNI portmap plugin's chain and jump: never touched by the proxy.
    ipt.tables.get('nat')!.set('CNI-HOSTPORT-DNAT', ['-m tcp -p tcp --dport 8080 -j DNAT --to-destination 10.42.0.5:80']);
    ipt.tables.get('nat')!.get('PREROUTING')!.push(CNI_JUMP);
    applier = createProxyApplier({ run: ipt.run });
  });

  it('writes the plan with iptables-restore --noflush and puts its jumps first in the built-in chains', async () => {
    const r = await applier.apply(plan(['10.180.0.1', '10.180.0.2']));
    assert.equal(r.written, true);
    assert.equal(r.insertedJumps, 8);
    assert.ok(ipt.commands.some((c) => c === 'iptables-restore -w 5 --noflush'));
    for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ', SVC, SEP1, SEP2]) assert.ok(ipt.rules('nat', c), c);
    for (const c of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD']) assert.ok(ipt.rules('filter', c), c);
    assert.deepEqual(ipt.rules('nat', 'PREROUTING'), ['-m comment --comment "kubernetes service portals" -j KUBE-SERVICES', CNI_JUMP]);
    assert.deepEqual(ipt.rules('nat', 'POSTROUTING'), ['-m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING']);
    assert.equal(ipt.rules('nat', 'CNI-HOSTPORT-DNAT')?.length, 1);
  });

  it('skips writing a plan equal to the last one, unless a full sync is asked for', async () => {
    await applier.apply(plan(['10.180.0.1']));
    const n = ipt.commands.length;
    assert.equal((await applier.apply(plan(['10.180.0.1']))).written, false);
    assert.equal(ipt.commands.length, n);
    const full = await applier.apply(plan(['10.180.0.1']), { full: true });
    assert.equal(full.written, true);
    assert.equal(full.insertedJumps, 0);
    assert.equal(ipt.rules('nat', 'PREROUTING')?.length, 2);
  });

  it('deletes the chain of a removed endpoint, and all chains of a removed Service, in the same restore', async () => {
    await applier.apply(plan(['10.180.0.1', '10.180.0.2']));
    const restores = ipt.commands.filter((c) => c.startsWith('iptables-restore')).length;
    const r = await applier.apply(plan(['10.180.0.1']));
    assert.deepEqual(r.deletedChains, [SEP2]);
    assert.equal(ipt.commands.filter((c) => c.startsWith('iptables-restore')).length, restores + 1);
    assert.equal(ipt.rules('nat', SEP2), undefined);
    assert.ok(ipt.rules('nat', SEP1));
    const gone = await applier.apply(plan(undefined));
    assert.deepEqual(gone.deletedChains, [SEP1, SVC].sort());
    assert.deepEqual(ipt.chains('nat').filter((c) => /^KUBE-(SVC|SEP)-/.test(c)), []);
  });

  it('on its first sync removes per-service chains an earlier process left behind', async () => {
    ipt.tables.get('nat')!.set('KUBE-SEP-LEFTOVERLEFTOVER', ['-j DNAT --to-destination 10.180.9.9:80']);
    const r = await applier.apply(plan(['10.180.0.1']));
    assert.deepEqual(r.deletedChains, ['KUBE-SEP-LEFTOVERLEFTOVER']);
    assert.equal(ipt.rules('nat', 'KUBE-SEP-LEFTOVERLEFTOVER'), undefined);
  });

  it('clears UDP conntrack entries when a UDP Service or its endpoints change, not for TCP changes', async () => {
    const dns = service('kube-system', 'kube-dns', '10.43.0.10', [{ name: 'dns', port: 53, protocol: 'UDP' }]);
    const udpPlan = (web: string[], dnsIps: string[]) =>
      planProxyRules(
        {
          services: [dns, service('ns1', 'svc1', '10.20.30.41', [{ name: 'p80', port: 80 }])],
          endpointSlices: [slice('kube-system', 'kube-dns', [{ name: 'dns', port: 53, protocol: 'UDP' }], dnsIps.map((ip) => endpoint(ip))), slice('ns1', 'svc1', [{ name: 'p80', port: 80 }], web.map((ip) => endpoint(ip)))],
        },
        { clusterCIDR: '10.42.0.0/16' },
      );
    const lists = (): number => ipt.commands.filter((c) => c.startsWith('conntrack -L')).length;
    await applier.apply(udpPlan(['10.180.0.1'], ['10.42.0.5']));
    assert.equal(lists(), 1);
    await applier.apply(udpPlan(['10.180.0.2'], ['10.42.0.5']));
    assert.equal(lists(), 1);
    await applier.apply(udpPlan(['10.180.0.2'], ['10.42.0.6']));
    assert.equal(lists(), 2);
  });

  it('throws when iptables-restore fails, and writes in full on the next call', async () => {
    await applier.apply(plan(['10.180.0.1']));
    const failing = createProxyApplier({ run: async (cmd, args, stdin) => (cmd === 'iptables-restore' ? { code: 2, stdout: '', stderr: 'iptables-restore: line 3 failed' } : ipt.run(cmd, args, stdin)) });
    await assert.rejects(failing.apply(plan(['10.180.0.1'])), /iptables-restore: iptables-restore: line 3 failed \(exit code 2\)/);
    let fail = true;
    const flaky = createProxyApplier({
      run: async (cmd, args, stdin) => {
        if (cmd === 'iptables-restore' && fail && stdin?.includes(SEP2)) return { code: 1, stdout: '', stderr: 'boom' };
        return ipt.run(cmd, args, stdin);
      },
    });
    await flaky.apply(plan(['10.180.0.1']));
    await assert.rejects(flaky.apply(plan(['10.180.0.1', '10.180.0.2'])), /boom/);
    fail = false;
    const before = ipt.commands.length;
    const r = await flaky.apply(plan(['10.180.0.1', '10.180.0.2']));
    assert.equal(r.written, true);
    assert.ok(ipt.commands.slice(before).some((c) => c.startsWith('iptables-save -t nat')), 'a full sync lists existing chains');
  });
});
