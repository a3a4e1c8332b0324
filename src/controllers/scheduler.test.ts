/** Tests of the single-node scheduler's filters and binding loop, against an in-memory fake API client. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../api/clock.js';
import type { KubeList, KubeObject, Node, Pod, WatchEvent } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import { startTestServer } from '../apiserver/testing/test-server.js';
import { createApiClient } from '../client/rest-client.js';
import { insufficientResources } from './node-resources-fit.js';
import { startScheduler, unschedulableReason } from './scheduler.js';

const node: Node = { metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1', disk: 'ssd' } } };

function pod(name: string, spec: Partial<Pod['spec']> = {}): Pod {
  return { metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

describe('unschedulableReason', () => {
  it('accepts a pod whose nodeSelector matches the node labels', () => {
    assert.equal(unschedulableReason(pod('a', { nodeSelector: { disk: 'ssd' } }), node), undefined);
  });
  it('rejects a pod whose nodeSelector does not match, in kube-scheduler words', () => {
    assert.equal(unschedulableReason(pod('a', { nodeSelector: { disk: 'hdd' } }), node), "node(s) didn't match Pod's node affinity/selector");
  });
  it('rejects a pod that does not tolerate a NoSchedule taint and accepts one that does', () => {
    const tainted: Node = { ...node, spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } };
    assert.equal(unschedulableReason(pod('a'), tainted), 'node(s) had untolerated taint {dedicated: gpu}');
    assert.equal(unschedulableReason(pod('a', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }), tainted), undefined);
    assert.equal(unschedulableReason(pod('a', { tolerations: [{ operator: 'Exists' }] }), tainted), undefined);
  });
});

describe('startScheduler', () => {
  it('binds an unscheduled pod to the node and records the Scheduled event', async () => {
    const calls: { path: string; body: unknown }[] = [];
    const client: ApiClient = {
      async get<T extends KubeObject>(path: string): Promise<T> {
        assert.equal(path, '/api/v1/nodes/n1');
        return node as unknown as T;
      },
      async list<T extends KubeObject>(): Promise<KubeList<T>> {
        return { metadata: { resourceVersion: '5' }, items: [pod('web') as unknown as T] };
      },
      async create<T extends KubeObject>(path: string, body: unknown): Promise<T> {
        calls.push({ path, body });
        return body as T;
      },
      async update<T extends KubeObject>(): Promise<T> { throw new Error('unexpected update'); },
      async patch<T extends KubeObject>(): Promise<T> { throw new Error('unexpected patch'); },
      async delete() { throw new Error('unexpected delete'); },
      async *watch<T extends KubeObject>(_p: string, _q: unknown, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
        await new Promise((r) => signal.addEventListener('abort', r));
      },
    };
    const scheduler = startScheduler({ client, nodeName: 'n1', clock: { ...realClock, now: () => Date.UTC(2026, 0, 1) } });
    try {
      for (let i = 0; i < 100 && calls.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      await scheduler.stop();
    }
    assert.equal(calls[0]?.path, '/api/v1/namespaces/default/pods/web/binding');
    assert.deepEqual((calls[0]?.body as { target: unknown }).target, { apiVersion: 'v1', kind: 'Node', name: 'n1' });
    assert.equal(calls[1]?.path, '/api/v1/namespaces/default/events');
    const ev = calls[1]?.body as { reason: string; message: string; source: unknown; reportingComponent: string; reportingInstance: string; involvedObject: { kind: string; apiVersion: string; name: string } };
    assert.equal(ev.reason, 'Scheduled');
    assert.equal(ev.message, 'Successfully assigned default/web to n1');
    assert.deepEqual(ev.source, { component: 'default-scheduler' });
    assert.deepEqual([ev.reportingComponent, ev.reportingInstance], ['default-scheduler', 'default-scheduler']);
    assert.deepEqual([ev.involvedObject.kind, ev.involvedObject.apiVersion, ev.involvedObject.name], ['Pod', 'v1', 'web']);
  });
});

describe('NodeResourcesFit pod count', () => {
  it('says Too many pods once the non-terminal pods bound to the node fill its allocatable pods', () => {
    const full: Node = { metadata: { name: 'n1' }, status: { allocatable: { pods: '3' } } };
    const bound = (n: number): Pod[] => Array.from({ length: n }, (_, i) => ({ metadata: { name: `b${i}` }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }));
    const incoming: Pod = { metadata: { name: 'new' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    assert.deepEqual(insufficientResources(incoming, full, bound(2)), []);
    assert.deepEqual(insufficientResources(incoming, full, bound(3)), ['Too many pods']);
  });

  it('binds up to allocatable pods and leaves the rest Pending with FailedScheduling, as kube-scheduler 1.32 words it', async () => {
    const t = await startTestServer();
    const client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { allocatable: { pods: '2' }, capacity: { pods: '2' } } });
    const scheduler = startScheduler({ client, nodeName: 'n1' });
    try {
      for (const name of ['p1', 'p2', 'p3']) await client.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      const end = Date.now() + 10_000;
      let message = '';
      while (Date.now() < end && !message) {
        const events = await client.list<KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } }>('/api/v1/namespaces/default/events');
        message = events.items.find((e) => e.reason === 'FailedScheduling')?.message ?? '';
        if (!message) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(message, '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
      const pods = await client.list<Pod>('/api/v1/namespaces/default/pods');
      assert.equal(pods.items.filter((p) => p.spec.nodeName === 'n1').length, 2);
      const pending = pods.items.filter((p) => !p.spec.nodeName);
      assert.equal(pending.length, 1);
      assert.equal(pending[0]!.status?.conditions?.find((c) => c.type === 'PodScheduled')?.reason, 'Unschedulable');
    } finally {
      await scheduler.stop();
      (client as { close?: () => void }).close?.();
      await t.close();
    }
  });
});
