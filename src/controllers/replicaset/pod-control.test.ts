import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicaSet } from '../testing/workloads.js';
import { podFromTemplate } from './pod-control.js';
import { slowStartBatch } from './sync.js';

test('podFromTemplate copies labels, annotations, finalizers and spec, and names the ReplicaSet as controller', () => {
  const rs = replicaSet('web-5d8f', 1, { app: 'web' });
  rs.metadata.uid = 'rs-uid';
  rs.spec.template!.metadata = { labels: { app: 'web', 'pod-template-hash': '5d8f' }, annotations: { a: 'b' }, finalizers: ['example.com/f'] };
  const pod = podFromTemplate(rs);
  assert.deepEqual(pod.metadata, {
    generateName: 'web-5d8f-',
    labels: { app: 'web', 'pod-template-hash': '5d8f' },
    annotations: { a: 'b' },
    finalizers: ['example.com/f'],
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
  });
  assert.deepEqual(pod.spec, rs.spec.template!.spec);
  assert.notEqual(pod.spec, rs.spec.template!.spec, 'a copy');
});

test('slowStartBatch runs batches of 1, 2, 4... and stops after a batch with a failure', async () => {
  const batches: number[] = [];
  let inBatch = 0;
  let calls = 0;
  const r = await slowStartBatch(10, async () => {
    const n = ++calls;
    inBatch++;
    await Promise.resolve();
    if (inBatch > 0) batches.push(inBatch);
    inBatch = 0;
    if (n === 5) throw new Error('quota');
  });
  assert.equal(calls, 7, 'batches of 1, 2 and 4 ran');
  assert.deepEqual(batches, [1, 2, 4], 'each batch ran concurrently');
  assert.equal(r.successes, 6);
  assert.equal((r.error as Error).message, 'quota');
  assert.deepEqual(await slowStartBatch(0, async () => {}), { successes: 0 });
});
