/**
 * ServiceAccount tokens and RBAC (issue 8, items 3 and 4), end to end on one shared cluster with the real kubectl:
 * the kube-api-access volume in every container, a sidecar that lists pods with its mounted token (403 until a
 * RoleBinding grants view, then 200) through https://kubernetes.default.svc, kube-root-ca.crt, `kubectl create
 * token`, `kubectl auth can-i` for users, groups and ServiceAccounts, `kubectl auth whoami`, and the kubelet running
 * pods under its node-scoped identity.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { e2eSkip, useCluster, type Cluster } from './harness.js';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The sidecar's loop: one line a second, `<http code> <time>` of listing pods with the mounted token. */
const LIST_PODS = [
  'while true; do',
  `  code=$(curl -s -o /tmp/body -w '%{http_code}' --cacert ${SA_DIR}/ca.crt -H "Authorization: Bearer $(cat ${SA_DIR}/token)" https://kubernetes.default.svc/api/v1/namespaces/$(cat ${SA_DIR}/namespace)/pods);`,
  '  echo "$code";',
  '  sleep 1;',
  'done',
].join('\n');

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'api-client' },
  spec: {
    initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', `ls ${SA_DIR} > /work/init-saw`], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
    containers: [
      { name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      { name: 'lister', image: 'curlimages/curl:8.4.0', command: ['sh', '-c', LIST_PODS] },
    ],
    volumes: [{ name: 'work', emptyDir: {} }],
  },
};

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function listerCodes(c: Cluster): Promise<string[]> {
  const r = await c.kubectl(['logs', 'api-client', '-c', 'lister']);
  return r.stdout.split('\n').filter((l) => /^\d{3}$/.test(l));
}

