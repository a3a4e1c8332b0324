/** Tests of the ResourceQuota admission plugin: charging, refusals with upstream's messages, updates, dry runs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceQuota } from '../../api/policy.js';
import type { KubeObject, Pod } from '../../api/types.js';
import type { AdmissionAttributes } from '../resource-handler.js';
import { checkRequest, prettyPrint, resourceQuotaAdmission } from './resource-quota.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function quota(name: string, hard: Record<string, string>, used?: Record<string, string>, scopes?: string[]): ResourceQuota {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: 'ns', resourceVersion: '1' }, spec: { hard, ...(scopes ? { scopes } : {}) }, status: { hard, ...(used ? { used } : {}) } };
}

function attrs(object: KubeObject, resource = 'pods', extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return { operation: 'CREATE', group: '', resource, subresource: '', namespace: 'ns', object, user: { username: 'u', uid: '', groups: [], extra: {} }, dryRun: false, ...extra };
}

const pod = (name: string, resources?: object, spec: Partial<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns' },
  spec: { containers: [{ name: 'c', ...(resources ? { resources } : {}) }], ...spec },
});

describe('ResourceQuota admission', () => {
  it('charges a pod to the quotas covering it and refuses one over the hard limit', () => {
    const q = [quota('compute', { pods: '2', 'requests.cpu': '1' }, { pods: '1', 'requests.cpu': '800m' })];
    const next = checkRequest(q, attrs(pod('a', { requests: { cpu: '100m' } })), NOW);
    assert.deepEqual(next[0]?.status?.used, { pods: '2', 'requests.cpu': '900m' });
    assert.throws(() => checkRequest(q, attrs(pod('b', { requests: { cpu: '300m' } })), NOW), {
      message: 'pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=300m, used: requests.cpu=800m, limited: requests.cpu=1',
    });
  });

  it('asks for the requests and limits a quota counts, and refuses before usage is known', () => {
    assert.throws(() => checkRequest([quota('q', { 'limits.cpu': '2', 'requests.memory': '1Gi' }, { 'limits.cpu': '0', 'requests.memory': '0' })], attrs(pod('p')), NOW), {
      message: 'pods "p" is forbidden: failed quota: q: must specify limits.cpu for: c; requests.memory for: c',
    });
    assert.throws(() => checkRequest([quota('q', { pods: '2', 'count/pods': '3' })], attrs(pod('p')), NOW), { message: 'pods "p" is forbidden: status unknown for quota: q, resources: count/pods,pods' });
  });

  it('counts other kinds by object count and leaves quotas of unrelated kinds alone', () => {
    const q = [quota('objects', { configmaps: '1', 'count/secrets': '5' }, { configmaps: '1', 'count/secrets': '0' })];
    assert.throws(() => checkRequest(q, attrs({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } }, 'configmaps'), NOW), {
      message: 'configmaps "cm" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, limited: configmaps=1',
    });
    assert.equal(checkRequest(q, attrs(pod('p')), NOW), q);
  });

  it('matches scopes: a BestEffort quota ignores a pod with requests', () => {
    const q = [quota('be', { pods: '0' }, { pods: '0' }, ['BestEffort'])];
    assert.equal(checkRequest(q, attrs(pod('p', { requests: { cpu: '1' } })), NOW), q);
    assert.throws(() => checkRequest(q, attrs(pod('p')), NOW), /exceeded quota: be/);
  });

  it('charges a service update only its new node ports', () => {
    const q = [quota('svc', { 'services.nodeports': '1' }, { 'services.nodeports': '1' })];
    const svc = (type: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns', resourceVersion: '3' }, spec: { type, ports: [{ port: 80 }] } } as KubeObject);
    assert.throws(() => checkRequest(q, attrs(svc('NodePort'), 'services', { operation: 'UPDATE', oldObject: svc('ClusterIP') }), NOW), /exceeded quota: svc, requested: services.nodeports=1/);
    assert.equal(checkRequest(q, attrs(svc('NodePort'), 'services', { operation: 'UPDATE', oldObject: svc('NodePort') }), NOW), q);
  });

  it('writes the new usage to the quota status, but not for a dry run', async () => {
    const stored = [quota('compute', { pods: '5' }, { pods: '0' })];
    const writes: ResourceQuota[] = [];
    const plugin = resourceQuotaAdmission({ listQuotas: async () => stored, updateQuotaStatus: async (q) => void writes.push(q), now: () => NOW });
    await plugin(attrs(pod('dry'), 'pods', { dryRun: true }));
    assert.equal(writes.length, 0);
    await plugin(attrs(pod('real')));
    assert.deepEqual(writes.map((w) => w.status?.used), [{ pods: '1' }]);
  });

  it('prettyPrint sorts names and prints canonical quantities', () => {
    assert.equal(prettyPrint({ 'requests.memory': '1024Mi', pods: '1' }), 'pods=1,requests.memory=1Gi');
  });
});
