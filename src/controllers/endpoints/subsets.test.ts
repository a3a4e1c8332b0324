import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointAddress } from '../../api/services.js';
import type { Pod } from '../../api/types.js';
import { testPod, testService } from '../testing/builders.js';
import { computeSubsets, MAX_ENDPOINTS_CAPACITY, repackSubsets, truncateSubsets } from './subsets.js';

function address(pod: Pod, extra: Partial<EndpointAddress> = {}): EndpointAddress {
  return {
    ip: pod.status?.podIP ?? '',
    nodeName: pod.spec.nodeName ?? '',
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
    ...extra,
  };
}

const HTTP = { name: 'http', port: 8080, protocol: 'TCP' as const };

describe('computeSubsets', () => {
  it('puts ready pods in addresses and not-ready pods in notReadyAddresses, with targetRef and nodeName, sorted by IP', () => {
    const a = testPod('a', { ip: '10.42.0.12' });
    const b = testPod('b', { ip: '10.42.0.11', ready: false });
    const c = testPod('c', { ip: '10.42.0.10' });
    assert.deepEqual(computeSubsets(testService('web'), [a, b, c]), [{ addresses: [address(c), address(a)], notReadyAddresses: [address(b)], ports: [HTTP] }]);
  });

  it('publishNotReadyAddresses puts every pod in addresses, terminating ones included', () => {
    const a = testPod('a', { ip: '10.42.0.1', ready: false });
    const t = testPod('t', { ip: '10.42.0.2', deletionTimestamp: '2024-05-01T10:00:00Z' });
    assert.deepEqual(computeSubsets(testService('web', { publishNotReadyAddresses: true }), [a, t]), [{ addresses: [address(a), address(t)], ports: [HTTP] }]);
  });

  it('leaves out pods without an IP, terminating pods and terminal pods', () => {
    const pods = [
      testPod('no-ip'),
      testPod('terminating', { ip: '10.42.0.2', deletionTimestamp: '2024-05-01T10:00:00Z' }),
      testPod('done', { ip: '10.42.0.3', phase: 'Succeeded' }),
      testPod('failed', { ip: '10.42.0.4', phase: 'Failed' }),
    ];
    assert.deepEqual(computeSubsets(testService('web'), pods), []);
  });

  it('resolves a named targetPort per pod; a pod without that port name gets no subset for it', () => {
    const svc = testService('web', { ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }] });
    const a = testPod('a', { ip: '10.42.0.1', ports: [{ name: 'web', containerPort: 8080 }] });
    const b = testPod('b', { ip: '10.42.0.2', ports: [{ name: 'web', containerPort: 8081 }] });
    const c = testPod('c', { ip: '10.42.0.3', ports: [{ name: 'other', containerPort: 7000 }] });
    const metrics = { name: 'metrics', port: 9090, protocol: 'TCP' as const };
    assert.deepEqual(computeSubsets(svc, [a, b, c]), [
      { addresses: [address(a), address(b), address(c)], ports: [metrics] },
      { addresses: [address(a)], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [address(b)], ports: [{ name: 'http', port: 8081, protocol: 'TCP' }] },
    ]);
  });

  it('finds a named port on a native sidecar and only with the same protocol', () => {
    const svc = testService('dns', { ports: [{ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }] });
    const sidecar = testPod('s', { ip: '10.42.0.1', sidecarPorts: [{ name: 'dns', containerPort: 5353, protocol: 'UDP' }] });
    const tcpOnly = testPod('t', { ip: '10.42.0.2', ports: [{ name: 'dns', containerPort: 5353, protocol: 'TCP' }] });
    assert.deepEqual(computeSubsets(svc, [sidecar, tcpOnly]), [{ addresses: [address(sidecar)], ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }] }]);
  });

  it('defaults the targetPort to the Service port and omits an empty port name', () => {
    const svc = testService('web', { ports: [{ port: 80 }] });
    const a = testPod('a', { ip: '10.42.0.1' });
    assert.deepEqual(computeSubsets(svc, [a]), [{ addresses: [address(a)], ports: [{ port: 80, protocol: 'TCP' }] }]);
  });

  it('sets hostname only when the pod subdomain is the Service', () => {
    const svc = testService('db');
    const named = testPod('a', { ip: '10.42.0.1', hostname: 'db-0', subdomain: 'db' });
    const other = testPod('b', { ip: '10.42.0.2', hostname: 'x', subdomain: 'elsewhere' });
    assert.deepEqual(computeSubsets(svc, [named, other]), [{ addresses: [address(named, { hostname: 'db-0' }), address(other)], ports: [HTTP] }]);
  });

  it('keeps the addresses of a headless Service without ports, and none of a ClusterIP one without ports', () => {
    const a = testPod('a', { ip: '10.42.0.1' });
    assert.deepEqual(computeSubsets(testService('h', { clusterIP: 'None', ports: [] }), [a]), [{ addresses: [address(a)] }]);
    assert.deepEqual(computeSubsets(testService('c', { ports: [] }), [a]), []);
  });
});

describe('repackSubsets', () => {
  it('merges subsets with the same ports and lets not-ready win over ready for one address', () => {
    const a: EndpointAddress = { ip: '10.0.0.1', targetRef: { uid: 'a' } };
    const b: EndpointAddress = { ip: '10.0.0.2', targetRef: { uid: 'b' } };
    const p = { name: 'p', port: 1, protocol: 'TCP' as const };
    const q = { name: 'q', port: 2, protocol: 'TCP' as const };
    assert.deepEqual(
      repackSubsets([
        { addresses: [b], ports: [p] },
        { addresses: [a], ports: [p] },
        { notReadyAddresses: [a], ports: [p] },
        { addresses: [a, b], ports: [q] },
      ]),
      [
        { addresses: [a, b], ports: [q] },
        { addresses: [b], notReadyAddresses: [a], ports: [p] },
      ],
    );
  });
});

describe('truncateSubsets', () => {
  it('keeps at most 1000 addresses, ready ones first, and leaves a small object alone', () => {
    const addrs = (n: number, from: number): EndpointAddress[] => Array.from({ length: n }, (_, i) => ({ ip: `10.1.${Math.floor((from + i) / 250)}.${(from + i) % 250}` }));
    assert.equal(truncateSubsets([{ addresses: addrs(10, 0) }]), undefined);
    const t = truncateSubsets([{ addresses: addrs(900, 0), notReadyAddresses: addrs(300, 900) }]);
    assert.equal(t?.[0]?.addresses?.length, 900);
    assert.equal(t?.[0]?.notReadyAddresses?.length, MAX_ENDPOINTS_CAPACITY - 900);
    const r = truncateSubsets([{ addresses: addrs(1200, 0), notReadyAddresses: addrs(5, 1200) }]);
    assert.equal(r?.[0]?.addresses?.length, MAX_ENDPOINTS_CAPACITY);
    assert.equal(r?.[0]?.notReadyAddresses, undefined);
  });
});
