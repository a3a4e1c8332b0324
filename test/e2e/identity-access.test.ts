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
});
