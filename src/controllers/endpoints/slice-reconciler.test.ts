import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSlice } from '../../api/services.js';
import type { Node, Pod } from '../../api/types.js';
import { testPod, testService } from '../testing/builders.js';
import { addressTypesOf, reconcileSlices } from './slice-reconciler.js';

const node1: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1', labels: { 'topology.kubernetes.io/zone': 'z1' } } };
const nodes = new Map([['node1', node1]]);
const svc = testService('web', { labels: { app: 'web' } });

/** The plan's slices as the API would store them, named web-1, web-2... in creation order. */
function apply(slices: EndpointSlice[], plan: ReturnType<typeof reconcileSlices>): EndpointSlice[] {
  const byName = new Map(slices.map((s) => [s.metadata.name ?? '', s]));
  for (const d of plan.delete) byName.delete(d.metadata.name ?? '');
  for (const u of plan.update) byName.set(u.metadata.name ?? '', u);
  let n = byName.size;
  for (const c of plan.create) {
    const name = `web-${++n}`;
    byName.set(name, { ...c, metadata: { ...c.metadata, name, resourceVersion: String(n) } });
  }
  return [...byName.values()];
}

function ips(slices: EndpointSlice[]): string[] {
  return slices.flatMap((s) => s.endpoints.flatMap((e) => e.addresses)).sort();
}

