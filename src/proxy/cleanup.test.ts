import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProxyApplier } from './applier.js';
import { cleanupProxyRules, cleanupScript, jumpsInto, proxyLeftovers, splitSaveArgs } from './cleanup.js';
import { chainNames, jumpRules } from './chains.js';
import { ensureJump } from './iptables.js';
import { planProxyRules } from './planner.js';
import { FakeIptables } from './testing/fake-iptables.js';
import { endpoint, service, slice } from './testing/builders.js';

async function withRules(prefix?: string): Promise<FakeIptables> {
  const ipt = new FakeIptables();
  ipt.tables.get('nat')!.set('CNI-HOSTPORT-DNAT', []);
  ipt.tables.get('nat')!.get('PREROUTING')!.push('-j CNI-HOSTPORT-DNAT');
  ipt.tables.get('filter')!.set('KUBE-FIREWALL', []); // the kubelet's chain, not the proxy's
  const svc = service('ns1', 'svc1', '10.20.30.41', [{ name: 'p80', port: 80, nodePort: 30080 }], { type: 'NodePort' });
  const eps = slice('ns1', 'svc1', [{ name: 'p80', port: 80 }], [endpoint('10.180.0.1')]);
  const empty = service('ns1', 'empty', '10.20.30.42', [{ port: 81 }]);
  const opts = prefix ? { chainPrefix: prefix } : {};
  await createProxyApplier({ run: ipt.run, ...opts }).apply(planProxyRules({ services: [svc, empty], endpointSlices: [eps] }, { clusterCIDR: '10.42.0.0/16', ...opts }));
  return ipt;
}

const builtinOnly = (ipt: FakeIptables, table: string): string[] => ipt.chains(table).filter((c) => c.startsWith('KUBE-') && c !== 'KUBE-FIREWALL');

describe('cleanupProxyRules', () => {
  it('removes every jump and chain the proxy created and nothing else', async () => {
    const ipt = await withRules();
    const r = await cleanupProxyRules({ run: ipt.run });
    assert.deepEqual(r.errors, []);
    assert.equal(r.removedJumps, 8);
    assert.deepEqual(builtinOnly(ipt, 'nat'), []);
    assert.deepEqual(builtinOnly(ipt, 'filter'), []);
    assert.deepEqual(ipt.rules('nat', 'PREROUTING'), ['-j CNI-HOSTPORT-DNAT']);
    for (const c of ['OUTPUT', 'POSTROUTING']) assert.deepEqual(ipt.rules('nat', c), [], c);
    for (const c of ['INPUT', 'FORWARD', 'OUTPUT']) assert.deepEqual(ipt.rules('filter', c), [], c);
    assert.ok(ipt.rules('nat', 'CNI-HOSTPORT-DNAT'));
    assert.ok(ipt.rules('filter', 'KUBE-FIREWALL'));
    assert.ok(r.removedChains.includes('nat/KUBE-SVC-XPGD46QRK7WJZT7O'));
    assert.ok(r.removedChains.includes('filter/KUBE-EXTERNAL-SERVICES'));
  });

  it('is idempotent and safe when nothing exists', async () => {
    const ipt = await withRules();
    await cleanupProxyRules({ run: ipt.run });
    assert.deepEqual(await cleanupProxyRules({ run: ipt.run }), { removedJumps: 0, removedChains: [], errors: [] });
    assert.deepEqual(await cleanupProxyRules({ run: new FakeIptables().run }), { removedJumps: 0, removedChains: [], errors: [] });
  });

  it('removes only the chains of its own prefix', async () => {
    const ipt = await withRules();
    const other = await withRules('K1S2');
    ipt.tables = new Map([...ipt.tables].map(([t, chains]) => [t, new Map([...chains, ...[...other.tables.get(t)!].filter(([c]) => c.startsWith('K1S2-'))])]));
    await cleanupProxyRules({ run: ipt.run, chainPrefix: 'K1S2' });
    assert.deepEqual(ipt.chains('nat').filter((c) => c.startsWith('K1S2-')), []);
    assert.ok(ipt.rules('nat', 'KUBE-SVC-XPGD46QRK7WJZT7O'));
  });

  it('removes the jumps of a scoped proxy and those an unscoped earlier version left', async () => {
    const ipt = new FakeIptables();
    const scope = { podBridgeInterface: 'k1s-0badf00d', otherBridgesPrefix: 'k1s' };
    const svc = service('ns1', 'svc1', '10.20.30.41', [{ name: 'p80', port: 80 }]);
    const eps = slice('ns1', 'svc1', [{ name: 'p80', port: 80 }], [endpoint('10.180.0.1')]);
    await createProxyApplier({ run: ipt.run, chainPrefix: 'K1SAB12', scope }).apply(planProxyRules({ services: [svc], endpointSlices: [eps] }, { chainPrefix: 'K1SAB12' }));
    for (const j of jumpRules(chainNames('K1SAB12'))) await ensureJump(ipt.run, j);
    assert.equal(ipt.rules('nat', 'PREROUTING')?.length, 3);
    const r = await cleanupProxyRules({ run: ipt.run, chainPrefix: 'K1SAB12' });
    assert.deepEqual(r.errors, []);
    assert.equal(r.removedJumps, 10);
    assert.deepEqual(ipt.chains('nat').filter((c) => c.startsWith('K1SAB12-')), []);
    for (const c of ['PREROUTING', 'OUTPUT', 'POSTROUTING']) assert.deepEqual(ipt.rules('nat', c), [], c);
  });

  it('reports, rather than throws, when iptables cannot be run', async () => {
    const r = await cleanupProxyRules({ run: async () => Promise.reject(new Error('spawn iptables ENOENT')) });
    assert.equal(r.errors.length, 2);
    assert.match(r.errors[0] ?? '', /spawn iptables ENOENT/);
  });

  it('flushes then deletes in one restore, and writes nothing for no chains', () => {
    assert.equal(cleanupScript('nat', ['KUBE-SERVICES', 'KUBE-SVC-X']), '*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-X - [0:0]\n-X KUBE-SERVICES\n-X KUBE-SVC-X\nCOMMIT\n');
    assert.equal(cleanupScript('filter', []), '');
  });
});

