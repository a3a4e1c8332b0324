import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSlice, Service } from '../api/services.js';
import { endpointChain } from './chains.js';
import { planProxyRules, probability, renderRestore, type PlannerOptions, type ProxyPlan } from './planner.js';
import { endpoint, service, slice } from './testing/builders.js';

const SVC1 = 'KUBE-SVC-XPGD46QRK7WJZT7O';
const SEP1 = 'KUBE-SEP-SXIVWICOYRO3J4NJ';

function plan(services: Service[], endpointSlices: EndpointSlice[], options: PlannerOptions = { clusterCIDR: '10.0.0.0/24' }): ProxyPlan {
  return planProxyRules({ services, endpointSlices }, options);
}

/** ns1/svc1 at 10.20.30.41:80 (port p80) with the given endpoint IPs on port 80. */
function svc1(ips: string[], spec: Partial<Service['spec']> = {}): [Service[], EndpointSlice[]] {
  return [[service('ns1', 'svc1', '10.20.30.41', [{ name: 'p80', port: 80, protocol: 'TCP' }], spec)], [slice('ns1', 'svc1', [{ name: 'p80', port: 80, protocol: 'TCP' }], ips.map((ip) => endpoint(ip)))]];
}

function rulesOf(rules: string[], chain: string): string[] {
  return rules.filter((r) => r.startsWith(`-A ${chain} `));
}

