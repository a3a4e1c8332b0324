// Unit tests of the CNI conflist rendering and pod CIDR arithmetic.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BRIDGE_NAME_PREFIX, bridgeNameFor, chooseBridgeName, conflistBridge, conflistNetworkName, conflistSubnet, gatewayOf, LEGACY_BRIDGE_NAME, nodePodCidr, renderCniConflist } from './cni.js';

describe('nodePodCidr', () => {
  it('takes the first /24 of k3s default cluster CIDR', () => {
    assert.equal(nodePodCidr(), '10.42.0.0/24');
  });
  it('takes the n-th /24 and normalises host bits', () => {
    assert.equal(nodePodCidr('10.50.3.7/16', 2), '10.50.2.0/24');
  });
  it('keeps a cluster CIDR already narrower than /24', () => {
    assert.equal(nodePodCidr('192.168.5.128/25'), '192.168.5.128/25');
  });
  it('rejects invalid CIDRs', () => {
    assert.throws(() => nodePodCidr('10.42.0.0'), /invalid CIDR "10\.42\.0\.0"/);
    assert.throws(() => nodePodCidr('300.1.1.1/8'), /invalid CIDR/);
  });
});

describe('renderCniConflist', () => {
  it('renders a bridge with host-local IPAM over the pod CIDR, then portmap', () => {
    const conf = JSON.parse(renderCniConflist({ ipamDataDir: '/d/ipam', podCidr: '10.42.0.0/24' })) as {
      cniVersion: string;
      plugins: Record<string, unknown>[];
    };
    assert.equal(conf.cniVersion, '1.0.0');
    const [bridge, portmap] = conf.plugins;
    assert.equal(bridge?.['type'], 'bridge');
    assert.equal(bridge?.['bridge'], 'k1s0');
    assert.equal(bridge?.['isGateway'], true);
    assert.equal(bridge?.['ipMasq'], true);
    assert.deepEqual(bridge?.['ipam'], {
      type: 'host-local',
      dataDir: '/d/ipam',
      ranges: [[{ subnet: '10.42.0.0/24', gateway: '10.42.0.1' }]],
      routes: [{ dst: '0.0.0.0/0' }],
    });
    assert.deepEqual(portmap, { type: 'portmap', capabilities: { portMappings: true }, snat: true });
  });

  it('takes the bridge name and subnet as options so two servers can coexist', () => {
    const conf = renderCniConflist({ ipamDataDir: '/x', podCidr: '10.43.9.0/24', bridge: bridgeNameFor('/tmp/other') });
    assert.match(conf, /"bridge": "k1s-[0-9a-f]{8}"/);
    assert.match(conf, /"gateway": "10\.43\.9\.1"/);
  });

  it('rejects a bridge name longer than IFNAMSIZ', () => {
    assert.throws(() => renderCniConflist({ ipamDataDir: '/x', bridge: 'a-very-long-bridge-name' }), /invalid bridge name/);
  });

  it('computes the gateway as the first address', () => {
    assert.equal(gatewayOf('10.1.2.128/25'), '10.1.2.129');
  });
});

describe('chooseBridgeName', () => {
  const legacy = renderCniConflist({ ipamDataDir: '/d/containerd/cni/ipam', podCidr: '10.42.0.0/24', bridge: LEGACY_BRIDGE_NAME });
  it('gives a new data dir (no conflist yet) its own bridge, different for each data dir', () => {
    assert.equal(chooseBridgeName('/var/lib/k1s', undefined), bridgeNameFor('/var/lib/k1s'));
    assert.notEqual(chooseBridgeName('/srv/a', undefined), chooseBridgeName('/srv/b', undefined));
    assert.match(chooseBridgeName('/srv/a', undefined), /^k1s-[0-9a-f]{8}$/);
  });
  it('keeps "k1s0" for an existing install whose conflist names it', () => {
    assert.equal(chooseBridgeName('/var/lib/k1s', legacy), 'k1s0');
  });
  it('keeps whatever bridge the existing conflist names', () => {
    const other = renderCniConflist({ ipamDataDir: '/x', bridge: 'k1s-deadbeef' });
    assert.equal(chooseBridgeName('/srv/a', other), 'k1s-deadbeef');
  });
  it('derives the name when the existing conflist is unreadable or names no bridge', () => {
    assert.equal(chooseBridgeName('/srv/a', '{not json'), bridgeNameFor('/srv/a'));
    assert.equal(chooseBridgeName('/srv/a', JSON.stringify({ plugins: [{ type: 'portmap' }] })), bridgeNameFor('/srv/a'));
  });
});

describe('conflistBridge', () => {
  it('reads the bridge plugin of a rendered conflist (what k1s killall deletes)', () => {
    assert.equal(conflistBridge(renderCniConflist({ ipamDataDir: '/x', bridge: 'k1s-0123abcd' })), 'k1s-0123abcd');
    assert.equal(conflistBridge(''), undefined);
  });
});

describe('conflistSubnet', () => {
  it('reads the pod subnet of a rendered conflist', () => {
    assert.equal(conflistSubnet(renderCniConflist({ ipamDataDir: '/x', podCidr: '10.77.0.0/24' })), '10.77.0.0/24');
    assert.equal(conflistSubnet('{}'), undefined);
    assert.equal(conflistSubnet('nope'), undefined);
  });
});

describe('conflistNetworkName', () => {
  it('reads the network name a conflist was written with', () => {
    assert.equal(conflistNetworkName(renderCniConflist({ ipamDataDir: '/x', networkName: 'k1s-0badf00d' })), 'k1s-0badf00d');
    assert.equal(conflistNetworkName(renderCniConflist({ ipamDataDir: '/x' })), 'k1s');
  });

  it('is undefined for text that is no conflist', () => {
    assert.equal(conflistNetworkName('{not json'), undefined);
    assert.equal(conflistNetworkName('{}'), undefined);
  });
});

describe('BRIDGE_NAME_PREFIX', () => {
  it('begins every bridge name k1s gives, legacy and derived', () => {
    for (const name of [LEGACY_BRIDGE_NAME, bridgeNameFor('/srv/a'), bridgeNameFor('/var/lib/k1s')]) assert.ok(name.startsWith(BRIDGE_NAME_PREFIX), name);
  });
});
