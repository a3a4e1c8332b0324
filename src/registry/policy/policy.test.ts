/** Tests of the LimitRange and ResourceQuota strategies: defaulting, validation messages and table cells. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LimitRange, ResourceQuota } from '../../api/policy.js';
import { formatFieldError } from '../../api/errors.js';
import { defaultLimitRange, limitRangeStrategy } from './limitranges.js';
import { quotaColumns, resourceQuotaStrategy } from './resourcequotas.js';

const lr = (limits: NonNullable<LimitRange['spec']>['limits']): LimitRange => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'ns' }, spec: { limits: limits ?? [] } });

describe('LimitRange strategy', () => {
  it('defaults a Container item\'s default from max and defaultRequest from default, then min', () => {
    const range = lr([{ type: 'Container', max: { memory: '1Gi', cpu: '2' }, default: { cpu: '1' }, min: { 'ephemeral-storage': '1Mi' } }]);
    defaultLimitRange(range);
    assert.deepEqual(range.spec?.limits?.[0], {
      type: 'Container',
      max: { memory: '1Gi', cpu: '2' },
      default: { cpu: '1', memory: '1Gi' },
      defaultRequest: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '1Mi' },
      min: { 'ephemeral-storage': '1Mi' },
    });
  });

  it('validates types, relations between min, max, defaults and ratios with upstream messages', () => {
    const errs = limitRangeStrategy.validate(
      lr([
        { type: 'Container', min: { memory: '2Gi' }, max: { memory: '1Gi' }, default: { cpu: '2' }, defaultRequest: { cpu: '3' }, maxLimitRequestRatio: { cpu: '500m' } },
        { type: 'Pod', default: { cpu: '1' } },
        { type: 'Pod' },
        { type: 'PersistentVolumeClaim' },
        { type: 'Bogus', max: { gpus: '1' } },
      ]),
    ).map(formatFieldError);
    assert.deepEqual(errs, [
      'spec.limits[0].defaultRequest[cpu]: Invalid value: "3": default request value 3 is greater than default limit value 2',
      'spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "500m": ratio 500m is less than 1',
      'spec.limits[0].min[memory]: Invalid value: "2Gi": min value 2Gi is greater than max value 1Gi',
      'spec.limits[1].default: Forbidden: may not be specified when `type` is \'Pod\'',
      'spec.limits[2].type: Duplicate value: "Pod"',
      'spec.limits[3].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
      'spec.limits[4].type: Invalid value: "Bogus": must be a standard limit type or fully qualified',
    ]);
  });

  it('prints NAME and the creation time', () => {
    assert.deepEqual(limitRangeStrategy.table?.cells({ ...lr([]), metadata: { name: 'l', creationTimestamp: '2026-01-01T00:00:00Z' } }, new Date()), ['l', '2026-01-01T00:00:00Z']);
  });
});

describe('ResourceQuota strategy', () => {
  const rq = (hard: Record<string, string>, extra: Partial<ResourceQuota> = {}): ResourceQuota => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec: { hard }, ...extra });

  it('validates resource names, non-negative and whole counts, and scopes', () => {
    const errs = resourceQuotaStrategy.validate(rq({ pods: '1500m', cpu: '-1', gpus: '1', 'count/deployments.apps': '2' }, { spec: { hard: { pods: '1500m', cpu: '-1', gpus: '1' }, scopes: ['Sometimes'] } })).map(formatFieldError);
    assert.deepEqual(errs, [
      'spec.hard[pods]: Invalid value: "1500m": must be an integer',
      'spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.hard[gpus]: Invalid value: "gpus": must be a standard resource for quota',
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"Sometimes"}: unsupported scope',
    ]);
  });

  it('clears status on create and keeps it on update; the status subresource keeps spec', () => {
    const created = rq({ pods: '1' }, { status: { used: { pods: '9' } } });
    resourceQuotaStrategy.prepareForCreate(created);
    assert.equal(created.status, undefined);
    const old = rq({ pods: '1' }, { status: { hard: { pods: '1' }, used: { pods: '0' } } });
    const updated = rq({ pods: '2' }, { status: { used: { pods: '5' } } });
    resourceQuotaStrategy.prepareForUpdate(updated, old);
    assert.deepEqual(updated.status, old.status);
    const status = rq({ pods: '7' }, { status: { hard: { pods: '1' }, used: { pods: '1' } } });
    resourceQuotaStrategy.prepareForStatusUpdate?.(status, old);
    assert.deepEqual(status.spec, old.spec);
  });

  it('splits the table\'s cells into REQUEST and LIMIT, sorted by name', () => {
    const q = rq({}, { status: { hard: { 'limits.cpu': '2', pods: '10', 'requests.memory': '1024Mi' }, used: { pods: '1', 'requests.memory': '64Mi' } } });
    assert.deepEqual(quotaColumns(q), { request: 'pods: 1/10, requests.memory: 64Mi/1Gi', limit: 'limits.cpu: 0/2' });
  });
});
