import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import { testPod, testService } from '../testing/builders.js';
import { findPort, servicesForPodChange } from './pod-endpoints.js';
import { formatRFC3339Nano, TriggerTimeTracker } from './trigger-time.js';

function withRv(pod: Pod, rv: string): Pod {
  return { ...pod, metadata: { ...pod.metadata, resourceVersion: rv } };
}

describe('servicesForPodChange', () => {
  const web = testService('web');
  const db = testService('db', { selector: { app: 'db' } });
  const manual = testService('manual', { selector: null });
  const elsewhere = testService('web', { namespace: 'other' });
  const services = [web, db, manual, elsewhere];

  it('names the Services selecting an added or deleted pod, in its namespace only', () => {
    assert.deepEqual(servicesForPodChange(services, testPod('a', { ip: '10.0.0.1' }), undefined), new Set(['default/web']));
  });

  it('names both sides when the labels change: only those gained or lost when nothing else changed', () => {
    const old = withRv(testPod('a', { ip: '10.0.0.1' }), '1');
    const relabelled = withRv(testPod('a', { ip: '10.0.0.1', labels: { app: 'db' } }), '2');
    assert.deepEqual(servicesForPodChange(services, relabelled, old), new Set(['default/web', 'default/db']));
    const both = withRv(testPod('a', { ip: '10.0.0.1', labels: { app: 'web', extra: 'x' } }), '2');
    assert.deepEqual(servicesForPodChange(services, both, old), new Set());
    const bothAndReady = withRv(testPod('a', { ip: '10.0.0.1', labels: { app: 'db' }, ready: false }), '2');
    assert.deepEqual(servicesForPodChange(services, bothAndReady, old), new Set(['default/web', 'default/db']));
  });

  it('names the Services of a pod whose readiness, IP or deletion changed, none for other updates', () => {
    const old = withRv(testPod('a', { ip: '10.0.0.1' }), '1');
    assert.deepEqual(servicesForPodChange(services, withRv(testPod('a', { ip: '10.0.0.1', ready: false }), '2'), old), new Set(['default/web']));
    assert.deepEqual(servicesForPodChange(services, withRv(testPod('a', { ip: '10.0.0.2' }), '2'), old), new Set(['default/web']));
    assert.deepEqual(servicesForPodChange(services, withRv(testPod('a', { ip: '10.0.0.1', deletionTimestamp: '2024-05-01T10:00:00Z' }), '2'), old), new Set(['default/web']));
    const annotated = withRv(testPod('a', { ip: '10.0.0.1' }), '2');
    annotated.metadata.annotations = { note: 'x' };
    assert.deepEqual(servicesForPodChange(services, annotated, old), new Set());
    assert.deepEqual(servicesForPodChange(services, old, old), new Set());
  });
});

describe('findPort', () => {
  it('takes a number as is, defaults to the Service port, looks a name up with its protocol', () => {
    const pod = testPod('a', { ports: [{ name: 'web', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] });
    assert.equal(findPort(pod, { port: 80, targetPort: 9000 }), 9000);
    assert.equal(findPort(pod, { port: 80 }), 80);
    assert.equal(findPort(pod, { port: 80, targetPort: 'web' }), 8080);
    assert.equal(findPort(pod, { port: 53, targetPort: 'dns', protocol: 'UDP' }), 53);
    assert.equal(findPort(pod, { port: 53, targetPort: 'dns', protocol: 'TCP' }), undefined);
    assert.equal(findPort(pod, { port: 80, targetPort: 'missing' }), undefined);
  });
});

describe('TriggerTimeTracker', () => {
  it('gives the Service creation first, then the earliest Ready transition not seen yet, then nothing', () => {
    const t = new TriggerTimeTracker();
    const svc = testService('web', { creationTimestamp: '2024-05-01T09:00:00Z' });
    const a = testPod('a', { readySince: '2024-05-01T10:00:00Z' });
    assert.equal(t.compute('default/web', svc, [a]), '2024-05-01T09:00:00Z');
    assert.equal(t.compute('default/web', svc, [a]), undefined);
    const a2 = testPod('a', { readySince: '2024-05-01T10:02:00Z' });
    const b = testPod('b', { readySince: '2024-05-01T10:01:00Z' });
    assert.equal(t.compute('default/web', svc, [a2, b]), '2024-05-01T10:01:00Z');
    t.delete('default/web');
    assert.equal(t.compute('default/web', svc, [a2, b]), '2024-05-01T09:00:00Z');
  });

  it('formats like Go RFC3339Nano: whole seconds without a fraction, trailing zeros trimmed', () => {
    assert.equal(formatRFC3339Nano(Date.parse('2024-05-01T10:00:00Z')), '2024-05-01T10:00:00Z');
    assert.equal(formatRFC3339Nano(Date.parse('2024-05-01T10:00:00.120Z')), '2024-05-01T10:00:00.12Z');
  });
});