describe('planProxyRules', () => {
  it('writes kube-proxy\'s nat rules for one Service with one endpoint', () => {
    // The nat table of kube-proxy's TestOverallIPTablesRules-style expectation for this input
    // (pkg/proxy/iptables/proxier_test.go), line for line.
    const p = plan(...svc1(['10.180.0.1']));
    assert.deepEqual(p.nat.chains, ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ', SVC1, SEP1]);
    assert.deepEqual(p.nat.rules, [
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE',
      '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
      `-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 10.20.30.41 --dport 80 -j ${SVC1}`,
      `-A ${SVC1} -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 10.20.30.41 --dport 80 ! -s 10.0.0.0/24 -j KUBE-MARK-MASQ`,
      `-A ${SVC1} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j ${SEP1}`,
      `-A ${SEP1} -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ`,
      `-A ${SEP1} -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80`,
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS',
    ]);
    assert.deepEqual(p.filter.chains, ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD']);
    assert.deepEqual(p.filter.rules, [
      '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
      '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
      '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ]);
  });

  const balancing: { endpoints: number; probabilities: (string | undefined)[] }[] = [
    { endpoints: 2, probabilities: ['0.5000000000', undefined] },
    { endpoints: 3, probabilities: ['0.3333333333', '0.5000000000', undefined] },
    { endpoints: 4, probabilities: ['0.2500000000', '0.3333333333', '0.5000000000', undefined] },
  ];
  for (const c of balancing) {
    it(`balances ${c.endpoints} endpoints with -m statistic --mode random, the last rule unconditional`, () => {
      const ips = Array.from({ length: c.endpoints }, (_, i) => `10.180.0.${i + 1}`);
      const p = plan(...svc1(ips));
      const jumps = rulesOf(p.nat.rules, SVC1).filter((r) => r.includes(' -> '));
      assert.equal(jumps.length, c.endpoints);
      assert.deepEqual(
        jumps.map((r) => /--probability (\S+)/.exec(r)?.[1]),
        c.probabilities,
      );
      for (const r of jumps.slice(0, -1)) assert.match(r, / -m statistic --mode random --probability \S+ -j KUBE-SEP-/);
    });
  }

  it('probability is 1/n with ten decimals', () => {
    assert.equal(probability(2), '0.5000000000');
    assert.equal(probability(7), '0.1428571429');
  });

  const endpointSelection: { what: string; conditions: NonNullable<Parameters<typeof endpoint>[1]>[]; want: string[] }[] = [
    { what: 'only ready endpoints', conditions: [{ ready: true }, { ready: false, serving: false }, {}], want: ['10.180.0.1:80', '10.180.0.3:80'] },
    { what: 'serving terminating endpoints when none is ready', conditions: [{ ready: false, serving: true, terminating: true }, { ready: false, serving: false, terminating: true }], want: ['10.180.0.1:80'] },
    { what: 'no not-ready endpoint that is not terminating', conditions: [{ ready: false, serving: true, terminating: false }], want: [] },
  ];
  for (const c of endpointSelection) {
    it(`uses ${c.what}`, () => {
      const [svcs] = svc1([]);
      const eps = slice('ns1', 'svc1', [{ name: 'p80', port: 80, protocol: 'TCP' }], c.conditions.map((cond, i) => endpoint(`10.180.0.${i + 1}`, cond)));
      const p = plan(svcs, [eps]);
      const dnat = p.nat.rules.filter((r) => r.includes('-j DNAT')).map((r) => /--to-destination (\S+)/.exec(r)?.[1]);
      assert.deepEqual(dnat, c.want);
    });
  }

  it('REJECTs a Service without endpoints in filter KUBE-SERVICES and KUBE-EXTERNAL-SERVICES, with no nat chain of its own', () => {
    const svc = service('ns1', 'svc1', '10.20.30.41', [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }], { type: 'NodePort', externalIPs: ['192.0.2.7'] });
    const p = plan([svc], []);
    assert.deepEqual(rulesOf(p.filter.rules, 'KUBE-SERVICES'), ['-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 10.20.30.41 --dport 80 -j REJECT']);
    assert.deepEqual(rulesOf(p.filter.rules, 'KUBE-EXTERNAL-SERVICES'), [
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 192.0.2.7 --dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT',
    ]);
    assert.equal(p.nat.chains.some((c) => /-(SVC|SEP|EXT)-/.test(c)), false);
    assert.equal(p.nat.rules.some((r) => r.includes('10.20.30.41')), false);
  });

  it('resolves a named targetPort through the EndpointSlice port of the Service port\'s name', () => {
    const svc = service('ns1', 'web', '10.20.30.50', [
      { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
      { name: 'metrics', port: 9000, targetPort: 9100, protocol: 'TCP' },
    ]);
    const eps = slice('ns1', 'web', [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9100, protocol: 'TCP' }], [endpoint('10.180.0.9')]);
    const p = plan([svc], [eps]);
    const dnat = p.nat.rules.filter((r) => r.includes('-j DNAT'));
    assert.deepEqual(dnat.map((r) => /--comment (\S+)/.exec(r)?.[1] + ' ' + /--to-destination (\S+)/.exec(r)?.[1]), ['ns1/web:http 10.180.0.9:8080', 'ns1/web:metrics 10.180.0.9:9100']);
  });

  it('joins endpoints of several slices of one Service, once each', () => {
    const [svcs] = svc1([]);
    const ports = [{ name: 'p80', port: 80, protocol: 'TCP' as const }];
    const p = plan(svcs, [slice('ns1', 'svc1', ports, [endpoint('10.180.0.2'), endpoint('10.180.0.1')], 'a'), slice('ns1', 'svc1', ports, [endpoint('10.180.0.1'), endpoint('10.180.0.3')], 'b')]);
    assert.deepEqual(p.servicePorts[0]?.endpoints.map((e) => e.address), ['10.180.0.1:80', '10.180.0.2:80', '10.180.0.3:80']);
  });

  const skipped: { what: string; svc: Service }[] = [
    { what: 'a headless Service', svc: service('ns1', 'db', 'None', [{ name: 'pg', port: 5432 }]) },
    { what: 'an ExternalName Service', svc: { ...service('ns1', 'ext', '', [{ port: 80 }]), spec: { type: 'ExternalName', externalName: 'example.org' } } },
    { what: 'a Service without cluster IP', svc: service('ns1', 'pending', '', [{ port: 80 }]) },
    { what: 'an IPv6-only Service', svc: service('ns1', 'v6', 'fd00::10', [{ port: 80 }]) },
    { what: 'a Service for another proxy', svc: { ...service('ns1', 'other', '10.20.30.60', [{ port: 80 }]), metadata: { namespace: 'ns1', name: 'other', labels: { 'service.kubernetes.io/service-proxy-name': 'cilium' } } } },
  ];
  for (const c of skipped) {
    it(`skips ${c.what}`, () => {
      const eps = slice('ns1', c.svc.metadata.name ?? '', [{ name: 'pg', port: 5432 }, { port: 80 }], [endpoint('10.180.0.1')]);
      const p = plan([c.svc], [eps]);
      assert.deepEqual(p.servicePorts, []);
      assert.equal(p.nat.rules.length, 5); // POSTROUTING ×3, MARK-MASQ, the node ports jump
      assert.equal(p.filter.rules.some((r) => r.includes('REJECT')), false);
    });
  }

  it('captures a node port in KUBE-NODEPORTS through a masquerading KUBE-EXT chain', () => {
    const svc = service('ns2', 'svc2', '172.30.0.42', [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }], { type: 'NodePort' });
    const p = plan([svc], [slice('ns2', 'svc2', [{ name: 'p80', port: 80, protocol: 'TCP' }], [endpoint('10.180.0.2')])]);
    const ext = 'KUBE-EXT-GNZBNJ2PO5MGZ6GT';
    assert.ok(p.nat.chains.includes(ext));
    assert.deepEqual(rulesOf(p.nat.rules, 'KUBE-NODEPORTS'), [`-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j ${ext}`]);
    assert.deepEqual(rulesOf(p.nat.rules, ext), [
      `-A ${ext} -m comment --comment "masquerade traffic for ns2/svc2:p80 external destinations" -j KUBE-MARK-MASQ`,
      `-A ${ext} -j KUBE-SVC-GNZBNJ2PO5MGZ6GT`,
    ]);
    assert.equal(rulesOf(p.nat.rules, 'KUBE-SERVICES').at(-1), '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS');
  });

  it('sends external IPs through the KUBE-EXT chain', () => {
    const p = plan(...svc1(['10.180.0.1'], { externalIPs: ['192.0.2.7'] }));
    assert.ok(p.nat.rules.includes('-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 external IP" -m tcp -p tcp -d 192.0.2.7 --dport 80 -j KUBE-EXT-XPGD46QRK7WJZT7O'));
  });

  it('keeps a client on its endpoint with -m recent under sessionAffinity ClientIP', () => {
    const p = plan(...svc1(['10.180.0.1', '10.180.0.2'], { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } }));
    const sep2 = endpointChain('ns1/svc1:p80', 'tcp', '10.180.0.2:80');
    const svcRules = rulesOf(p.nat.rules, SVC1);
    assert.deepEqual(svcRules.slice(1, 3), [
      `-A ${SVC1} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m recent --name ${SEP1} --rcheck --seconds 600 --reap -j ${SEP1}`,
      `-A ${SVC1} -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -m recent --name ${sep2} --rcheck --seconds 600 --reap -j ${sep2}`,
    ]);
    assert.ok(p.nat.rules.includes(`-A ${SEP1} -m comment --comment ns1/svc1:p80 -m recent --name ${SEP1} --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80`));
  });

  it('defaults the ClientIP affinity timeout to 10800 s', () => {
    const p = plan(...svc1(['10.180.0.1'], { sessionAffinity: 'ClientIP' }));
    assert.ok(rulesOf(p.nat.rules, SVC1).some((r) => r.includes('--rcheck --seconds 10800 --reap')));
  });

  const clusterIPRule = `-A ${SVC1} -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 10.20.30.41 --dport 80`;
  const masquerade: { what: string; options: PlannerOptions; want: string | undefined }[] = [
    { what: 'traffic from outside the cluster CIDR', options: { clusterCIDR: '10.42.0.0/16' }, want: `${clusterIPRule} ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ` },
    { what: 'all traffic under masqueradeAll', options: { clusterCIDR: '10.42.0.0/16', masqueradeAll: true }, want: `${clusterIPRule} -j KUBE-MARK-MASQ` },
    { what: 'nothing without a cluster CIDR', options: {}, want: undefined },
  ];
  for (const c of masquerade) {
    it(`masquerades ${c.what} to the cluster IP`, () => {
      const [s, e] = svc1(['10.180.0.1']);
      assert.equal(rulesOf(plan(s, e, c.options).nat.rules, SVC1).find((r) => r.endsWith('-j KUBE-MARK-MASQ')), c.want);
    });
  }

  it('writes -m udp -p udp for a UDP port', () => {
    const svc = service('kube-system', 'kube-dns', '10.43.0.10', [{ name: 'dns', port: 53, protocol: 'UDP' }]);
    const p = plan([svc], [slice('kube-system', 'kube-dns', [{ name: 'dns', port: 53, protocol: 'UDP' }], [endpoint('10.42.0.5')])]);
    assert.ok(p.nat.rules.includes('-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.43.0.10 --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU'));
  });

  it('does not match a UDP slice port to a TCP Service port of the same name', () => {
    const svc = service('ns1', 'svc1', '10.20.30.41', [{ name: 'p80', port: 80, protocol: 'TCP' }]);
    const p = plan([svc], [slice('ns1', 'svc1', [{ name: 'p80', port: 80, protocol: 'UDP' }], [endpoint('10.180.0.1')])]);
    assert.equal(p.filter.rules.some((r) => r.includes('ns1/svc1:p80 has no endpoints')), true);
  });

  it('answers node ports only on nodePortAddresses when given', () => {
    const [s, e] = svc1(['10.180.0.1']);
    const p = plan(s, e, { nodePortAddresses: ['192.168.1.10', '10.42.0.1'] });
    assert.deepEqual(rulesOf(p.nat.rules, 'KUBE-SERVICES').slice(-2).map((r) => r.replace(/ -m comment --comment "[^"]+"/, '')), [
      '-A KUBE-SERVICES -d 192.168.1.10 -j KUBE-NODEPORTS',
      '-A KUBE-SERVICES -d 10.42.0.1 -j KUBE-NODEPORTS',
    ]);
  });

  it('uses another mark, --random-fully and no INVALID drop when told', () => {
    const p = plan([], [], { masqueradeBit: 4, masqueradeRandomFully: true, conntrackTCPLiberal: true });
    assert.ok(p.nat.rules.includes('-A KUBE-MARK-MASQ -j MARK --or-mark 0x10'));
    assert.ok(p.nat.rules.includes('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully'));
    assert.equal(p.filter.rules.some((r) => r.includes('INVALID')), false);
  });

  it('REJECTs, after the no-endpoint rules, what is left addressed to the service CIDRs', () => {
    const svc = service('ns1', 'empty', '10.43.0.30', [{ name: 'p80', port: 80, protocol: 'TCP' }]);
    const p = plan([svc], [], { serviceCIDRs: ['10.43.0.0/16'] });
    assert.deepEqual(rulesOf(p.filter.rules, 'KUBE-SERVICES'), [
      '-A KUBE-SERVICES -m comment --comment "ns1/empty:p80 has no endpoints" -m tcp -p tcp -d 10.43.0.30 --dport 80 -j REJECT',
      '-A KUBE-SERVICES -m comment --comment "reject traffic to unallocated cluster IPs and invalid ports" -d 10.43.0.0/16 -j REJECT',
    ]);
  });

  it('names every chain with another prefix when given one', () => {
    const [s, e] = svc1(['10.180.0.1']);
    const p = plan(s, e, { chainPrefix: 'K1S2' });
    assert.deepEqual([...p.nat.chains, ...p.filter.chains].filter((c) => !c.startsWith('K1S2-')), []);
    assert.equal([...p.nat.rules, ...p.filter.rules].some((r) => r.includes('KUBE-')), false);
  });

  it('orders service ports by name, so equal input gives equal output', () => {
    const a = service('ns1', 'a', '10.20.30.1', [{ name: 'x', port: 80 }]);
    const b = service('ns1', 'b', '10.20.30.2', [{ name: 'x', port: 80 }]);
    const eps = [slice('ns1', 'a', [{ name: 'x', port: 80 }], [endpoint('10.180.0.1')]), slice('ns1', 'b', [{ name: 'x', port: 80 }], [endpoint('10.180.0.2')])];
    assert.equal(renderRestore(plan([a, b], eps)), renderRestore(plan([b, a], [...eps].reverse())));
  });
});

describe('renderRestore', () => {
  it('declares each chain (flushing it), then its rules, filter then nat; deletes stale chains in the same transaction', () => {
    const p = plan(...svc1(['10.180.0.1']));
    const text = renderRestore(p, ['KUBE-SEP-OLDOLDOLDOLDOLDO']);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], '*filter');
    assert.equal(lines.filter((l) => l === 'COMMIT').length, 2);
    const nat = lines.slice(lines.indexOf('*nat'));
    assert.ok(nat.includes(':KUBE-SEP-OLDOLDOLDOLDOLDO - [0:0]'));
    assert.deepEqual(nat.slice(-2), ['-X KUBE-SEP-OLDOLDOLDOLDOLDO', 'COMMIT']);
    assert.ok(nat.indexOf(`:${SVC1} - [0:0]`) < nat.findIndex((l) => l.startsWith(`-A ${SVC1}`)));
    assert.equal(lines.some((l) => /^:(PREROUTING|POSTROUTING|OUTPUT|INPUT|FORWARD) /.test(l)), false);
  });
});
