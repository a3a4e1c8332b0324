// generatePodSandboxConfig: a pod with a privileged container gets a privileged sandbox.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { container, makePod } from '../testing/builders.js';
import { generateContainerConfig } from './container-config.js';
import { generatePodSandboxConfig } from './sandbox-config.js';

const root = mkdtempSync(join(tmpdir(), 'k1s-sandbox-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
const paths = { rootDir: root, podLogsDir: join(root, 'logs') };

test('generatePodSandboxConfig makes the sandbox privileged when an app or init container is privileged', () => {
  const app = makePod('p', [], { containers: [container('a', { securityContext: { privileged: true } })] });
  assert.equal(generatePodSandboxConfig(app, 0, paths, {}).linux?.securityContext?.privileged, true);
  const init = makePod('p', ['a'], { initContainers: [container('i', { securityContext: { privileged: true } })] });
  assert.equal(generatePodSandboxConfig(init, 0, paths, {}).linux?.securityContext?.privileged, true);
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
