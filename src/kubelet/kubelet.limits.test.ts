// The kubelet's scale limits against the in-memory API and the fake CRI: maxPods admission and memory-pressure eviction.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Event, Node, Pod } from '../api/types.js';
import { parseEvictionHard } from './eviction/thresholds.js';
import { startKubelet, type KubeletOptions } from './kubelet.js';
import { makePod } from './testing/builders.js';
import { FakeApi } from './testing/fake-api.js';
import { FakeRuntime } from './testing/fake-runtime.js';
import { FakeClock } from '../api/testing/fake-clock.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function setup(extra: Partial<KubeletOptions>) {
  const root = mkdtempSync(join(tmpdir(), 'kubelet-limits-'));
  dirs.push(root);
  const clock = new FakeClock(Date.now());
  const api = new FakeApi();
  const cri = new FakeRuntime(clock);
  cri.addImage('busybox:1.36');
  const kubelet = await startKubelet({
    client: api,
    runtime: cri,
    images: cri,
    nodeName: 'node1',
    rootDir: join(root, 'kubelet'),
    podLogsDir: join(root, 'pod-logs'),
    server: { host: '127.0.0.1', port: 0 },
    clock,
    resyncMs: 100,
    syncBackOffMs: 200,
    nodeStatusPeriodMs: 50,
    log: () => {},
    ...extra,
  });
  return { api, cri, kubelet };
}

function bound(api: FakeApi, name: string, podExtra: Partial<Pod['spec']> = {}): Pod {
  const pod = makePod(name, ['app']);
  pod.spec.nodeName = 'node1';
  Object.assign(pod.spec, podExtra);
  return api.seed('pods', pod);
}

test('kubelet reports maxPods and rejects the pod beyond it with OutOfpods', async () => {
  const env = await setup({ maxPods: 2 });
  try {
    const node = await until('node', () => env.api.find<Node>('nodes', '', 'node1')?.status?.capacity ? env.api.find<Node>('nodes', '', 'node1') : undefined);
    assert.equal(node.status?.capacity?.pods, '2');
    assert.equal(node.status?.allocatable?.pods, '2');
    assert.match(node.status?.capacity?.['ephemeral-storage'] ?? '', /^\d+(Ki|Mi|Gi)?$/, 'the root dir file system is the ephemeral storage');
    bound(env.api, 'a');
    bound(env.api, 'b');
    await until('a and b running', () => ['a', 'b'].every((n) => env.api.find<Pod>('pods', 'default', n)?.status?.phase === 'Running'));
    bound(env.api, 'c');
    const status = await until('c rejected', () => {
      const s = env.api.find<Pod>('pods', 'default', 'c')?.status;
      return s?.phase === 'Failed' ? s : undefined;
    });
    assert.equal(status.reason, 'OutOfpods');
    assert.equal(status.message, "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2");
    assert.equal((await env.cri.listPodSandbox()).length, 2, 'no sandbox for the rejected pod');
  } finally {
    await env.kubelet.stop();
  }
});

test('kubelet under memory pressure reports MemoryPressure, taints the node and evicts a BestEffort pod', async () => {
  // A threshold no machine meets: memory.available is always below it.
  const env = await setup({ evictionHard: parseEvictionHard('memory.available<1000000Gi'), evictionPeriodMs: 100 });
  try {
    const node = await until('MemoryPressure', () => {
      const n = env.api.find<Node>('nodes', '', 'node1');
      return n?.status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status === 'True' ? n : undefined;
    });
    const cond = node.status?.conditions?.find((c) => c.type === 'MemoryPressure');
    assert.equal(cond?.reason, 'KubeletHasInsufficientMemory');
    assert.equal(cond?.message, 'kubelet has insufficient memory available');
    assert.equal(node.status?.allocatable?.memory, '0');
    await until('the taint', () => env.api.find<Node>('nodes', '', 'node1')?.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/memory-pressure' && t.effect === 'NoSchedule'));

    bound(env.api, 'untolerated');
    const refused = await until('untolerated refused', () => {
      const s = env.api.find<Pod>('pods', 'default', 'untolerated')?.status;
      return s?.phase === 'Failed' ? s : undefined;
    });
    assert.equal(refused.reason, 'Evicted');
    assert.equal(refused.message, 'Pod was rejected: The node had condition: [MemoryPressure]. ');

    bound(env.api, 'besteffort', { tolerations: [{ key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' }] });
    const evicted = await until('besteffort evicted', () => {
      const s = env.api.find<Pod>('pods', 'default', 'besteffort')?.status;
      return s?.phase === 'Failed' && s.reason === 'Evicted' && s.containerStatuses?.[0]?.state?.terminated ? s : undefined;
    });
    assert.match(evicted.message ?? '', /^The node was low on resource: memory\. Threshold quantity: 1000000Gi, available: \d+(Ki|Mi|Gi)?\. /);
    assert.equal(evicted.conditions?.find((c) => c.type === 'DisruptionTarget')?.reason, 'TerminationByKubelet', JSON.stringify(evicted.conditions));
    const events = await until('the Evicted event', () => {
      const found = [...env.api.objects.values()].filter((o): o is Event => o.kind === 'Event' && (o as Event).involvedObject.name === 'besteffort' && (o as Event).reason === 'Evicted');
      return found.length ? found : undefined;
    });
    assert.equal(events[0]?.type, 'Warning');
    assert.equal(events[0]?.message, evicted.message);
    assert.deepEqual((await env.cri.listContainers()).filter((c) => c.state === 'CONTAINER_RUNNING'), []);
  } finally {
    await env.kubelet.stop();
  }
});