describe('reconcileSlices', () => {
  it('creates one slice for a new Service: generateName, labels, controller ownerReference, IPv4, ports, endpoints', () => {
    const pod = testPod('a', { ip: '10.42.0.5', hostname: 'a', subdomain: 'web' });
    const plan = reconcileSlices({ service: svc, pods: [pod], slices: [], nodes });
    assert.deepEqual(plan.update, []);
    assert.deepEqual(plan.delete, []);
    assert.deepEqual(plan.create, [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: 'web-',
          namespace: 'default',
          labels: { app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc-web', controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [
          {
            addresses: ['10.42.0.5'],
            conditions: { ready: true, serving: true, terminating: false },
            targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
            nodeName: 'node1',
            zone: 'z1',
            hostname: 'a',
          },
        ],
      },
    ]);
  });

  it('gives terminating pods ready false, serving as their readiness and terminating true; not-ready pods ready and serving false', () => {
    const pods = [
      testPod('t-ready', { ip: '10.42.0.1', deletionTimestamp: '2024-05-01T10:00:00Z' }),
      testPod('t-unready', { ip: '10.42.0.2', ready: false, deletionTimestamp: '2024-05-01T10:00:00Z' }),
      testPod('unready', { ip: '10.42.0.3', ready: false }),
      testPod('no-ip'),
      testPod('done', { ip: '10.42.0.4', phase: 'Succeeded' }),
    ];
    const conditions = reconcileSlices({ service: svc, pods, slices: [], nodes }).create.flatMap((s) => s.endpoints.map((e) => [e.targetRef?.name, e.conditions]));
    assert.deepEqual(conditions, [
      ['t-ready', { ready: false, serving: true, terminating: true }],
      ['t-unready', { ready: false, serving: false, terminating: true }],
      ['unready', { ready: false, serving: false, terminating: false }],
    ]);
  });

  it('publishNotReadyAddresses makes every endpoint ready', () => {
    const pods = [testPod('t', { ip: '10.42.0.1', ready: false, deletionTimestamp: '2024-05-01T10:00:00Z' })];
    const plan = reconcileSlices({ service: testService('web', { publishNotReadyAddresses: true }), pods, slices: [], nodes });
    assert.deepEqual(plan.create[0]?.endpoints[0]?.conditions, { ready: true, serving: false, terminating: true });
  });

  it('puts at most 100 endpoints in a slice: 250 pods make slices of 100, 100 and 50', () => {
    const pods = Array.from({ length: 250 }, (_, i) => testPod(`p${String(i).padStart(3, '0')}`, { ip: `10.42.${Math.floor(i / 200)}.${i % 200}` }));
    const plan = reconcileSlices({ service: svc, pods, slices: [], nodes });
    assert.deepEqual(plan.create.map((s) => s.endpoints.length), [100, 100, 50]);
    assert.equal(ips(plan.create).length, 250);
  });

  it('creates a placeholder slice without endpoints or ports when nothing is selected, and keeps it afterwards', () => {
    const first = reconcileSlices({ service: svc, pods: [], slices: [], nodes });
    assert.equal(first.create.length, 1);
    assert.deepEqual(first.create[0]?.endpoints, []);
    assert.deepEqual(first.create[0]?.ports, []);
    const again = reconcileSlices({ service: svc, pods: [], slices: apply([], first), nodes });
    assert.deepEqual(again, { create: [], update: [], delete: [], podsWithoutNode: [] });
  });

  it('turns the placeholder into the first real slice (an update, not a create and a delete)', () => {
    const slices = apply([], reconcileSlices({ service: svc, pods: [], slices: [], nodes }));
    const plan = reconcileSlices({ service: svc, pods: [testPod('a', { ip: '10.42.0.5' })], slices, nodes });
    assert.equal(plan.create.length, 0);
    assert.equal(plan.delete.length, 0);
    assert.equal(plan.update[0]?.metadata.name, slices[0]?.metadata.name);
    assert.deepEqual(ips(plan.update), ['10.42.0.5']);
  });

  it('updates only what changed: a readiness change rewrites the slice, an unchanged pod set rewrites nothing', () => {
    const pods = [testPod('a', { ip: '10.42.0.5' }), testPod('b', { ip: '10.42.0.6' })];
    const slices = apply([], reconcileSlices({ service: svc, pods, slices: [], nodes }));
    assert.deepEqual(reconcileSlices({ service: svc, pods, slices, nodes }), { create: [], update: [], delete: [], podsWithoutNode: [] });
    const changed: Pod[] = [pods[0]!, testPod('b', { ip: '10.42.0.6', ready: false })];
    const plan = reconcileSlices({ service: svc, pods: changed, slices, nodes });
    assert.equal(plan.update.length, 1);
    assert.deepEqual(plan.update[0]?.endpoints.map((e) => e.conditions?.ready), [true, false]);
  });

  it('groups pods by their resolved ports: a named targetPort resolving differently makes a second slice', () => {
    const named = testService('web', { ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] });
    const a = testPod('a', { ip: '10.42.0.1', ports: [{ name: 'web', containerPort: 8080 }] });
    const b = testPod('b', { ip: '10.42.0.2', ports: [{ name: 'web', containerPort: 9090 }] });
    const plan = reconcileSlices({ service: named, pods: [a, b], slices: [], nodes });
    assert.deepEqual(plan.create.map((s) => [s.ports?.[0]?.port, s.endpoints.map((e) => e.addresses[0])]), [
      [8080, ['10.42.0.1']],
      [9090, ['10.42.0.2']],
    ]);
  });

  it('deletes slices of an older Service of the same name (other uid), reusing one for the new Service', () => {
    const old = apply([], reconcileSlices({ service: testService('web', { uid: 'old-uid' }), pods: [testPod('a', { ip: '10.42.0.1' })], slices: [], nodes }));
    const plan = reconcileSlices({ service: svc, pods: [testPod('a', { ip: '10.42.0.1' })], slices: old, nodes });
    assert.deepEqual(plan.update, []);
    assert.deepEqual(plan.delete.map((s) => s.metadata.name), [old[0]?.metadata.name]);
    assert.equal(plan.create[0]?.metadata.ownerReferences?.[0]?.uid, 'uid-svc-web');
  });

  it('follows the Service labels and marks a headless Service service.kubernetes.io/headless', () => {
    const slices = apply([], reconcileSlices({ service: svc, pods: [testPod('a', { ip: '10.42.0.1' })], slices: [], nodes }));
    const relabelled = testService('web', { labels: { app: 'web', tier: 'front' } });
    assert.equal(reconcileSlices({ service: relabelled, pods: [testPod('a', { ip: '10.42.0.1' })], slices, nodes }).update[0]?.metadata.labels?.['tier'], 'front');
    const headless = reconcileSlices({ service: testService('db', { clusterIP: 'None' }), pods: [], slices: [], nodes });
    assert.equal(headless.create[0]?.metadata.labels?.['service.kubernetes.io/headless'], '');
  });

  it('leaves out a pod on an unknown node and says so', () => {
    const plan = reconcileSlices({ service: svc, pods: [testPod('a', { ip: '10.42.0.1', nodeName: 'gone' })], slices: [], nodes });
    assert.deepEqual(plan.podsWithoutNode, ['a']);
    assert.deepEqual(ips(plan.create), []);
  });

  it('derives address types from ipFamilies, else the cluster IP, else both for headless', () => {
    assert.deepEqual(addressTypesOf(svc), ['IPv4']);
    assert.deepEqual(addressTypesOf({ metadata: {}, spec: { clusterIP: 'fd00::1' } }), ['IPv6']);
    assert.deepEqual(addressTypesOf({ metadata: {}, spec: { clusterIP: 'None' } }), ['IPv4', 'IPv6']);
  });
});
