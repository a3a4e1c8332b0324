/** Tests of the pod-spec admission warnings of the pods, deployments and replicasets strategies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodSpec } from '../api/types.js';
import type { Deployment } from '../api/workloads.js';
import { coreStrategies, DEFAULT_REGISTRY_CONFIG } from './index.js';
import { podSpecWarningsOfPod, podSpecWarningsOfTemplate } from './pod-spec-warnings.js';

/** A stand-in check: one warning per app container beyond the first, under the given field path. */
const check = (spec: PodSpec, fieldPath: string): string[] => spec.containers.slice(1).map((c, i) => `${fieldPath}.containers[${i + 1}]: extra "${c.name}"`);
const spec: PodSpec = { containers: [{ name: 'a' }, { name: 'b' }] };

test("a pod's spec warns on create and on every update", () => {
  const warn = podSpecWarningsOfPod(check);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec } as Pod;
  assert.deepEqual(warn(pod, undefined), ['spec.containers[1]: extra "b"']);
  assert.deepEqual(warn(pod, pod), ['spec.containers[1]: extra "b"']);
});

test("a workload's template warns on create and on updates that move the generation only", () => {
  const warn = podSpecWarningsOfTemplate<Deployment>(check);
  const d = (generation: number) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation }, spec: { selector: {}, template: { spec } } }) as unknown as Deployment;
  assert.deepEqual(warn(d(1), undefined), ['spec.template.spec.containers[1]: extra "b"']);
  assert.deepEqual(warn(d(1), d(1)), []);
  assert.deepEqual(warn(d(2), d(1)), ['spec.template.spec.containers[1]: extra "b"']);
});

test('coreStrategies sets warnings on pods, replicationcontrollers, deployments and replicasets only when podSpecWarnings is given', () => {
  const withHook = (list: ReturnType<typeof coreStrategies>) => list.filter((s) => s.warnings).map((s) => `${s.info.group}/${s.info.resource}`);
  assert.deepEqual(withHook(coreStrategies()), []);
  assert.deepEqual(withHook(coreStrategies({ ...DEFAULT_REGISTRY_CONFIG, podSpecWarnings: check })), ['/pods', '/replicationcontrollers', 'apps/deployments', 'apps/replicasets']);
});
