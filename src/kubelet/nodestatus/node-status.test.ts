/** Tests of node capacity, allocatable and pressure taints (nodestatus/node-status.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node } from '../../api/types.js';
import { parseEvictionHard, DEFAULT_EVICTION_HARD } from '../eviction/thresholds.js';
import { nodeResources, pressureTaints } from './node-status.js';

describe('nodeResources', () => {
  it('subtracts the hard eviction thresholds from capacity for allocatable, and reports maxPods', () => {
    const r = nodeResources({ cpus: 4, memoryBytes: 8 * 1024 ** 3 + 100, nodefsBytes: 100 * 1024 ** 3 }, 3, parseEvictionHard(DEFAULT_EVICTION_HARD));
    assert.deepEqual(r.capacity, { cpu: '4', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8Gi', pods: '3' });
    assert.deepEqual(r.allocatable, { cpu: '4', 'ephemeral-storage': '90Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8092Mi', pods: '3' });
  });
  it('never reports allocatable below zero', () => {
    const r = nodeResources({ cpus: 1, memoryBytes: 1024 ** 3 }, 110, parseEvictionHard('memory.available<2Gi'));
    assert.equal(r.allocatable.memory, '0');
  });
});

describe('pressureTaints', () => {
  const node = (status: 'True' | 'False', taints?: NonNullable<Node['spec']>['taints']): Node => ({
    metadata: { name: 'n' },
    spec: { ...(taints ? { taints } : {}) },
    status: { conditions: [{ type: 'MemoryPressure', status }] },
  });
  it('adds the memory-pressure NoSchedule taint under MemoryPressure, keeping other taints', () => {
    assert.deepEqual(pressureTaints(node('True', [{ key: 'a', effect: 'NoExecute' }])), [
      { key: 'a', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
    ]);
  });
  it('removes it once the pressure is gone and leaves a right node alone', () => {
    assert.deepEqual(pressureTaints(node('False', [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }])), []);
    assert.equal(pressureTaints(node('False')), undefined);
    assert.equal(pressureTaints(node('True', [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }])), undefined);
  });
});

describe('syncNodeStatus events', () => {
  it('records an event per condition when it registers the node, and none on the next unchanged heartbeat', async () => {
    const { FakeApi } = await import('../testing/fake-api.js');
    const { FakeRuntime } = await import('../testing/fake-runtime.js');
    const { FakeClock } = await import('../../api/testing/fake-clock.js');
    const { syncNodeStatus } = await import('./node-status.js');
    const clock = new FakeClock(Date.parse('2026-12-01T10:00:00Z'));
    const events: string[] = [];
    const recorder = { event: (obj: { kind?: string; metadata: { name?: string; uid?: string } }, type: string, reason: string, message: string) => void events.push(`${obj.kind}/${obj.metadata.name}/${obj.metadata.uid} ${type} ${reason}: ${message}`), flush: async () => {} };
    const opts = { client: new FakeApi(), runtime: new FakeRuntime(clock), nodeName: 'vm', nodeIP: '127.0.0.1', kubeletPort: 10250, clock, recorder };
    await syncNodeStatus(opts);
    assert.deepEqual(events, [
      'Node/vm/vm Normal NodeHasSufficientMemory: Node vm status is now: NodeHasSufficientMemory',
      'Node/vm/vm Normal NodeHasNoDiskPressure: Node vm status is now: NodeHasNoDiskPressure',
      'Node/vm/vm Normal NodeHasSufficientPID: Node vm status is now: NodeHasSufficientPID',
      'Node/vm/vm Normal NodeReady: Node vm status is now: NodeReady',
    ]);
    await syncNodeStatus(opts);
    assert.equal(events.length, 4);
  });
});

describe('node addresses', () => {
  it('reports --node-ip as InternalIP, --node-external-ip as ExternalIP, then the Hostname', async () => {
    const { FakeApi } = await import('../testing/fake-api.js');
    const { FakeRuntime } = await import('../testing/fake-runtime.js');
    const { FakeClock } = await import('../../api/testing/fake-clock.js');
    const { buildNodeStatus } = await import('./node-status.js');
    const clock = new FakeClock(Date.parse('2026-12-01T10:00:00Z'));
    const base = { client: new FakeApi(), runtime: new FakeRuntime(clock), nodeName: 'vm', nodeIP: '10.42.0.1', kubeletPort: 10250, clock };
    assert.deepEqual((await buildNodeStatus({ ...base, nodeExternalIP: '203.0.113.9' }, undefined)).addresses, [
      { type: 'InternalIP', address: '10.42.0.1' },
      { type: 'ExternalIP', address: '203.0.113.9' },
      { type: 'Hostname', address: 'vm' },
    ]);
    assert.deepEqual((await buildNodeStatus(base, undefined)).addresses, [
      { type: 'InternalIP', address: '10.42.0.1' },
      { type: 'Hostname', address: 'vm' },
    ]);
  });
});
