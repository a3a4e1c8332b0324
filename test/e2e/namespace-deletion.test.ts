/**
 * Namespace deletion end to end: `kubectl delete namespace` of a namespace with a running pod and a
 * ConfigMap waits while the namespace controller deletes the content (the pod through its grace period, by
 * the kubelet), then the namespace is gone; kube-node-lease comes back after deletion, and the kubelet's node lease
 * in it (renewed every 10 s, owned by the Node) with it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, useCluster } from './harness.js';

describe('namespace deletion', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-nsdel' });

  /** The node lease's renewTime, holder, duration and owner as `kubectl get` prints them ('' when missing). */
  const nodeLease = async (): Promise<string> =>
    (await cluster().kubectl(['get', 'lease', cluster().nodeName, '-n', 'kube-node-lease', '-o', 'jsonpath={.spec.renewTime} {.spec.holderIdentity} {.spec.leaseDurationSeconds} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}'])).stdout;

  it('the kubelet renews its node lease in kube-node-lease every 10 s, owned by the Node', async () => {
    const first = await cluster().waitFor('node lease', async () => (await nodeLease()) || undefined, 30_000);
    const node = cluster().nodeName;
    assert.match(first, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z ${node} 40 Node/${node}$`));
    const t0 = Date.now();
    const renewed = await cluster().waitFor('node lease renewed', async () => {
      const now = await nodeLease();
      return now.split(' ')[0] !== first.split(' ')[0] ? now : undefined;
    }, 20_000);
    console.log(`# figure: node lease renewed ${Date.now() - t0} ms after first seen (period 10 s)`);
    assert.ok(Date.parse(renewed.split(' ')[0] ?? '') > Date.parse(first.split(' ')[0] ?? ''));
    const table = await cluster().kubectlOk(['get', 'leases', '-n', 'kube-node-lease']);
    assert.match(table, new RegExp(`^NAME\\s+HOLDER\\s+AGE\\n${node}\\s+${node}\\s+\\S+\\n$`));
  });

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
    await cluster().waitFor('node lease back', async () => (await nodeLease()) || undefined, 30_000);
  });
});
