/** Tests of pod defaulting, create/status preparation, graceful delete and selectable fields. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types.js';
import { defaultPullPolicy, imageTag } from './defaults.js';
import { computePodQOS } from './qos.js';
import { podGracePeriod, podSelectableFields, podStrategy, preparePodForCreate } from './strategy.js';

function newPod(spec: Partial<Pod['spec']> = {}): Pod {
  return { metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...spec } };
}

test('prepareForCreate applies v1 pod defaults and admission defaults', () => {
  const pod = newPod();
  preparePodForCreate(pod);
  assert.equal(pod.spec.restartPolicy, 'Always');
  assert.equal(pod.spec.terminationGracePeriodSeconds, 30);
  assert.equal(pod.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(pod.spec.schedulerName, 'default-scheduler');
  assert.deepEqual(pod.spec.securityContext, {});
  assert.equal(pod.spec.enableServiceLinks, true);
  assert.equal(pod.spec.priority, 0);
  assert.equal(pod.spec.preemptionPolicy, 'PreemptLowerPriority');
  assert.equal(pod.spec.serviceAccountName, undefined);
  assert.deepEqual(pod.spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  assert.deepEqual(pod.spec.containers[0], {
    name: 'app',
    image: 'nginx:1.25',
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    resources: {},
  });
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('prepareForCreate keeps a user toleration that already covers not-ready', () => {
  const pod = newPod({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] });
  preparePodForCreate(pod);
  assert.deepEqual(pod.spec.tolerations?.map((t) => t.key), ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
  const all = newPod({ tolerations: [{ operator: 'Exists' }] });
  preparePodForCreate(all);
  assert.deepEqual(all.spec.tolerations, [{ operator: 'Exists' }]);
});

test('prepareForCreate defaults ports, probes, env fieldRef and volumes', () => {
  const pod = newPod({
    containers: [
      {
        name: 'app',
        image: 'busybox',
        ports: [{ containerPort: 80 }],
        env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        livenessProbe: { httpGet: { port: 80 } },
        readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5 },
      },
    ],
    volumes: [{ name: 'a' }, { name: 'b', configMap: { name: 'cm' } }, { name: 'c', secret: { secretName: 's' } }, { name: 'd', hostPath: { path: '/x' } }],
  });
  preparePodForCreate(pod);
  const c = pod.spec.containers[0];
  assert.equal(c?.imagePullPolicy, 'Always');
  assert.deepEqual(c?.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.equal(c?.env?.[0]?.valueFrom?.fieldRef?.apiVersion, 'v1');
  assert.deepEqual(c?.livenessProbe, {
    httpGet: { port: 80, path: '/', scheme: 'HTTP' },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.equal(c?.readinessProbe?.periodSeconds, 5);
  assert.deepEqual(pod.spec.volumes, [
    { name: 'a', emptyDir: {} },
    { name: 'b', configMap: { name: 'cm', defaultMode: 420 } },
    { name: 'c', secret: { secretName: 's', defaultMode: 420 } },
    { name: 'd', hostPath: { path: '/x', type: '' } },
  ]);
});

test('imagePullPolicy defaults to Always only for latest or untagged images', () => {
  assert.equal(defaultPullPolicy('busybox'), 'Always');
  assert.equal(defaultPullPolicy('busybox:latest'), 'Always');
  assert.equal(defaultPullPolicy('busybox:1.36'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('localhost:5000/busybox'), 'Always');
  assert.equal(defaultPullPolicy('busybox@sha256:abc'), 'IfNotPresent');
  assert.equal(imageTag('registry:5000/a/b:v1@sha256:x'), 'v1');
});

test('prepareForCreate adds the SchedulingGated condition for gated pods', () => {
  const pod = newPod({ schedulingGates: [{ name: 'example.com/gate' }] });
  preparePodForCreate(pod, new Date('2024-01-01T00:00:00Z'));
  assert.equal(pod.status?.conditions?.[0]?.reason, 'SchedulingGated');
  assert.equal(pod.status?.conditions?.[0]?.message, 'Scheduling is blocked due to non-empty scheduling gates');
});

test('computePodQOS classifies Guaranteed, Burstable and BestEffort', () => {
  const g = newPod({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] });
  preparePodForCreate(g);
  assert.equal(g.status?.qosClass, 'Guaranteed');
  const b = newPod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }] });
  assert.equal(computePodQOS(b), 'Burstable');
  const b2 = newPod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] });
  assert.equal(computePodQOS(b2), 'Burstable');
  assert.equal(computePodQOS(newPod()), 'BestEffort');
});

test('prepareForUpdate keeps status from the stored pod', () => {
  const old = newPod();
  preparePodForCreate(old);
  old.status = { phase: 'Running' };
  const next = structuredClone(old);
  next.status = { phase: 'Failed' };
  podStrategy.prepareForUpdate(next, old);
  assert.equal(next.status?.phase, 'Running');
});

test('prepareForStatusUpdate keeps spec and ownerReferences from the stored pod', () => {
  const old = newPod({ nodeName: 'n1' });
  old.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }];
  old.status = { phase: 'Pending', qosClass: 'BestEffort' };
  const next = structuredClone(old);
  next.spec.nodeName = 'other';
  delete next.metadata.ownerReferences;
  next.status = { phase: 'Running' };
  podStrategy.prepareForStatusUpdate?.(next, old);
  assert.equal(next.spec.nodeName, 'n1');
  assert.deepEqual(next.metadata, old.metadata);
  assert.deepEqual(next.status, { phase: 'Running', qosClass: 'BestEffort' });
});

test('gracePeriod follows CheckGracefulDelete', () => {
  const p = newPod({ nodeName: 'n1', terminationGracePeriodSeconds: 30 });
  assert.equal(podGracePeriod(p, {}), 30);
  assert.equal(podGracePeriod(p, { gracePeriodSeconds: 5 }), 5);
  assert.equal(podGracePeriod(p, { gracePeriodSeconds: 0 }), 0);
  assert.equal(podGracePeriod(p, { gracePeriodSeconds: -3 }), 1);
  assert.equal(podGracePeriod(newPod({ terminationGracePeriodSeconds: 30 }), {}), 0, 'unscheduled pods go at once');
  assert.equal(podGracePeriod({ ...p, status: { phase: 'Succeeded' } }, {}), 0, 'terminal pods go at once');
  assert.equal(podGracePeriod({ ...p, status: { phase: 'Failed' } }, { gracePeriodSeconds: 10 }), 0);
});

test('selectableFields exposes the pod field selectors', () => {
  const p = newPod({ nodeName: 'n1', restartPolicy: 'Never', schedulerName: 'default-scheduler' });
  p.status = { phase: 'Running', podIPs: [{ ip: '10.1.0.4' }] };
  assert.deepEqual(podSelectableFields(p), {
    'metadata.name': 'web',
    'metadata.namespace': 'default',
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Never',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': '',
    'spec.hostNetwork': 'false',
    'status.phase': 'Running',
    'status.podIP': '10.1.0.4',
    'status.nominatedNodeName': '',
  });
});
