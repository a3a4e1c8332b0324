/** Tests of the resource quota controller's usage calculation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceQuota } from '../../api/policy.js';
import type { KubeObject, Pod } from '../../api/types.js';
import { desiredStatus, parseCountName } from './controller.js';

const NOW = new Date('2026-01-01T00:10:00Z');

const pod = (name: string, cpu: string, extra: Partial<Pod> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', ...(extra.metadata ?? {}) },
  spec: { containers: [{ name: 'c', resources: { requests: { cpu }, limits: { cpu } } }] },
  ...(extra.status ? { status: extra.status } : {}),
});

describe('resource quota controller', () => {
  it('sums the namespace\'s pods, leaving out terminal pods and pods past their deletion grace period', () => {
    const q: ResourceQuota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { pods: '10', 'requests.cpu': '4', 'count/pods': '20', 'limits.memory': '1Gi' } } };
    const pods = [
      pod('a', '100m'),
      pod('b', '250m'),
      pod('done', '1', { status: { phase: 'Succeeded' } }),
      pod('gone', '1', { metadata: { name: 'gone', deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 } }),
    ];
    const status = desiredStatus(q, (group, resource) => (group === '' && resource === 'pods' ? pods : []), NOW);
    assert.deepEqual(status, { hard: { pods: '10', 'requests.cpu': '4', 'count/pods': '20', 'limits.memory': '1Gi' }, used: { pods: '2', 'requests.cpu': '350m', 'count/pods': '4', 'limits.memory': '0' } });
  });

  it('counts services by type and other kinds by count/<resource>.<group>', () => {
    const q: ResourceQuota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { services: '5', 'services.nodeports': '5', 'count/deployments.apps': '2', secrets: '9' } } };
    const objects: Record<string, KubeObject[]> = {
      '/services': [{ metadata: { name: 's1' }, spec: { type: 'NodePort', ports: [{}, {}] } } as KubeObject, { metadata: { name: 's2' }, spec: {} } as KubeObject],
      'apps/deployments': [{ metadata: { name: 'd' } }],
      '/secrets': [{ metadata: { name: 'x' } }],
    };
    const status = desiredStatus(q, (g, r) => objects[`${g}/${r}`] ?? [], NOW);
    assert.deepEqual(status.used, { services: '2', 'services.nodeports': '2', 'count/deployments.apps': '1', secrets: '1' });
    assert.deepEqual(parseCountName('count/deployments.apps'), { group: 'apps', resource: 'deployments' });
    assert.deepEqual(parseCountName('count/pods'), { group: '', resource: 'pods' });
  });
});
