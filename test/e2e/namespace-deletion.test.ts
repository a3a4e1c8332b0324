/**
 * Namespace deletion end to end: `kubectl delete namespace` of a namespace with a running pod and a
 * ConfigMap waits while the namespace controller deletes the content (the pod through its grace period, by
 * the kubelet), then the namespace is gone; kube-node-lease comes back after deletion.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, useCluster } from './harness.js';

describe('namespace deletion', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-nsdel' });

  it('kubectl delete namespace removes a namespace with a running pod and a configmap', async () => {
    const manifest = `apiVersion: v1
kind: Namespace
metadata:
  name: scratch-e2e
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: scratch-e2e
data:
  a: "1"
---
apiVersion: v1
kind: Pod
metadata:
  name: sleeper
  namespace: scratch-e2e
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: busybox:1.36
    command: ['sleep', '3600']
`;
    await cluster().kubectlOk(['apply', '-f', '-'], { input: manifest });
    await cluster().waitFor('pod sleeper Running', async () =>
      (await cluster().kubectlOk(['get', 'pod', 'sleeper', '-n', 'scratch-e2e', '-o', 'jsonpath={.status.phase}'])) === 'Running', 90_000);
    const out = await cluster().kubectlOk(['delete', 'namespace', 'scratch-e2e', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(out.trim(), 'namespace "scratch-e2e" deleted');
    const gone = await cluster().kubectl(['get', 'namespace', 'scratch-e2e']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /namespaces "scratch-e2e" not found/);
    const pods = await cluster().kubectl(['get', 'pods', '-n', 'scratch-e2e']);
    assert.match(pods.stderr, /No resources found in scratch-e2e namespace/);
  });

  it('re-creates kube-node-lease after it is deleted', async () => {
    await cluster().kubectlOk(['delete', 'namespace', 'kube-node-lease', '--timeout=30s']);
    await cluster().waitFor('kube-node-lease Active again', async () =>
      (await cluster().kubectl(['get', 'namespace', 'kube-node-lease', '-o', 'jsonpath={.status.phase}'])).stdout === 'Active');
  });
});