describe('ServiceAccount tokens and RBAC', { skip: e2eSkip }, () => {
  const cluster = useCluster();

  it('mounts the kube-api-access volume in every container: token, ca.crt and namespace', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(POD) });
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/api-client', '--timeout=120s'], { timeoutMs: 130_000 });
    const spec = JSON.parse(await c.kubectlOk(['get', 'pod', 'api-client', '-o', 'json'])) as { metadata: { uid: string }; spec: { serviceAccountName: string; volumes: { name: string }[] } };
    assert.equal(spec.spec.serviceAccountName, 'default');
    assert.match(spec.spec.volumes.at(-1)?.name ?? '', /^kube-api-access-\w{5}$/);
    assert.equal(await c.kubectlOk(['exec', 'api-client', '-c', 'main', '--', 'cat', '/work/init-saw']), 'ca.crt\nnamespace\ntoken\n');
    for (const container of ['main', 'lister']) {
      assert.equal(await c.kubectlOk(['exec', 'api-client', '-c', container, '--', 'cat', `${SA_DIR}/namespace`]), 'default');
      assert.equal(await c.kubectlOk(['exec', 'api-client', '-c', container, '--', 'cat', `${SA_DIR}/ca.crt`]), readFileSync(join(c.dataDir, 'tls', 'ca.crt'), 'utf8'));
    }
    const write = await c.kubectl(['exec', 'api-client', '-c', 'main', '--', 'touch', `${SA_DIR}/x`]);
    assert.notEqual(write.code, 0, 'the volume is read-only');
    const token = await c.kubectlOk(['exec', 'api-client', '-c', 'main', '--', 'cat', `${SA_DIR}/token`]);
    const k8s = claims(token)['kubernetes.io'] as { namespace: string; pod: { name: string; uid: string }; node: { name: string }; serviceaccount: { name: string }; warnafter: number };
    assert.equal(k8s.namespace, 'default');
    assert.deepEqual(k8s.pod, { name: 'api-client', uid: spec.metadata.uid });
    assert.equal(k8s.node.name, c.nodeName);
    assert.equal(k8s.serviceaccount.name, 'default');
    assert.equal(k8s.warnafter - Number(claims(token)['iat']), 3607);
  });

  it('the sidecar\'s token gets 403 listing pods until a RoleBinding grants view, then 200', async () => {
    const c = cluster();
    await c.waitFor('the lister to report', async () => (await listerCodes(c)).length > 0);
    assert.deepEqual([...new Set(await listerCodes(c))], ['403']);
    const body = await c.kubectlOk(['exec', 'api-client', '-c', 'lister', '--', 'cat', '/tmp/body']);
    const status = JSON.parse(body) as { message: string; reason: string; code: number };
    assert.equal(status.message, 'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"');
    assert.equal(status.reason, 'Forbidden');
    assert.equal(status.code, 403);
    await c.kubectlOk(['create', 'rolebinding', 'default-view', '--clusterrole=view', '--serviceaccount=default:default']);
    await c.waitFor('the lister to get 200', async () => (await listerCodes(c)).at(-1) === '200', 30_000);
    const list = JSON.parse(await c.kubectlOk(['exec', 'api-client', '-c', 'lister', '--', 'cat', '/tmp/body'])) as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(list.kind, 'PodList');
    assert.ok(list.items.some((p) => p.metadata.name === 'api-client'));
    await c.kubectlOk(['delete', 'rolebinding', 'default-view']);
    await c.waitFor('the lister to get 403 again', async () => (await listerCodes(c)).at(-1) === '403', 30_000);
  });

  it('kubectl auth can-i answers for users, groups and ServiceAccounts', async () => {
    const c = cluster();
    const canI = async (args: string[]): Promise<string> => (await c.kubectl(['auth', 'can-i', ...args])).stdout.trim();
    assert.equal(await canI(['*', '*']), 'yes');
    assert.equal(await canI(['list', 'pods', '--as=system:serviceaccount:default:default']), 'no');
    await c.kubectlOk(['create', 'serviceaccount', 'deployer']);
    await c.kubectlOk(['create', 'rolebinding', 'deployer-edit', '--clusterrole=edit', '--serviceaccount=default:deployer']);
    assert.equal(await canI(['create', 'deployments.apps', '--as=system:serviceaccount:default:deployer']), 'yes');
    assert.equal(await canI(['create', 'rolebindings', '--as=system:serviceaccount:default:deployer']), 'no');
    assert.equal(await canI(['create', 'deployments.apps', '-n', 'kube-system', '--as=system:serviceaccount:default:deployer']), 'no');
    assert.equal(await canI(['delete', 'nodes', '--as=alice']), 'no');
    await c.kubectlOk(['create', 'clusterrolebinding', 'ops-admin', '--clusterrole=cluster-admin', '--group=ops']);
    assert.equal(await canI(['delete', 'nodes', '--as=alice', '--as-group=ops']), 'yes');
    const token = (await c.kubectlOk(['create', 'token', 'deployer', '--duration=20m'])).trim();
    assert.equal(Number(claims(token)['exp']) - Number(claims(token)['iat']), 1200);
    const server = `https://127.0.0.1:${c.port}`;
    const asDeployer = (args: string[]) =>
      c.kubectl(['--kubeconfig=/dev/null', `--server=${server}`, `--certificate-authority=${join(c.dataDir, 'tls', 'ca.crt')}`, `--token=${token}`, ...args]);
    assert.equal((await asDeployer(['auth', 'can-i', 'create', 'pods'])).stdout.trim(), 'yes');
    const whoami = (await asDeployer(['auth', 'whoami'])).stdout;
    assert.match(whoami, /^Username\s+system:serviceaccount:default:deployer$/m);
    assert.match(whoami, /^Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]$/m);
    assert.match((await asDeployer(['get', 'nodes'])).stderr, /nodes is forbidden: User "system:serviceaccount:default:deployer" cannot list resource "nodes" in API group "" at the cluster scope/);
    const bad = await c.kubectl(['--kubeconfig=/dev/null', `--server=${server}`, `--certificate-authority=${join(c.dataDir, 'tls', 'ca.crt')}`, '--token=garbage', 'get', 'pods']);
    assert.match(bad.stderr, /error: You must be logged in to the server \(Unauthorized\)/);
  });

  it('the kubelet runs pods as system:node:<name>, which reads only what its pods use', async () => {
    const c = cluster();
    const asNode = ['--as', `system:node:${c.nodeName}`, '--as-group', 'system:nodes'];
    assert.equal((await c.kubectl(['auth', 'can-i', 'get', 'configmap/kube-root-ca.crt', ...asNode])).stdout.trim(), 'yes');
    assert.equal((await c.kubectl(['auth', 'can-i', 'get', 'secret/anything', ...asNode])).stdout.trim(), `no - no relationship found between node '${c.nodeName}' and this object`);
    assert.equal((await c.kubectl(['auth', 'can-i', 'create', 'serviceaccount/default', '--subresource=token', ...asNode])).stdout.trim(), 'yes');
    assert.equal((await c.kubectl(['auth', 'can-i', 'update', `nodes/${c.nodeName}`, '--subresource=status', ...asNode])).stdout.trim(), 'yes');
    assert.equal((await c.kubectl(['auth', 'can-i', 'update', 'nodes/other-node', ...asNode])).stdout.trim(), `no - node "${c.nodeName}" is not allowed to modify node "other-node"`);
    assert.doesNotMatch(c.serverLog(), /kubelet: .*forbidden/i);
  });

  // Issue 8's "done when": a seed-style pod whose two containers share a PVC, with fsGroup, and a sidecar that
  // lists pods through the API with its mounted token.
  it('a PVC shared by two containers with fsGroup, and a sidecar listing pods with its token: Bound, group-owned, 403 then 200', async () => {
    const c = cluster();
    const lister = LIST_PODS.replace('-o /tmp/body', '-o /data/body');
    const manifest = `apiVersion: v1
kind: Namespace
metadata: {name: combo}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: combo}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: shared-data, namespace: combo}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 64Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: app-with-lister, namespace: combo}
spec:
  serviceAccountName: reader
  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000}
  containers:
  - name: app
    image: busybox:1.36
    command: ['sh', '-c', 'echo written-by-app > /data/app.txt; mkdir -p /data/dir; sleep 3600']
    volumeMounts: [{name: data, mountPath: /data}]
  - name: lister
    image: curlimages/curl:8.4.0
    command: ['sh', '-c', ${JSON.stringify(lister)}]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: shared-data}
`;
    await c.kubectlOk(['apply', '-f', '-'], { input: manifest });
    await c.kubectlOk(['wait', '-n', 'combo', '--for=condition=Ready', 'pod/app-with-lister', '--timeout=120s'], { timeoutMs: 130_000 });
    assert.equal(await c.kubectlOk(['get', 'pvc', '-n', 'combo', 'shared-data', '-o', 'jsonpath={.status.phase}']), 'Bound');
    // Both containers see the app's file, group-owned by the fsGroup; the directory carries the setgid bit.
    await c.waitFor('the app to write its file', async () => (await c.kubectl(['exec', '-n', 'combo', 'app-with-lister', '-c', 'lister', '--', 'cat', '/data/app.txt'])).stdout === 'written-by-app\n');
    const ls = await c.kubectlOk(['exec', '-n', 'combo', 'app-with-lister', '-c', 'app', '--', 'ls', '-ln', '/data/app.txt']);
    assert.match(ls, /^-rw-r--r-- +1 1000 +2000 +15 /);
    const dir = await c.kubectlOk(['exec', '-n', 'combo', 'app-with-lister', '-c', 'app', '--', 'stat', '-c', '%A %g', '/data']);
    assert.match(dir.trim(), /^drwxrwsrwx 2000$|^drwxrwsr-x 2000$/);
    assert.match(await c.kubectlOk(['exec', '-n', 'combo', 'app-with-lister', '-c', 'lister', '--', 'id']), /^uid=1000 gid=3000 groups=2000(,\d+)*\n?$|^uid=1000 gid=3000 groups=3000,2000\n?$/);
    const codes = async (): Promise<string[]> => (await c.kubectl(['logs', '-n', 'combo', 'app-with-lister', '-c', 'lister'])).stdout.split('\n').filter((l) => /^\d{3}$/.test(l));
    await c.waitFor('the lister to report', async () => (await codes()).length > 0);
    assert.deepEqual([...new Set(await codes())], ['403']);
    await c.kubectlOk(['create', 'rolebinding', 'reader-view', '-n', 'combo', '--clusterrole=view', '--serviceaccount=combo:reader']);
    await c.waitFor('the lister to get 200', async () => (await codes()).at(-1) === '200', 30_000);
    const list = JSON.parse(await c.kubectlOk(['exec', '-n', 'combo', 'app-with-lister', '-c', 'app', '--', 'cat', '/data/body'])) as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(list.kind, 'PodList');
    assert.deepEqual(list.items.map((p) => p.metadata.name), ['app-with-lister']);
    await c.kubectlOk(['delete', 'namespace', 'combo', '--wait=true', '--timeout=90s'], { timeoutMs: 100_000 });
  });
});
