// Tests of the metrics.k8s.io resources before their sources have synced and on empty lists.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { everything } from '../api/labels.js';
import { FieldSelector } from '../api/fields.js';
import { nodeMetricsResource, podMetricsResource } from './metrics-api.js';
import { MetricsStorage } from './storage.js';

const all = { labelSelector: everything(), fieldSelector: new FieldSelector([]) };

describe('metrics.k8s.io resources', () => {
  it('answer 503 ServiceUnavailable until the pod and node informers have synced, as an unavailable APIService', async () => {
    const src = { storage: new MetricsStorage(15_000), pods: () => undefined, nodes: () => undefined, now: () => new Date(0) };
    for (const r of [podMetricsResource(src), nodeMetricsResource(src)]) {
      await assert.rejects(r.get('default', 'x'), (err: { status: { code: number; reason: string; message: string } }) => {
        assert.deepEqual([err.status.code, err.status.reason, err.status.message], [503, 'ServiceUnavailable', 'the server is currently unable to handle the request']);
        return true;
      });
      await assert.rejects(r.list('', all), /unable to handle the request/);
    }
  });

  it('list nothing for known pods without metrics, and give an empty table', async () => {
    const src = { storage: new MetricsStorage(15_000), pods: () => new Map([['default/a', { name: 'a', namespace: 'default' }]]), nodes: () => new Map(), now: () => new Date(0) };
    const pods = podMetricsResource(src);
    assert.deepEqual(await pods.list('default', all), []);
    assert.deepEqual(pods.convertToTable?.([]), { columnDefinitions: [], rows: [] });
    assert.deepEqual(pods.info.verbs, ['get', 'list']);
    assert.equal(nodeMetricsResource(src).info.namespaced, false);
  });
});
