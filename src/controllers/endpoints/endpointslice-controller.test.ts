import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EndpointSlice } from '../../api/services.js';
import type { Pod } from '../../api/types.js';
import { startGarbageCollector } from '../garbagecollector/garbagecollector.js';
import { testPod, testService } from '../testing/builders.js';
import { FakeApi } from '../testing/fake-api.js';
import { startEndpointSliceController, type EndpointSliceController } from './endpointslice-controller.js';

const SVCS = '/api/v1/namespaces/default/services';
const PODS = '/api/v1/namespaces/default/pods';
const SLICES = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';

async function eventually(what: string, fn: () => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('EndpointSlice controller', () => {
  let api: FakeApi;
  let controller: EndpointSliceController;
  const errors: unknown[] = [];
  beforeEach(() => {
    api = new FakeApi();
    errors.length = 0;
    api.seed('/api/v1/nodes', { metadata: { name: 'node1' } });
  });
  afterEach(async () => {
    await controller.stop();
    assert.deepEqual(errors, []);
  });
  const start = async (): Promise<void> => {
    controller = startEndpointSliceController({ client: api, retryDelayMs: 20, onError: (e) => errors.push(e) });
    await controller.synced;
  };
  const slicesOf = (svc: string): EndpointSlice[] => api.all<EndpointSlice>(SLICES).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
  const endpointsOf = (svc: string): { ip: string; ready: boolean | undefined; serving: boolean | undefined; terminating: boolean | undefined }[] =>
    slicesOf(svc).flatMap((s) => s.endpoints.map((e) => ({ ip: e.addresses[0] ?? '', ready: e.conditions?.ready, serving: e.conditions?.serving, terminating: e.conditions?.terminating })));

  it('creates the slice of a selector Service, owned by it and labelled, with the trigger-time annotation', async () => {
    api.seed(SVCS, testService('web', { creationTimestamp: '2024-05-01T09:00:00Z' }));
    api.seed(PODS, testPod('a', { ip: '10.42.0.5' }));
    await start();
    await eventually('the slice', () => slicesOf('web').length === 1);
    const slice = slicesOf('web')[0]!;
    assert.match(slice.metadata.name ?? '', /^web-/);
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc-web', controller: true, blockOwnerDeletion: true }]);
    assert.equal(slice.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '2024-05-01T09:00:00Z');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(endpointsOf('web'), [{ ip: '10.42.0.5', ready: true, serving: true, terminating: false }]);
  });

  it('follows readiness and termination within a second, in place', async () => {
    api.seed(SVCS, testService('web'));
    const pod = api.seed(PODS, testPod('a', { ip: '10.42.0.5', ready: false }));
    await start();
    await eventually('the slice', () => endpointsOf('web').length === 1);
    const name = slicesOf('web')[0]?.metadata.name;
    const t0 = performance.now();
    const ready = api.put(PODS, { ...pod, status: { ...pod.status, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:05:00Z' }] } } as Pod);
    await eventually('the endpoint to be ready', () => endpointsOf('web')[0]?.ready === true);
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(slicesOf('web')[0]?.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '2024-05-01T10:05:00Z');
    api.put(PODS, { ...ready, metadata: { ...ready.metadata, deletionTimestamp: '2024-05-01T10:06:00Z' } });
    await eventually('the endpoint to be terminating', () => endpointsOf('web')[0]?.terminating === true);
    assert.deepEqual(endpointsOf('web'), [{ ip: '10.42.0.5', ready: false, serving: true, terminating: true }]);
    assert.deepEqual(slicesOf('web').map((s) => s.metadata.name), [name]);
  });

  it('never makes a second slice while its informer lags behind its own create', async () => {
    api.seed(SVCS, testService('web'));
    let pod = api.seed(PODS, testPod('a', { ip: '10.42.0.1' }));
    api.watchDelayMs = { endpointslices: 50 };
    await start();
    for (let i = 2; i < 12; i++) pod = api.put(PODS, { ...pod, status: { ...pod.status, podIP: `10.42.0.${i}`, podIPs: [{ ip: `10.42.0.${i}` }] } } as Pod);
    await eventually('the last IP', () => endpointsOf('web')[0]?.ip === '10.42.0.11');
    assert.equal(slicesOf('web').length, 1);
    assert.equal(api.calls.filter((c) => c === `POST ${SLICES}`).length, 1);
  });

  it('writes nothing for a pod change that does not touch its endpoint', async () => {
    api.seed(SVCS, testService('web'));
    const pod = api.seed(PODS, testPod('a', { ip: '10.42.0.5' }));
    await start();
    await eventually('the slice', () => slicesOf('web').length === 1);
    api.put(PODS, { ...pod, metadata: { ...pod.metadata, annotations: { note: 'x' } } });
    api.seed(SVCS, testService('clock', { selector: { app: 'none' } }));
    await eventually('the clock slice', () => slicesOf('clock').length === 1);
    assert.deepEqual(api.calls.filter((c) => c.startsWith('PUT') || c.startsWith('DELETE')), []);
  });

  it('leaves Services without selector alone, and slices managed by someone else', async () => {
    api.seed(SVCS, testService('manual', { selector: null }));
    api.seed(SLICES, {
      metadata: { name: 'manual-1', labels: { 'kubernetes.io/service-name': 'manual', 'endpointslice.kubernetes.io/managed-by': 'someone' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.168.1.10'] }],
    });
    api.seed(SVCS, testService('clock', { selector: { app: 'none' } }));
    await start();
    await eventually('the clock slice', () => slicesOf('clock').length === 1);
    assert.deepEqual(slicesOf('manual').map((s) => s.metadata.name), ['manual-1']);
    assert.deepEqual(api.calls.filter((c) => c.includes('manual')), []);
  });

  it('re-creates a slice someone deleted', async () => {
    api.seed(SVCS, testService('web'));
    api.seed(PODS, testPod('a', { ip: '10.42.0.5' }));
    await start();
    await eventually('the slice', () => slicesOf('web').length === 1);
    await api.delete(`${SLICES}/${slicesOf('web')[0]!.metadata.name}`);
    await eventually('a slice again', () => endpointsOf('web').length === 1);
  });

  it('with the garbage collector: the slices go with their Service', async () => {
    const gc = startGarbageCollector({ client: api, retryDelayMs: 20, onError: (e) => errors.push(e) });
    try {
      api.seed(SVCS, testService('web'));
      api.seed(PODS, testPod('a', { ip: '10.42.0.5' }));
      await start();
      await gc.synced;
      await eventually('the slice', () => slicesOf('web').length === 1);
      await api.delete(`${SVCS}/web`);
      await eventually('the slice to go', () => slicesOf('web').length === 0);
    } finally {
      await gc.stop();
    }
  });
});
