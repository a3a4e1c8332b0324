import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Endpoints } from '../../api/services.js';
import type { Pod } from '../../api/types.js';
import { testPod, testService } from '../testing/builders.js';
import { FakeApi } from '../testing/fake-api.js';
import { startEndpointsController, type EndpointsController } from './endpoints-controller.js';

const SVCS = '/api/v1/namespaces/default/services';
const PODS = '/api/v1/namespaces/default/pods';
const EPS = '/api/v1/namespaces/default/endpoints';

async function eventually(what: string, fn: () => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('Endpoints controller', () => {
  let api: FakeApi;
  let controller: EndpointsController;
  const errors: unknown[] = [];
  beforeEach(() => {
    api = new FakeApi();
    errors.length = 0;
  });
  afterEach(async () => {
    await controller.stop();
    assert.deepEqual(errors, []);
  });
  const start = async (): Promise<void> => {
    controller = startEndpointsController({ client: api, retryDelayMs: 20, onError: (e) => errors.push(e) });
    await controller.synced;
  };
  const endpoints = (name: string): Endpoints | undefined => api.find<Endpoints>(`${EPS}/${name}`);
  const ips = (name: string, field: 'addresses' | 'notReadyAddresses'): string[] => (endpoints(name)?.subsets ?? []).flatMap((s) => (s[field] ?? []).map((a) => a.ip));

  it('creates the Endpoints of a selector Service: its name and labels, the pods, the trigger-time annotation', async () => {
    api.seed(SVCS, testService('web', { labels: { app: 'web', tier: 'front' }, creationTimestamp: '2024-05-01T09:00:00Z' }));
    api.seed(PODS, testPod('a', { ip: '10.42.0.5' }));
    api.seed(PODS, testPod('b', { ip: '10.42.0.6', ready: false }));
    api.seed(PODS, testPod('other', { ip: '10.42.0.7', labels: { app: 'db' } }));
    await start();
    await eventually('the Endpoints', () => endpoints('web') !== undefined);
    const ep = endpoints('web')!;
    assert.deepEqual(ep.metadata.labels, { app: 'web', tier: 'front' });
    assert.deepEqual(ep.metadata.annotations, { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-05-01T09:00:00Z' });
    assert.equal(ep.metadata.ownerReferences, undefined);
    assert.deepEqual(ips('web', 'addresses'), ['10.42.0.5']);
    assert.deepEqual(ips('web', 'notReadyAddresses'), ['10.42.0.6']);
    assert.deepEqual(ep.subsets?.[0]?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('labels the Endpoints of a headless Service service.kubernetes.io/headless', async () => {
    api.seed(SVCS, testService('db', { clusterIP: 'None' }));
    await start();
    await eventually('the Endpoints', () => endpoints('db') !== undefined);
    assert.deepEqual(endpoints('db')?.metadata.labels, { 'service.kubernetes.io/headless': '' });
  });

  it('follows a pod becoming ready within a second, with its Ready transition as trigger time', async () => {
    api.seed(SVCS, testService('web'));
    const pod = api.seed(PODS, testPod('a', { ip: '10.42.0.5', ready: false }));
    await start();
    await eventually('the not-ready address', () => ips('web', 'notReadyAddresses').length === 1);
    const t0 = performance.now();
    api.put(PODS, { ...pod, status: { ...pod.status, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:05:00Z' }] } } as Pod);
    await eventually('the ready address', () => ips('web', 'addresses').length === 1);
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(endpoints('web')?.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '2024-05-01T10:05:00Z');
    assert.deepEqual(ips('web', 'notReadyAddresses'), []);
  });

  it('does not rewrite the Endpoints for a pod change that does not touch them', async () => {
    api.seed(SVCS, testService('web'));
    const pod = api.seed(PODS, testPod('a', { ip: '10.42.0.5' }));
    await start();
    await eventually('the Endpoints', () => endpoints('web') !== undefined);
    api.put(PODS, { ...pod, metadata: { ...pod.metadata, annotations: { note: 'x' } } });
    // A second Service as a clock: once its Endpoints exist, the pod update above has been handled.
    api.seed(SVCS, testService('clock', { selector: { app: 'none' } }));
    await eventually('the clock Endpoints', () => endpoints('clock') !== undefined);
    assert.deepEqual(api.calls.filter((c) => c.startsWith('PUT')), []);
  });

  it('leaves the Endpoints of a Service without selector (and of an ExternalName Service) to the user', async () => {
    api.seed(SVCS, testService('manual', { selector: null }));
    api.seed(SVCS, testService('ext', { type: 'ExternalName' }));
    api.seed(EPS, { metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.168.1.10' }], ports: [{ port: 5432 }] }] });
    api.seed(PODS, testPod('a', { ip: '10.42.0.5' }));
    api.seed(SVCS, testService('clock', { selector: { app: 'none' } }));
    await start();
    await eventually('the clock Endpoints', () => endpoints('clock') !== undefined);
    assert.deepEqual(api.calls.filter((c) => /\/endpoints\/(manual|ext)$/.test(c)), []);
    assert.deepEqual(ips('manual', 'addresses'), ['192.168.1.10']);
    assert.equal(endpoints('ext'), undefined);
  });

  it('deletes the Endpoints when the Service goes, and leftover Endpoints without a Service at start (not leader-election records)', async () => {
    api.seed(EPS, { metadata: { name: 'leftover' } });
    api.seed(EPS, { metadata: { name: 'lock', annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } } });
    api.seed(SVCS, testService('web'));
    await start();
    await eventually('the leftover to go', () => endpoints('leftover') === undefined);
    await eventually('the Endpoints of web', () => endpoints('web') !== undefined);
    await api.delete(`${SVCS}/web`);
    await eventually('the Endpoints of web to go', () => endpoints('web') === undefined);
    assert.equal(endpoints('lock')?.metadata.name, 'lock');
  });

  it('re-creates deleted Endpoints and undoes edits of someone else', async () => {
    api.seed(SVCS, testService('web'));
    api.seed(PODS, testPod('a', { ip: '10.42.0.5' }));
    await start();
    await eventually('the Endpoints', () => endpoints('web') !== undefined);
    await api.delete(`${EPS}/web`);
    await eventually('the Endpoints back', () => ips('web', 'addresses').length === 1);
    const ep = endpoints('web')!;
    await api.update(`${EPS}/web`, { ...ep, subsets: [{ addresses: [{ ip: '1.2.3.4' }], ports: [{ port: 1 }] }] });
    await eventually('the edit undone', () => ips('web', 'addresses')[0] === '10.42.0.5');
  });

  it('converges within a second when its Endpoints informer lags behind its own writes', async () => {
    api.seed(SVCS, testService('web'));
    let pod = api.seed(PODS, testPod('a', { ip: '10.42.0.1' }));
    api.watchDelayMs = { endpoints: 50 };
    await start();
    const t0 = performance.now();
    for (let i = 2; i < 8; i++) pod = api.put(PODS, { ...pod, status: { ...pod.status, podIP: `10.42.0.${i}`, podIPs: [{ ip: `10.42.0.${i}` }] } } as Pod);
    await eventually('the last IP', () => ips('web', 'addresses')[0] === '10.42.0.7');
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  it('moves a pod out when its labels stop matching and in when they match again', async () => {
    api.seed(SVCS, testService('web'));
    const pod = api.seed(PODS, testPod('a', { ip: '10.42.0.5' }));
    await start();
    await eventually('the address', () => ips('web', 'addresses').length === 1);
    const moved = api.put(PODS, { ...pod, metadata: { ...pod.metadata, labels: { app: 'db' } } });
    await eventually('the address to go', () => (endpoints('web')?.subsets ?? []).length === 0);
    api.put(PODS, { ...moved, metadata: { ...moved.metadata, labels: { app: 'web' } } });
    await eventually('the address back', () => ips('web', 'addresses').length === 1);
  });
});
