// generatePodSandboxConfig and generateContainerConfig: privileged sandboxes, and the PID namespace of ephemeral containers with a target.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Container, EphemeralContainer } from '../../api/types.js';
import { container, instance, makePod, runtimeStatus, sandbox } from '../testing/builders.js';
import { ephemeralTargetId, type StartSpec } from './container-start.js';
import { generateContainerConfig } from './container-config.js';
import { generatePodSandboxConfig } from './sandbox-config.js';

const root = mkdtempSync(join(tmpdir(), 'k1s-sandbox-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
const paths = { rootDir: root, podLogsDir: join(root, 'logs') };

test('generatePodSandboxConfig makes the sandbox privileged when an app, init or ephemeral container is privileged', () => {
  const app = makePod('p', [], { containers: [container('a', { securityContext: { privileged: true } })] });
  assert.equal(generatePodSandboxConfig(app, 0, paths, {}).linux?.securityContext?.privileged, true);
  const init = makePod('p', ['a'], { initContainers: [container('i', { securityContext: { privileged: true } })] });
  assert.equal(generatePodSandboxConfig(init, 0, paths, {}).linux?.securityContext?.privileged, true);
  const debug = makePod('p', ['a'], { ephemeralContainers: [container('d', { securityContext: { privileged: true } })] });
  assert.equal(generatePodSandboxConfig(debug, 0, paths, {}).linux?.securityContext?.privileged, true);
});

test('generatePodSandboxConfig leaves the sandbox unprivileged when no container is', () => {
  const pod = makePod('p', [], { containers: [container('a', { securityContext: { privileged: false } })] });
  assert.equal(generatePodSandboxConfig(pod, 0, paths, {}).linux?.securityContext?.privileged, undefined);
});

test('generateContainerConfig marks only the privileged container privileged', async () => {
  const pod = makePod('p', [], { containers: [container('a', { securityContext: { privileged: true } }), container('b')] });
  const input = { pod, restartCount: 0, imageRef: 'sha256:x', volumes: new Map(), objects: { getConfigMap: async () => undefined, getSecret: async () => undefined }, facts: { podIP: '', podIPs: [], hostIP: '127.0.0.1', nodeName: 'n', allocatable: {} }, paths };
  const a = await generateContainerConfig({ ...input, container: pod.spec.containers[0]! });
  const b = await generateContainerConfig({ ...input, container: pod.spec.containers[1]! });
  assert.equal(a.linux?.securityContext?.privileged, true);
  assert.equal(b.linux?.securityContext?.privileged, undefined);
});

test('generateContainerConfig puts an ephemeral container with a target in the target\'s PID namespace unless the pod shares one', async () => {
  const facts = { podIP: '', podIPs: [], hostIP: '127.0.0.1', nodeName: 'n', allocatable: {} };
  const objects = { getConfigMap: async () => undefined, getSecret: async () => undefined };
  const debug = { ...container('debug'), targetContainerName: 'a' };
  const own = makePod('p', ['a'], { ephemeralContainers: [debug] });
  const input = { pod: own, container: debug, restartCount: 0, imageRef: 'sha256:x', volumes: new Map(), objects, facts, paths };
  assert.deepEqual((await generateContainerConfig({ ...input, targetId: 'c-a-1' })).linux?.securityContext?.namespaceOptions, { network: 'POD', pid: 'TARGET', ipc: 'POD', targetId: 'c-a-1' });
  assert.equal((await generateContainerConfig(input)).linux?.securityContext?.namespaceOptions?.pid, 'CONTAINER');
  const shared = makePod('p', ['a'], { shareProcessNamespace: true, ephemeralContainers: [debug] });
  assert.deepEqual((await generateContainerConfig({ ...input, pod: shared, targetId: 'c-a-1' })).linux?.securityContext?.namespaceOptions, { network: 'POD', pid: 'POD', ipc: 'POD' });
});

test('ephemeralTargetId names the running target and refuses a target that is not running', () => {
  const pod = makePod('p', ['a', 'b'], { ephemeralContainers: [{ ...container('debug'), targetContainerName: 'a' }, container('plain')] });
  const status = runtimeStatus(pod, [sandbox()], [instance('a', 'running', { id: 'id-a' }), instance('b', 'exited')]);
  const spec = (c: Container | EphemeralContainer, ephemeral = true): StartSpec => ({ pod, container: c, status, sandboxId: 'sb1', sandboxConfig: { metadata: { name: 'p', uid: 'u', namespace: 'default', attempt: 0 } }, volumes: new Map(), facts: { podIP: '', podIPs: [], hostIP: '', nodeName: 'n', allocatable: {} }, ephemeral });
  const eph = pod.spec.ephemeralContainers!;
  assert.equal(ephemeralTargetId(spec(eph[0]!)), 'id-a');
  assert.equal(ephemeralTargetId(spec(eph[1]!)), undefined);
  assert.equal(ephemeralTargetId(spec(pod.spec.containers[0]!, false)), undefined);
  assert.throws(() => ephemeralTargetId(spec({ ...eph[0]!, targetContainerName: 'b' } as EphemeralContainer)), { name: 'StartError', reason: 'CreateContainerConfigError', message: 'unable to find target container b' });
});
