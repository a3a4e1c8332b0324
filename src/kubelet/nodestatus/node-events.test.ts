// Tests of the kubelet's node events (node-events.ts) against upstream's setter reasons.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeCondition } from '../../api/types.js';
import { nodeConditionEvents, nodeReference, startupEvents } from './node-events.js';

const c = (type: string, status: 'True' | 'False'): NodeCondition => ({ type, status, lastHeartbeatTime: 't', lastTransitionTime: 't', reason: 'r', message: 'm' });

describe('node events', () => {
  it('records every condition the first status sets, in its order', () => {
    const first = [c('MemoryPressure', 'False'), c('DiskPressure', 'False'), c('PIDPressure', 'False'), c('Ready', 'True')];
    assert.deepEqual(nodeConditionEvents('vm', undefined, first), [
      { reason: 'NodeHasSufficientMemory', message: 'Node vm status is now: NodeHasSufficientMemory' },
      { reason: 'NodeHasNoDiskPressure', message: 'Node vm status is now: NodeHasNoDiskPressure' },
      { reason: 'NodeHasSufficientPID', message: 'Node vm status is now: NodeHasSufficientPID' },
      { reason: 'NodeReady', message: 'Node vm status is now: NodeReady' },
    ]);
  });

  it('records only transitions afterwards: NotReady, pressure, and back', () => {
    const ok = [c('MemoryPressure', 'False'), c('Ready', 'True')];
    assert.deepEqual(nodeConditionEvents('vm', ok, ok), []);
    assert.deepEqual(nodeConditionEvents('vm', ok, [c('MemoryPressure', 'True'), c('Ready', 'False')]).map((e) => e.reason), ['NodeHasInsufficientMemory', 'NodeNotReady']);
    assert.deepEqual(nodeConditionEvents('vm', [c('DiskPressure', 'True'), c('PIDPressure', 'True')], [c('DiskPressure', 'False'), c('PIDPressure', 'False')]).map((e) => e.reason), ['NodeHasNoDiskPressure', 'NodeHasSufficientPID']);
    assert.deepEqual(nodeConditionEvents('vm', [c('DiskPressure', 'False')], [c('DiskPressure', 'True')]).map((e) => e.reason), ['NodeHasDiskPressure']);
  });

  it('names the node by its name as uid, and starts with Starting and NodeAllocatableEnforced', () => {
    assert.deepEqual(nodeReference('vm'), { apiVersion: 'v1', kind: 'Node', metadata: { name: 'vm', uid: 'vm' } });
    assert.deepEqual(startupEvents().map((e) => `${e.reason}: ${e.message}`), ['Starting: Starting kubelet.', 'NodeAllocatableEnforced: Updated Node Allocatable limit across pods']);
  });
});
