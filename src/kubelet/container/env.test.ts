// Tests of $(VAR) expansion and environment building (kubelet_pods.go `makeEnvironmentVariables`, third_party/forked/golang/expansion).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigMap, Secret } from '../../api/types.js';
import { container, makePod } from '../testing/builders.js';
import { ContainerConfigError, expandCommandAndArgs, expandSubPathExpr, makeEnvironmentVariables, type EnvFacts, type ObjectSource } from './env.js';
import { expand } from './expand.js';
import { parseQuantity, resourceValue } from './resources.js';

const vars = new Map([['A', 'a'], ['EMPTY', '']]);
const lookup = (n: string): string | undefined => vars.get(n);

for (const [input, want] of [
  ['$(A)', 'a'],
  ['x$(A)y', 'xay'],
  ['$(MISSING)', '$(MISSING)'],
  ['$$(A)', '$(A)'],
  ['$$', '$'],
  ['$x', '$x'],
  ['$(A', '$(A'],
  ['end$', 'end$'],
  ['$(A)$(A)', 'aa'],
  ['$()', '$()'],
] as const) {
  test(`expand turns ${JSON.stringify(input)} into ${JSON.stringify(want)}`, () => {
    assert.equal(expand(input, lookup), want);
  });
}

const facts: EnvFacts = { podIP: '10.0.0.5', podIPs: ['10.0.0.5'], hostIP: '127.0.0.1', nodeName: 'node1', allocatable: { cpu: '4', memory: '8589934592' } };
const objects: ObjectSource = {
  getConfigMap: async (_ns, name) => (name === 'cm' ? ({ metadata: { name }, data: { K: 'cmv', OTHER: 'o' } } as ConfigMap) : undefined),
  getSecret: async (_ns, name) => (name === 's' ? ({ metadata: { name }, data: { pw: Buffer.from('hunter2').toString('base64') } } as Secret) : undefined),
};

test('makeEnvironmentVariables composes env from envFrom, earlier vars, downward API and keys', async () => {
  const pod = makePod('p', [], {
    containers: [
      container('c', {
        envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }],
        env: [
          { name: 'FIRST', value: 'one' },
          { name: 'COMPOSED', value: '$(FIRST)-$(CM_K)-$(LATER)' },
          { name: 'LATER', value: 'late' },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
          { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        ],
      }),
    ],
  });
  const env = await makeEnvironmentVariables(pod, pod.spec.containers[0]!, objects, facts);
  assert.equal(env.get('COMPOSED'), 'one-cmv-$(LATER)');
  assert.equal(env.get('CM_OTHER'), 'o');
  assert.equal(env.get('POD'), 'p');
  assert.equal(env.get('IP'), '10.0.0.5');
  assert.equal(env.get('PW'), 'hunter2');
  assert.equal(env.has('OPT'), false);
  assert.equal(env.get('CPU'), '4');
});

test('makeEnvironmentVariables reports missing configmaps and keys like the kubelet', async () => {
  const pod = makePod('p', []);
  await assert.rejects(makeEnvironmentVariables(pod, container('c', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] }), objects, facts), {
    message: 'configmap "gone" not found',
  });
  await assert.rejects(makeEnvironmentVariables(pod, container('c', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] }), objects, facts), {
    message: "couldn't find key k in ConfigMap default/cm",
  });
  await assert.rejects(makeEnvironmentVariables(pod, container('c', { envFrom: [{ secretRef: { name: 'nope' } }] }), objects, facts), ContainerConfigError);
});

test('expandCommandAndArgs substitutes the final environment in command and args', () => {
  const out = expandCommandAndArgs(container('c', { command: ['echo', '$(A)'], args: ['$$(A)', '$(B)'] }), vars);
  assert.deepEqual(out, { command: ['echo', 'a'], args: ['$(A)', '$(B)'] });
});

test('expandSubPathExpr fails on missing or empty variables', () => {
  assert.equal(expandSubPathExpr('logs/$(A)', vars), 'logs/a');
  assert.throws(() => expandSubPathExpr('$(EMPTY)/$(NOPE)', vars), { message: 'missing value for EMPTY, NOPE' });
});

test('resourceValue rounds up by divisor and parseQuantity reads suffixes', () => {
  const pod = makePod('p', [], { containers: [container('c', { resources: { limits: { cpu: '250m', memory: '128Mi' } } })] });
  const c = pod.spec.containers[0]!;
  assert.equal(resourceValue(pod, c, { resource: 'limits.cpu' }, {}), '1');
  assert.equal(resourceValue(pod, c, { resource: 'limits.cpu', divisor: '1m' }, {}), '250');
  assert.equal(resourceValue(pod, c, { resource: 'limits.memory', divisor: '1Mi' }, {}), '128');
  assert.equal(parseQuantity('1Gi'), 1024 ** 3);
  assert.equal(parseQuantity('1.5'), 1.5);
});
