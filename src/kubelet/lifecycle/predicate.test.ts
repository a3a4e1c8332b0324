/** Tests of the kubelet's resource admission (lifecycle/predicate.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import { podRequest, resourceAdmitError } from './predicate.js';

function pod(name: string, requests?: Record<string, string>): Pod {
  return { metadata: { name, namespace: 'default', uid: name }, spec: { containers: [{ name: 'c', image: 'busybox', ...(requests ? { resources: { requests } } : {}) }] } };
}

const alloc = { pods: 3, cpuMilli: 2000, memoryBytes: 1024 ** 3 };

describe('resourceAdmitError', () => {
  it('admits a pod while fewer than maxPods are active', () => {
    assert.equal(resourceAdmitError(pod('d'), [pod('a'), pod('b')], alloc), undefined);
  });
  it('refuses the pod beyond maxPods with OutOfpods and the predicate message', () => {
    assert.deepEqual(resourceAdmitError(pod('d'), [pod('a'), pod('b'), pod('c')], alloc), {
      reason: 'OutOfpods',
      message: "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3",
    });
  });
  it('refuses cpu and memory beyond allocatable, in millicores and bytes', () => {
    assert.deepEqual(resourceAdmitError(pod('d', { cpu: '1500m' }), [pod('a', { cpu: '1' })], alloc), {
      reason: 'OutOfcpu',
      message: "Node didn't have enough resource: cpu, requested: 1500, used: 1000, capacity: 2000",
    });
    assert.equal(resourceAdmitError(pod('d', { memory: '2Gi' }), [], alloc)?.message, `Node didn't have enough resource: memory, requested: ${2 * 1024 ** 3}, used: 0, capacity: ${1024 ** 3}`);
  });
});

describe('podRequest', () => {
  it('takes the larger of the app containers plus sidecars and the biggest init container', () => {
    const p = pod('p', { memory: '100Mi' });
    p.spec.initContainers = [
      { name: 'side', image: 'b', restartPolicy: 'Always', resources: { requests: { memory: '50Mi' } } },
      { name: 'init', image: 'b', resources: { requests: { memory: '300Mi' } } },
    ];
    assert.equal(podRequest(p, 'memory'), 350 * 1024 ** 2);
    p.spec.initContainers = [p.spec.initContainers[0]!];
    assert.equal(podRequest(p, 'memory'), 150 * 1024 ** 2);
  });
});
