import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overlappingAddresses } from './bridge.js';

describe('overlappingAddresses', () => {
  const links = [
    { ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
    { ifname: 'eth0', addr_info: [{ family: 'inet', local: '192.168.1.20', prefixlen: 24 }, { family: 'inet6', local: 'fe80::1', prefixlen: 64 }] },
    { ifname: 'k1s-aaaaaaaa', addr_info: [{ family: 'inet', local: '10.42.0.1', prefixlen: 24 }] },
    { ifname: 'docker0', addr_info: [{ family: 'inet', local: '10.0.0.1', prefixlen: 8 }] },
  ];

  it('names another interface on the pod subnet or inside it, not a wider network containing it', () => {
    assert.deepEqual(overlappingAddresses(links, '10.42.0.0/24', 'k1s-bbbbbbbb'), ['k1s-aaaaaaaa 10.42.0.1/24']);
    assert.deepEqual(overlappingAddresses(links, '10.42.0.0/16', 'k1s-bbbbbbbb'), ['k1s-aaaaaaaa 10.42.0.1/24']);
    assert.deepEqual(overlappingAddresses(links, '10.0.0.0/8', 'k1s-bbbbbbbb'), ['k1s-aaaaaaaa 10.42.0.1/24', 'docker0 10.0.0.1/8']);
  });

  it('ignores the server\'s own bridge and disjoint subnets', () => {
    assert.deepEqual(overlappingAddresses(links.slice(0, 3), '10.42.0.0/24', 'k1s-aaaaaaaa'), []);
    assert.deepEqual(overlappingAddresses(links.slice(0, 3), '10.43.1.0/24', 'k1s-bbbbbbbb'), []);
  });
});
