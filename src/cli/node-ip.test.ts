import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { test } from 'node:test';
import { StartupError } from './error-line.js';
import { assertLocalNodeIP, localIPv4Addresses } from './node-ip.js';

const v4 = (address: string, iface = 'eth0'): NetworkInterfaceInfo => ({ address, family: 'IPv4', internal: iface === 'lo', netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` });
const machine: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lo: [v4('127.0.0.1', 'lo')],
  eth0: [v4('192.0.2.2'), { address: 'fe80::1', family: 'IPv6', internal: false, netmask: 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', cidr: 'fe80::1/64', scopeid: 2 }],
  'k1s-1a2b3c4d': [v4('10.42.0.1', 'k1s-1a2b3c4d')],
};

test('localIPv4Addresses lists every interface\'s IPv4 addresses, loopback included, no IPv6', () => {
  assert.deepEqual(localIPv4Addresses(machine), ['127.0.0.1', '192.0.2.2', '10.42.0.1']);
});

test('assertLocalNodeIP accepts an address of this machine and 127.0.0.1', () => {
  assert.doesNotThrow(() => assertLocalNodeIP('10.42.0.1', machine));
  assert.doesNotThrow(() => assertLocalNodeIP('127.0.0.1', {}));
});

test('assertLocalNodeIP refuses an address no interface has, naming the local ones', () => {
  assert.throws(
    () => assertLocalNodeIP('10.99.0.1', machine),
    (err: unknown) => err instanceof StartupError && err.message === "--node-ip 10.99.0.1 is not an address of this machine (its IPv4 addresses: 127.0.0.1, 192.0.2.2, 10.42.0.1): give one of them, or the pod bridge's gateway",
  );
});