describe('proxyLeftovers', () => {
  it('lists the proxy chains and the guard chain still present, and none after cleanup', async () => {
    const ipt = await withRules();
    ipt.tables.get('filter')!.set('KUBE-SERVICE-GUARD', []);
    const before = await proxyLeftovers({ run: ipt.run, guardChain: 'KUBE-SERVICE-GUARD' });
    assert.ok(before.includes('iptables nat chain KUBE-SERVICES'), before.join('\n'));
    assert.ok(before.includes('iptables filter chain KUBE-SERVICE-GUARD'), before.join('\n'));
    assert.ok(before.includes('iptables nat chain KUBE-SVC-XPGD46QRK7WJZT7O'), before.join('\n'));
    assert.ok(!before.some((l) => l.includes('KUBE-FIREWALL') || l.includes('CNI-')), before.join('\n'));
    await cleanupProxyRules({ run: ipt.run });
    assert.deepEqual(await proxyLeftovers({ run: ipt.run, guardChain: 'KUBE-SERVICE-GUARD' }), ['iptables filter chain KUBE-SERVICE-GUARD']);
    ipt.tables.get('filter')!.delete('KUBE-SERVICE-GUARD');
    assert.deepEqual(await proxyLeftovers({ run: ipt.run, guardChain: 'KUBE-SERVICE-GUARD' }), []);
  });

  it('says so, rather than throws, when iptables-save cannot be run', async () => {
    const left = await proxyLeftovers({ run: async () => Promise.reject(new Error('spawn iptables-save ENOENT')) });
    assert.deepEqual(left, ['iptables filter: cannot list chains: spawn iptables-save ENOENT', 'iptables nat: cannot list chains: spawn iptables-save ENOENT']);
  });
});

describe('splitSaveArgs and jumpsInto', () => {
  it('splits an iptables-save rule at spaces outside double quotes', () => {
    assert.deepEqual(splitSaveArgs('-A PREROUTING ! -i k1s+ -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'), [
      '-A', 'PREROUTING', '!', '-i', 'k1s+', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES',
    ]);
    assert.deepEqual(splitSaveArgs('-A X -m comment --comment "say \\"hi\\"" -j Y'), ['-A', 'X', '-m', 'comment', '--comment', 'say "hi"', '-j', 'Y']);
  });

  it('finds the rules of other chains that jump into the given ones, and none inside them', () => {
    const save = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':K1SAB12-SERVICES - [0:0]',
      '-A PREROUTING -i k1s-0badf00d -m comment --comment "kubernetes service portals" -j K1SAB12-SERVICES',
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A K1SAB12-SERVICES -j K1SAB12-NODEPORTS',
      'COMMIT',
    ].join('\n');
    assert.deepEqual(jumpsInto(save, new Set(['K1SAB12-SERVICES', 'K1SAB12-NODEPORTS'])), [
      { chain: 'PREROUTING', args: ['-i', 'k1s-0badf00d', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'K1SAB12-SERVICES'] },
    ]);
  });
});
