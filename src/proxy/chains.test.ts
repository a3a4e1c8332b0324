import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainNames, endpointChain, externalChain, isServiceChainName, jumpRules, portProtoHash, serviceChain } from './chains.js';

describe('chain names', () => {
  // Chain names as kube-proxy's own tests (pkg/proxy/iptables/proxier_test.go) and real clusters show them.
  const cases: { what: string; got: () => string; want: string }[] = [
    { what: 'KUBE-SVC of ns1/svc1:p80 tcp', got: () => serviceChain('ns1/svc1:p80', 'tcp'), want: 'KUBE-SVC-XPGD46QRK7WJZT7O' },
    { what: 'KUBE-SVC of ns2/svc2:p8080 tcp', got: () => serviceChain('ns2/svc2:p8080', 'tcp'), want: 'KUBE-SVC-2VJB64SDSIJUP5T6' },
    { what: 'KUBE-EXT of ns2/svc2:p80 tcp', got: () => externalChain('ns2/svc2:p80', 'tcp'), want: 'KUBE-EXT-GNZBNJ2PO5MGZ6GT' },
    { what: 'KUBE-SEP of ns1/svc1:p80 tcp 10.180.0.1:80', got: () => endpointChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80'), want: 'KUBE-SEP-SXIVWICOYRO3J4NJ' },
    { what: 'KUBE-SEP of ns1/svc1:p80 tcp 10.0.1.1:80', got: () => endpointChain('ns1/svc1:p80', 'tcp', '10.0.1.1:80'), want: 'KUBE-SEP-SNQ3ZNILQDEJNDQO' },
    { what: 'KUBE-SEP of ns2/svc2:p8080 tcp 10.0.2.1:8080', got: () => endpointChain('ns2/svc2:p8080', 'tcp', '10.0.2.1:8080'), want: 'KUBE-SEP-UHEGFW77JX3KXTOV' },
    { what: 'the kubernetes Service', got: () => serviceChain('default/kubernetes:https', 'tcp'), want: 'KUBE-SVC-NPX46M4PTMTKRN6Y' },
    { what: 'kube-dns over UDP', got: () => serviceChain('kube-system/kube-dns:dns', 'udp'), want: 'KUBE-SVC-TCOU7JCQXEZGVUNU' },
    { what: 'kube-dns over TCP', got: () => serviceChain('kube-system/kube-dns:dns-tcp', 'tcp'), want: 'KUBE-SVC-ERIFXISQEP7F7OF4' },
    { what: 'another prefix keeps the hash', got: () => serviceChain('ns1/svc1:p80', 'tcp', 'K1S2'), want: 'K1S2-SVC-XPGD46QRK7WJZT7O' },
  ];
  for (const c of cases) it(`${c.what} is ${c.want}`, () => assert.equal(c.got(), c.want));

  it('portProtoHash is 16 characters of the base32 alphabet and depends on the protocol', () => {
    assert.match(portProtoHash('ns/a:x', 'tcp'), /^[A-Z2-7]{16}$/);
    assert.notEqual(portProtoHash('ns/a:x', 'tcp'), portProtoHash('ns/a:x', 'udp'));
  });

  it('recognises per-service chains of its prefix only', () => {
    for (const c of ['KUBE-SVC-XPGD46QRK7WJZT7O', 'KUBE-SEP-SXIVWICOYRO3J4NJ', 'KUBE-EXT-GNZBNJ2PO5MGZ6GT', 'KUBE-SVL-XPGD46QRK7WJZT7O', 'KUBE-FW-XPGD46QRK7WJZT7O']) {
      assert.equal(isServiceChainName(c), true, c);
    }
    for (const c of ['KUBE-SERVICES', 'KUBE-MARK-MASQ', 'KUBE-FIREWALL', 'CNI-HOSTPORT-DNAT', 'K1S2-SVC-XPGD46QRK7WJZT7O']) assert.equal(isServiceChainName(c), false, c);
    assert.equal(isServiceChainName('K1S2-SVC-XPGD46QRK7WJZT7O', 'K1S2'), true);
  });

  it('rejects a prefix that would make chain names too long', () => {
    assert.throws(() => chainNames('KUBERNETES'), /invalid chain prefix "KUBERNETES"/);
    assert.throws(() => chainNames('kube'), /invalid chain prefix/);
  });

  it('with a scope, hooks PREROUTING traffic from its own bridge and from outside the k1s bridges only', () => {
    const nat = jumpRules(chainNames('K1SAB12'), { podBridgeInterface: 'k1s-0badf00d', otherBridgesPrefix: 'k1s' })
      .filter((j) => j.table === 'nat' && j.from === 'PREROUTING')
      .map((j) => j.args.join(' '));
    assert.deepEqual(nat, [
      '! -i k1s+ -m comment --comment kubernetes service portals -j K1SAB12-SERVICES',
      '-i k1s-0badf00d -m comment --comment kubernetes service portals -j K1SAB12-SERVICES',
    ]);
    assert.throws(() => jumpRules(chainNames(), { podBridgeInterface: 'a-name-longer-than-15', otherBridgesPrefix: 'k1s' }), /invalid proxy scope/);
  });

  it('names the service-CIDR guard after the prefix', () => {
    assert.equal(chainNames().guard, 'KUBE-SERVICE-GUARD');
    assert.equal(chainNames('K1SAB12').guard, 'K1SAB12-SERVICE-GUARD');
  });

  it('hooks KUBE-SERVICES into nat PREROUTING and OUTPUT and KUBE-POSTROUTING into POSTROUTING', () => {
    const nat = jumpRules(chainNames()).filter((j) => j.table === 'nat').map((j) => `${j.from} ${j.args.join(' ')}`);
    assert.deepEqual(nat, [
      'OUTPUT -m comment --comment kubernetes service portals -j KUBE-SERVICES',
      'PREROUTING -m comment --comment kubernetes service portals -j KUBE-SERVICES',
      'POSTROUTING -m comment --comment kubernetes postrouting rules -j KUBE-POSTROUTING',
    ]);
  });
});
