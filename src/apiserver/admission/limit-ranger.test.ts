/** Tests of the LimitRanger admission plugin: defaults, annotation, constraints and their messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LimitRange } from '../../api/policy.js';
import type { KubeObject, Pod } from '../../api/types.js';
import type { AdmissionAttributes } from '../resource-handler.js';
import { LIMIT_RANGER_ANNOTATION, limitRangerAdmission, podViolations } from './limit-ranger.js';

const lr = (...limits: NonNullable<LimitRange['spec']>['limits'] & object): LimitRange => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'ns' }, spec: { limits } });

function attrs(object: KubeObject, resource = 'pods', operation: 'CREATE' | 'UPDATE' = 'CREATE', oldObject?: KubeObject): AdmissionAttributes {
  return { operation, group: '', resource, subresource: '', namespace: 'ns', object, user: { username: 'u', uid: '', groups: [], extra: {} }, dryRun: false, ...(oldObject ? { oldObject } : {}) };
}

const pod = (containers: Pod['spec']['containers'], initContainers?: Pod['spec']['initContainers']): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers, ...(initContainers ? { initContainers } : {}) },
});

describe('LimitRanger', () => {
  it('sets defaultRequest and default on containers and init containers that leave them unset, and says so', async () => {
    const plugin = limitRangerAdmission({ listLimitRanges: async () => [lr({ type: 'Container', default: { memory: '0.5Gi' }, defaultRequest: { memory: '256Mi', cpu: '100m' } })] });
    const p = pod([{ name: 'app', resources: { requests: { cpu: '1' } } }], [{ name: 'init' }]);
    await plugin.admit(attrs(p));
    assert.deepEqual(p.spec.containers[0]?.resources, { requests: { cpu: '1', memory: '256Mi' }, limits: { memory: '512Mi' } });
    assert.deepEqual(p.spec.initContainers?.[0]?.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    assert.equal(p.metadata.annotations?.[LIMIT_RANGER_ANNOTATION], 'LimitRanger plugin set: memory request for container app; memory limit for container app; cpu, memory request for init container init; memory limit for init container init');
  });

  it('keeps a request defaulted from the container\'s own limit (SetDefaults_Pod runs first upstream)', async () => {
    const plugin = limitRangerAdmission({ listLimitRanges: async () => [lr({ type: 'Container', default: { memory: '512Mi' }, defaultRequest: { memory: '256Mi' } })] });
    const p = pod([{ name: 'app', resources: { limits: { memory: '1Gi' } } }]);
    await plugin.admit(attrs(p));
    assert.deepEqual(p.spec.containers[0]?.resources, { limits: { memory: '1Gi' }, requests: { memory: '1Gi' } });
    assert.equal(p.metadata.annotations?.[LIMIT_RANGER_ANNOTATION], undefined);
  });

  it('refuses a container over max or under min with kube-apiserver\'s 403', async () => {
    const plugin = limitRangerAdmission({ listLimitRanges: async () => [lr({ type: 'Container', max: { memory: '1Gi' }, min: { cpu: '100m' } })] });
    const err = await plugin.validate(attrs(pod([{ name: 'c', resources: { limits: { memory: '2Gi' }, requests: { cpu: '50m' } } }]))).catch((e: unknown) => e);
    assert.equal((err as { status: { code: number } }).status.code, 403);
    assert.equal((err as Error).message, 'pods "p" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, maximum memory usage per Container is 1Gi, but limit is 2Gi]');
  });

  it('words missing values and ratios as upstream', () => {
    const range = lr({ type: 'Container', max: { cpu: '2' }, min: { memory: '10Mi' }, maxLimitRequestRatio: { memory: '2' } });
    assert.deepEqual(podViolations(range, pod([{ name: 'c' }])), [
      'minimum memory usage per Container is 10Mi.  No request is specified',
      'maximum cpu usage per Container is 2.  No limit is specified',
      'memory max limit to request ratio per Container is 2, but no request is specified or request is 0',
    ]);
    assert.deepEqual(podViolations(range, pod([{ name: 'c', resources: { requests: { memory: '10Mi' }, limits: { memory: '25Mi', cpu: '1' } } }])), [
      'memory max limit to request ratio per Container is 2, but provided ratio is 2.500000',
    ]);
  });

  it('judges Pod items against the pod totals (the larger of app containers plus sidecars and any init container)', () => {
    const range = lr({ type: 'Pod', max: { memory: '1Gi' } });
    const p = pod([{ name: 'a', resources: { limits: { memory: '400Mi' } } }, { name: 'b', resources: { limits: { memory: '400Mi' } } }], [{ name: 'i', resources: { limits: { memory: '1100Mi' } } }]);
    assert.deepEqual(podViolations(range, p), ['maximum memory usage per Pod is 1Gi, but limit is 1100Mi']);
  });

  it('limits claims\' storage requests on create and on a changed update, not on pod updates', async () => {
    const plugin = limitRangerAdmission({ listLimitRanges: async () => [lr({ type: 'PersistentVolumeClaim', max: { storage: '5Gi' } })] });
    const claim = (storage: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns' }, spec: { resources: { requests: { storage } } } } as KubeObject);
    await assert.rejects(plugin.validate(attrs(claim('10Gi'), 'persistentvolumeclaims')), { message: 'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi' });
    await plugin.validate(attrs(claim('10Gi'), 'persistentvolumeclaims', 'UPDATE', claim('10Gi')));
    await plugin.validate(attrs(pod([{ name: 'c' }]), 'pods', 'UPDATE', pod([{ name: 'c' }])));
  });
});
