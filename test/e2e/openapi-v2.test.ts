/**
 * kubectl 1.27 and 1.28 against a real k1s cluster: both download /openapi/v2 (protobuf) before `apply`,
 * `create` and `explain`; pods they create run, an unknown field is rejected as a real cluster rejects it
 * (server-side strict field validation, since /openapi/v3 declares `fieldValidation`), and explain prints
 * the field docs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { e2eSkip, podRow, run, useCluster, type Cluster, type CommandResult } from './harness.js';

const KUBECTL = (v: string): string => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
const skip = e2eSkip || (!existsSync(KUBECTL('1.27')) || !existsSync(KUBECTL('1.28')) ? 'needs kubectl 1.27 and 1.28' : false);

function kubectlOf(cluster: Cluster, version: string, args: string[], input?: string): Promise<CommandResult> {
  const base = ['--kubeconfig', cluster.kubeconfig, '--cache-dir', join(cluster.dataDir, `kubectl-cache-${version}`)];
  return run(KUBECTL(version), [...base, ...args], input === undefined ? {} : { input });
}

const pod = (name: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox:1.36
    command: ["sleep", "3600"]
    resources:
      limits: {cpu: 100m, memory: 64Mi}${extra}
`;

async function waitRunning(cluster: Cluster, name: string): Promise<void> {
  await cluster.waitFor(`pod ${name} Running`, async () => (await podRow(cluster, name))?.status === 'Running', 90_000);
}

describe('kubectl 1.27 and 1.28 with /openapi/v2', { skip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-openapi-v2' });

  it('kubectl 1.27 apply -f creates a pod that runs, and a second apply patches it', async () => {
    const created = await kubectlOf(cluster(), '1.27', ['apply', '-f', '-'], pod('v127'));
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'pod/v127 created');
    await waitRunning(cluster(), 'v127');
    const patched = await kubectlOf(cluster(), '1.27', ['apply', '-f', '-'], pod('v127').replace('name: v127', 'name: v127\n  labels: {tier: web}'));
    assert.equal(patched.code, 0, patched.stderr);
    assert.equal(patched.stdout.trim(), 'pod/v127 configured');
    assert.equal(patched.stderr, '', 'the patch was computed from the v2 schema without warnings');
    assert.equal(await cluster().kubectlOk(['get', 'pod', 'v127', '-o', 'jsonpath={.metadata.labels.tier}']), 'web');
    await cluster().kubectlOk(['delete', 'pod', 'v127', '--wait=true', '--timeout=60s']);
  });

  it('kubectl 1.28 create -f and apply -f create pods that run', async () => {
    const created = await kubectlOf(cluster(), '1.28', ['create', '-f', '-'], pod('v128c'));
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'pod/v128c created');
    const applied = await kubectlOf(cluster(), '1.28', ['apply', '-f', '-'], pod('v128a'));
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout.trim(), 'pod/v128a created');
    await waitRunning(cluster(), 'v128c');
    await waitRunning(cluster(), 'v128a');
    await cluster().kubectlOk(['delete', 'pod', 'v128c', 'v128a', '--wait=true', '--timeout=60s']);
  });

  it('an unknown field is rejected by strict field validation and nothing is stored', async () => {
    const bad = pod('bad', '\n    bogusField: 1');
    for (const [v, verb] of [['1.27', 'apply'], ['1.28', 'create']] as const) {
      const r = await kubectlOf(cluster(), v, [verb, '-f', '-'], bad);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr.trim(),
        'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].bogusField"',
      );
    }
    assert.equal((await cluster().kubectl(['get', 'pod', 'bad'])).code, 1);
  });

  it('kubectl 1.27 explain pods.spec.containers prints the field docs', async () => {
    const r = await kubectlOf(cluster(), '1.27', ['explain', 'pods.spec.containers']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^FIELD: containers <\[\]Container>$/m);
    assert.match(r.stdout, /^ {4}List of containers belonging to the pod\.$/m);
    assert.match(r.stdout, /^ {2}image\t<string>$/m);
  });

  it('kubectl 1.32 still applies and deletes a pod', async () => {
    assert.equal((await cluster().kubectl(['apply', '-f', '-'], { input: pod('v132') })).stdout.trim(), 'pod/v132 created');
    await waitRunning(cluster(), 'v132');
    await cluster().kubectlOk(['delete', 'pod', 'v132', '--wait=true', '--timeout=60s']);
  });
});
