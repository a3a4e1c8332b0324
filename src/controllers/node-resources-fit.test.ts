// Tests of the NodeResourcesFit and NodePorts filters (node-resources-fit.ts) against kube-scheduler's reasons.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Node, Pod } from '../api/types.js';
import { hostPortConflict, insufficientResources } from './node-resources-fit.js';

const node: Node = { metadata: { name: 'n1' }, status: { allocatable: { pods: '110', cpu: '2', memory: '4Gi', 'ephemeral-storage': '10Gi', 'example.com/dongle': '2' } } };

function pod(name: string, containers: Partial<Container>[], initContainers: Partial<Container>[] = []): Pod {
  const full = (c: Partial<Container>, i: number): Container => ({ name: `c${i}`, image: 'busybox', ...c });
  return { metadata: { name, uid: name }, spec: { containers: containers.map(full), initContainers: initContainers.map(full) } };
}
const requests = (r: Record<string, string>): Partial<Container> => ({ resources: { requests: r } });

describe('NodeResourcesFit', () => {
  it('fits a pod that requests nothing on a node whatever its other pods request', () => {
    const hog = pod('hog', [requests({ cpu: '2', memory: '4Gi' })]);
    assert.deepEqual(insufficientResources(pod('p', [{}]), node, [hog]), []);
  });

  it('says Insufficient cpu when the request exceeds allocatable minus what bound pods request', () => {
    const bound = pod('b', [requests({ cpu: '1500m' })]);
    assert.deepEqual(insufficientResources(pod('p', [requests({ cpu: '500m' })]), node, [bound]), []);
    assert.deepEqual(insufficientResources(pod('p', [requests({ cpu: '501m' })]), node, [bound]), ['Insufficient cpu']);
  });

  it('lists every insufficient resource in upstream order: pods, cpu, memory, ephemeral-storage, then scalar resources', () => {
    const small: Node = { metadata: { name: 'n1' }, status: { allocatable: { pods: '1', cpu: '1', memory: '1Gi', 'ephemeral-storage': '1Gi' } } };
    const big = pod('p', [requests({ cpu: '2', memory: '2Gi', 'ephemeral-storage': '2Gi', 'example.com/dongle': '1', 'hugepages-2Mi': '2Mi' })]);
    assert.deepEqual(insufficientResources(big, small, [pod('b', [{}])]), [
      'Too many pods',
      'Insufficient cpu',
      'Insufficient memory',
      'Insufficient ephemeral-storage',
      'Insufficient example.com/dongle',
      'Insufficient hugepages-2Mi',
    ]);
  });

  it('counts an extended resource against what the node advertises', () => {
    const one = pod('one', [requests({ 'example.com/dongle': '1' })]);
    assert.deepEqual(insufficientResources(pod('p', [requests({ 'example.com/dongle': '1' })]), node, [one]), []);
    assert.deepEqual(insufficientResources(pod('p', [requests({ 'example.com/dongle': '2' })]), node, [one]), ['Insufficient example.com/dongle']);
  });

  it('sums app containers and sidecars, and takes the largest init container beside the sidecars before it', () => {
    // app 1 cpu + sidecar 500m = 1500m; the plain init container needs 1800m + the 500m sidecar started before it = 2300m > 2.
    const withInit = pod('p', [requests({ cpu: '1' })], [{ ...requests({ cpu: '500m' }), restartPolicy: 'Always' }, requests({ cpu: '1800m' })]);
    assert.deepEqual(insufficientResources(withInit, node, []), ['Insufficient cpu']);
    const fits = pod('p', [requests({ cpu: '1' })], [{ ...requests({ cpu: '500m' }), restartPolicy: 'Always' }, requests({ cpu: '1500m' })]);
    assert.deepEqual(insufficientResources(fits, node, []), []);
  });

  it('counts memory in bytes across units', () => {
    const bound = pod('b', [requests({ memory: '3Gi' })]);
    assert.deepEqual(insufficientResources(pod('p', [requests({ memory: '1024Mi' })]), node, [bound]), []);
    assert.deepEqual(insufficientResources(pod('p', [requests({ memory: '1074741825' })]), node, [bound]), ['Insufficient memory']);
  });
});

describe('NodePorts', () => {
  const web = (name: string, hostPort: number, extra: { hostIP?: string; protocol?: 'TCP' | 'UDP' } = {}): Pod =>
    pod(name, [{ ports: [{ containerPort: 80, hostPort, ...extra }] }]);

  it('refuses a host port another pod on the node holds, on the same protocol', () => {
    assert.equal(hostPortConflict(web('b', 8080), [web('a', 8080)]), "node(s) didn't have free ports for the requested pod ports");
    assert.equal(hostPortConflict(web('b', 8080, { protocol: 'UDP' }), [web('a', 8080)]), undefined);
    assert.equal(hostPortConflict(web('b', 8081), [web('a', 8080)]), undefined);
  });

  it('treats 0.0.0.0 as conflicting with every host IP, and two distinct IPs as free', () => {
    assert.equal(hostPortConflict(web('b', 8080, { hostIP: '127.0.0.1' }), [web('a', 8080)]), "node(s) didn't have free ports for the requested pod ports");
    assert.equal(hostPortConflict(web('b', 8080, { hostIP: '127.0.0.1' }), [web('a', 8080, { hostIP: '127.0.0.2' })]), undefined);
  });

  it('ignores container ports without a host port', () => {
    assert.equal(hostPortConflict(pod('b', [{ ports: [{ containerPort: 80 }] }]), [pod('a', [{ ports: [{ containerPort: 80 }] }])]), undefined);
  });
});
