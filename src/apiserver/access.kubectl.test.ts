/**
 * Access control end to end with the real kubectl against an API server run as `k1s server` runs it (ServiceAccount
 * tokens, Node,RBAC, ServiceAccount admission, the ServiceAccount/root-CA/aggregation controllers): TokenRequest and
 * OIDC discovery, bearer tokens (401s), RBAC 403s with kube-apiserver's text, `kubectl auth can-i`/`whoami`,
 * impersonation, the kube-api-access volume, kube-root-ca.crt, and the Node authorizer.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { request } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderKubeconfig } from '../pki/pki.js';
import { ServiceAccountTokens } from './authn/service-account-tokens.js';
import { startTestServer, type KubectlResult, type TestServer } from './testing/test-server.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';

interface Reply {
  code: number;
  body: string;
  json: () => Record<string, unknown>;
}

function callWithToken(t: TestServer, method: string, path: string, token: string | undefined, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port: t.server.port,
        method,
        path,
        ca: t.pki.caPem,
        headers: { ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}), ...(text !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: data, json: () => JSON.parse(data) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('access control with kubectl', () => {
  let t: TestServer;
  let tokenConfig: string;
  let nodeConfig: string;
  /** kubectl as the holder of `token` (a kubeconfig without client certificates). */
  const withToken = (token: string, args: string[], stdin?: string): Promise<KubectlResult> => t.kubectl(['--kubeconfig', tokenConfig, '--token', token, ...args], stdin);
  const asNode = (args: string[]): Promise<KubectlResult> => t.kubectl(['--kubeconfig', nodeConfig, ...args]);
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await t.kubectl(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  let reader = '';

  before(async () => {
    t = await startTestServer(undefined, { access: true, namespaceController: true });
    tokenConfig = join(t.dir, 'token.kubeconfig');
    writeFileSync(
      tokenConfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: ${Buffer.from(t.pki.caPem).toString('base64')}\n    server: ${t.url}\n  name: c\ncontexts:\n- context:\n    cluster: c\n    user: u\n  name: c\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n`,
    );
    nodeConfig = join(t.dir, 'node.kubeconfig');
    writeFileSync(nodeConfig, renderKubeconfig(t.url, t.pki.caPem, t.pki.kubeletClient));
    await eventually('the default ServiceAccount', async () => (await t.kubectl(['get', 'sa', 'default'])).code === 0);
    await ok(['create', 'serviceaccount', 'reader']);
    reader = (await ok(['create', 'token', 'reader'])).trim();
  });
  after(async () => {
    await t.close();
  });

  it('creates the default policy, and aggregates admin, edit and view', async () => {
    const names = (await ok(['get', 'clusterroles', '-o', 'name'])).split('\n');
    for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:node', 'system:service-account-issuer-discovery']) {
      assert.ok(names.includes(`clusterrole.rbac.authorization.k8s.io/${n}`), n);
    }
    const crb = await ok(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'wide']);
    assert.match(crb, /^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters\s*$/m);
    const viewRules = await eventually('view to be aggregated', async () => {
      const out = await ok(['get', 'clusterrole', 'view', '-o', 'json']);
      const rules = (JSON.parse(out) as { rules?: { resources?: string[]; verbs: string[] }[] }).rules ?? [];
      return rules.length > 0 ? rules : undefined;
    });
    assert.deepEqual(viewRules.find((r) => r.resources?.includes('pods'))?.verbs, ['get', 'list', 'watch']);
    await eventually('admin to include edit and view rules', async () => {
      const rules = (JSON.parse(await ok(['get', 'clusterrole', 'admin', '-o', 'json'])) as { rules?: { resources?: string[] }[] }).rules ?? [];
      return rules.some((r) => r.resources?.includes('rolebindings')) && rules.some((r) => r.resources?.includes('pods/exec')) && rules.some((r) => r.resources?.includes('pods/log'));
    });
  });

  it('kubectl create token signs a JWT for the duration and audiences asked, verifiable with /openid/v1/jwks', async () => {
    const token = (await ok(['create', 'token', 'reader', '--duration=15m', `--audience=${ISSUER}`, '--audience=vault'])).trim();
    const c = claims(token);
    const uid = (await ok(['get', 'sa', 'reader', '-o', 'jsonpath={.metadata.uid}'])).trim();
    assert.equal(c['iss'], ISSUER);
    assert.equal(c['sub'], 'system:serviceaccount:default:reader');
    assert.deepEqual(c['aud'], [ISSUER, 'vault']);
    assert.equal(Number(c['exp']) - Number(c['iat']), 900);
    assert.deepEqual(c['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'reader', uid } });
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg: string; kid: string };
    assert.equal(header.alg, 'RS256');
    const config = await callWithToken(t, 'GET', '/.well-known/openid-configuration', token);
    assert.equal(config.code, 200, config.body);
    assert.equal(config.json()['issuer'], ISSUER);
    assert.equal(config.json()['jwks_uri'], `https://127.0.0.1:${t.server.port}/openid/v1/jwks`);
    const jwks = await callWithToken(t, 'GET', '/openid/v1/jwks', token);
    const key = (jwks.json()['keys'] as { kid: string; kty: string; n: string; e: string }[]).find((k) => k.kid === header.kid);
    assert.ok(key, 'the token key is in the JWKS');
    const [h, p, sig] = token.split('.') as [string, string, string];
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: { kty: key.kty, n: key.n, e: key.e }, format: 'jwk' }), Buffer.from(sig, 'base64url')));
    const short = await t.kubectl(['create', 'token', 'reader', '--duration=5m']);
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /TokenRequest\.authentication\.k8s\.io "" is invalid: spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
    const missing = await t.kubectl(['create', 'token', 'nobody']);
    assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
  });

  it('a ServiceAccount token gets 403 with kube-apiserver\'s message until a RoleBinding grants view, then lists pods', async () => {
    let r = await withToken(reader, ['get', 'pods']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:reader" cannot list resource "pods" in API group "" in the namespace "default"');
    await ok(['create', 'rolebinding', 'reader-view', '--clusterrole=view', '--serviceaccount=default:reader']);
    r = await withToken(reader, ['get', 'pods']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /No resources found in default namespace/);
    r = await withToken(reader, ['get', 'pods', '-n', 'kube-system']);
    assert.match(r.stderr, /pods is forbidden: User "system:serviceaccount:default:reader" cannot list resource "pods" in API group "" in the namespace "kube-system"/);
    r = await withToken(reader, ['get', 'nodes']);
    assert.match(r.stderr, /nodes is forbidden: User "system:serviceaccount:default:reader" cannot list resource "nodes" in API group "" at the cluster scope/);
    r = await withToken(reader, ['get', 'secret', 'x']);
    assert.match(r.stderr, /secrets "x" is forbidden: User "system:serviceaccount:default:reader" cannot get resource "secrets" in API group "" in the namespace "default"/);
  });

  it('answers 401 for a garbage token, another key\'s token, an expired token and a deleted ServiceAccount\'s token', async () => {
    const unauthorized = (r: Reply): void => {
      assert.equal(r.code, 401, r.body);
      assert.deepEqual(r.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    };
    unauthorized(await callWithToken(t, 'GET', '/api', 'not-a-token'));
    const uid = (await ok(['get', 'sa', 'reader', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const other = new ServiceAccountTokens({ keyPem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), issuer: ISSUER });
    const base = { namespace: 'default', serviceAccount: { name: 'reader', uid }, audiences: [ISSUER] };
    unauthorized(await callWithToken(t, 'GET', '/api', other.generate({ ...base, now: new Date(), expirationSeconds: 3600 })));
    unauthorized(await callWithToken(t, 'GET', '/api', t.tokens!.generate({ ...base, now: new Date(Date.now() - 7200_000), expirationSeconds: 3600 })));
    // Within go-jose's minute of leeway an expired token still works.
    const justExpired = t.tokens!.generate({ ...base, now: new Date(Date.now() - 630_000), expirationSeconds: 600 });
    assert.equal((await callWithToken(t, 'GET', '/api', justExpired)).code, 200);
    unauthorized(await callWithToken(t, 'GET', '/api', t.tokens!.generate({ ...base, audiences: ['vault'], now: new Date(), expirationSeconds: 3600 })));
    assert.equal((await callWithToken(t, 'GET', '/api', reader)).code, 200);
    await ok(['create', 'serviceaccount', 'temp']);
    const temp = (await ok(['create', 'token', 'temp'])).trim();
    assert.equal((await callWithToken(t, 'GET', '/api', temp)).code, 200);
    await ok(['delete', 'serviceaccount', 'temp']);
    unauthorized(await callWithToken(t, 'GET', '/api', temp));
    await ok(['create', 'serviceaccount', 'temp']);
    unauthorized(await callWithToken(t, 'GET', '/api', temp));
  });

  it('kubectl auth can-i answers for users, groups and ServiceAccounts, and --list lists the rules', async () => {
    const canI = async (args: string[]): Promise<string> => (await t.kubectl(['auth', 'can-i', ...args])).stdout.trim();
    assert.equal(await canI(['*', '*']), 'yes');
    assert.equal(await canI(['list', 'pods', '--as=system:serviceaccount:default:reader']), 'yes');
    assert.equal(await canI(['delete', 'pods', '--as=system:serviceaccount:default:reader']), 'no');
    assert.equal(await canI(['list', 'pods', '-n', 'kube-system', '--as=system:serviceaccount:default:reader']), 'no');
    assert.equal((await t.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'kube-system', '--as=system:serviceaccount:default:reader'])).code, 1);
    assert.equal(await canI(['create', 'deployments.apps', '--as=jane']), 'no');
    await ok(['create', 'rolebinding', 'jane-edit', '--clusterrole=edit', '--user=jane']);
    assert.equal(await canI(['create', 'deployments.apps', '--as=jane']), 'yes');
    assert.equal(await canI(['create', 'rolebindings', '--as=jane']), 'no');
    assert.equal(await canI(['get', 'pods', '--as=bob', '--as-group=team']), 'no');
    await ok(['create', 'clusterrolebinding', 'team-view', '--clusterrole=view', '--group=team']);
    assert.equal(await canI(['get', 'pods', '-n', 'kube-system', '--as=bob', '--as-group=team']), 'yes');
    assert.equal((await withToken(reader, ['auth', 'can-i', 'watch', 'pods'])).stdout.trim(), 'yes');
    assert.equal((await withToken(reader, ['auth', 'can-i', 'get', '/healthz'])).stdout.trim(), 'yes');
    const list = (await withToken(reader, ['auth', 'can-i', '--list'])).stdout;
    assert.match(list, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    assert.match(list, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    assert.match(list, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.match(list, /^\s+\[\/healthz\]\s+\[\]\s+\[get\]$/m);
  });

  it('kubectl auth whoami shows the user of a certificate, a token and an impersonation', async () => {
    const admin = await ok(['auth', 'whoami']);
    assert.match(admin, /^Username\s+system:admin$/m);
    assert.match(admin, /^Groups\s+\[system:masters system:authenticated\]$/m);
    assert.match(admin, /^Extra: authentication\.kubernetes\.io\/credential-id\s+\[X509SHA256=[0-9a-f]{64}\]$/m);
    const sa = (await withToken(reader, ['auth', 'whoami'])).stdout;
    const uid = (await ok(['get', 'sa', 'reader', '-o', 'jsonpath={.metadata.uid}'])).trim();
    assert.match(sa, /^Username\s+system:serviceaccount:default:reader$/m);
    assert.match(sa, new RegExp(`^UID\\s+${uid}$`, 'm'));
    assert.match(sa, /^Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]$/m);
    assert.match(sa, new RegExp(`^Extra: authentication\\.kubernetes\\.io/credential-id\\s+\\[JTI=${String(claims(reader)['jti'])}\\]$`, 'm'));
    const as = await ok(['auth', 'whoami', '--as=jane', '--as-group=dev']);
    assert.match(as, /^Username\s+jane$/m);
    assert.match(as, /^Groups\s+\[dev system:authenticated\]$/m);
  });

  it('impersonation needs the impersonate verb', async () => {
    const r = await withToken(reader, ['get', 'pods', '--as=jane']);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): users "jane" is forbidden: User "system:serviceaccount:default:reader" cannot impersonate resource "users" in API group "" at the cluster scope');
    const sa = await withToken(reader, ['get', 'pods', '--as=system:serviceaccount:default:default']);
    assert.match(sa.stderr, /serviceaccounts "default" is forbidden: User "system:serviceaccount:default:reader" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "default"/);
  });

  it('admission gives pods the default ServiceAccount and the kube-api-access volume in every container', async () => {
    await ok(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata:
  name: sa-pod
spec:
  initContainers:
  - name: init
    image: busybox:1.36
  containers:
  - name: app
    image: busybox:1.36
  - name: own-mount
    image: busybox:1.36
    volumeMounts:
    - name: data
      mountPath: /var/run/secrets/kubernetes.io/serviceaccount
  volumes:
  - name: data
    emptyDir: {}
`);
    const pod = JSON.parse(await ok(['get', 'pod', 'sa-pod', '-o', 'json'])) as { spec: { serviceAccountName: string; serviceAccount: string; volumes: { name: string; projected?: unknown }[]; initContainers: { volumeMounts?: unknown[] }[]; containers: { volumeMounts?: unknown[] }[] } };
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.serviceAccount, 'default');
    const vol = pod.spec.volumes.at(-1)!;
    assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(vol.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    const mount = { name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    assert.deepEqual(pod.spec.initContainers[0]?.volumeMounts, [mount]);
    assert.deepEqual(pod.spec.containers[0]?.volumeMounts, [mount]);
    assert.deepEqual(pod.spec.containers[1]?.volumeMounts, [{ name: 'data', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);

    const volumes = async (name: string): Promise<string> => ok(['get', 'pod', name, '-o', 'jsonpath={.spec.volumes[*].name}']);
    await ok(['run', 'no-token', '--image=busybox:1.36', '--overrides={"spec":{"automountServiceAccountToken":false}}']);
    assert.equal(await volumes('no-token'), '');
    await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: quiet\nautomountServiceAccountToken: false\n');
    await ok(['run', 'quiet-pod', '--image=busybox:1.36', '--overrides={"spec":{"serviceAccountName":"quiet"}}']);
    assert.equal(await volumes('quiet-pod'), '');
    await ok(['run', 'loud-pod', '--image=busybox:1.36', '--overrides={"spec":{"serviceAccountName":"quiet","automountServiceAccountToken":true}}']);
    assert.match(await volumes('loud-pod'), /^kube-api-access-\w{5}$/);
    const missing = await t.kubectl(['run', 'orphan', '--image=busybox:1.36', '--overrides={"spec":{"serviceAccountName":"nope"}}']);
    assert.equal(missing.stderr.trim(), 'Error from server (Forbidden): pods "orphan" is forbidden: error looking up service account default/nope: serviceaccount "nope" not found');
  });

  it('binds tokens to pods: claims name the pod, 3607 s tokens are extended a year, and the pod\'s deletion ends them', async () => {
    const podUid = (await ok(['get', 'pod', 'sa-pod', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const bound = (await ok(['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=sa-pod'])).trim();
    assert.deepEqual((claims(bound)['kubernetes.io'] as { pod: unknown }).pod, { name: 'sa-pod', uid: podUid });
    const whoami = (await withToken(bound, ['auth', 'whoami'])).stdout;
    assert.match(whoami, /^Extra: authentication\.kubernetes\.io\/pod-name\s+\[sa-pod\]$/m);
    const wrong = await t.kubectl(['create', 'token', 'reader', '--bound-object-kind=Pod', '--bound-object-name=sa-pod']);
    assert.match(wrong.stderr, /cannot bind token for serviceaccount "reader" to pod running with different serviceaccount name\./);
    const before = Date.now();
    const r = await callWithToken(t, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', reader, {});
    assert.equal(r.code, 403, r.body);
    const adminTr = await t.kubectl(['create', '--raw', '/api/v1/namespaces/default/serviceaccounts/default/token', '-f', '-'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'sa-pod' } } }));
    assert.equal(adminTr.code, 0, adminTr.stderr);
    const tr = JSON.parse(adminTr.stdout) as { status: { token: string; expirationTimestamp: string }; spec: { expirationSeconds: number; audiences: string[] } };
    const c = claims(tr.status.token);
    assert.equal(Number(c['exp']) - Number(c['iat']), 365 * 24 * 3600);
    assert.equal((c['kubernetes.io'] as { warnafter: number }).warnafter, Number(c['iat']) + 3607);
    assert.deepEqual(tr.spec.audiences, [ISSUER]);
    const expires = Date.parse(tr.status.expirationTimestamp);
    assert.ok(expires >= Math.floor(before / 1000) * 1000 + 3607_000 - 1000 && expires <= Date.now() + 3607_000, tr.status.expirationTimestamp);
    assert.equal((await callWithToken(t, 'GET', '/api', tr.status.token)).code, 200);
    await ok(['delete', 'pod', 'sa-pod', '--grace-period=0']);
    assert.equal((await callWithToken(t, 'GET', '/api', tr.status.token)).code, 401);
    await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Node\nmetadata:\n  name: bound-node\n');
    const nodeUid = (await ok(['get', 'node', 'bound-node', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const nodeBound = (await ok(['create', 'token', 'default', '--bound-object-kind=Node', '--bound-object-name=bound-node'])).trim();
    assert.deepEqual((claims(nodeBound)['kubernetes.io'] as { node: unknown }).node, { name: 'bound-node', uid: nodeUid });
    assert.match((await withToken(nodeBound, ['auth', 'whoami'])).stdout, /^Extra: authentication\.kubernetes\.io\/node-name\s+\[bound-node\]$/m);
    await ok(['delete', 'node', 'bound-node']);
    assert.equal((await callWithToken(t, 'GET', '/api', nodeBound)).code, 401);
  });

  it('publishes kube-root-ca.crt in every namespace and puts it back', async () => {
    const ca = async (ns: string): Promise<string> => (await t.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'jsonpath={.data.ca\\.crt}'])).stdout;
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) await eventually(`kube-root-ca.crt in ${ns}`, async () => (await ca(ns)) === t.pki.caPem);
    await ok(['create', 'namespace', 'team-ca']);
    await eventually('kube-root-ca.crt in team-ca', async () => (await ca('team-ca')) === t.pki.caPem);
    const annotation = await ok(['get', 'configmap', 'kube-root-ca.crt', '-n', 'team-ca', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/description}']);
    assert.match(annotation, /^Contains a CA bundle that can be used to verify the kube-apiserver/);
    await ok(['delete', 'configmap', 'kube-root-ca.crt', '-n', 'team-ca']);
    await eventually('kube-root-ca.crt back in team-ca', async () => (await ca('team-ca')) === t.pki.caPem);
    await ok(['patch', 'configmap', 'kube-root-ca.crt', '-n', 'team-ca', '-p', '{"data":{"ca.crt":"tampered"}}']);
    await eventually('kube-root-ca.crt restored in team-ca', async () => (await ca('team-ca')) === t.pki.caPem);
  });

  it('the kubelet\'s certificate reads only what pods bound to its node use (Node authorizer)', async () => {
    await ok(['create', 'configmap', 'used', '--from-literal=a=1']);
    await ok(['create', 'configmap', 'unused', '--from-literal=a=1']);
    await ok(['create', 'serviceaccount', 'runner']);
    await ok(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata:
  name: on-node
spec:
  nodeName: node1
  serviceAccountName: runner
  containers:
  - name: app
    image: busybox:1.36
    envFrom:
    - configMapRef:
        name: used
`);
    await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: elsewhere\nspec:\n  nodeName: node2\n  containers:\n  - name: app\n    image: busybox:1.36\n');
    assert.equal((await asNode(['get', 'configmap', 'used', '-o', 'name'])).stdout.trim(), 'configmap/used');
    assert.equal((await asNode(['get', 'configmap', 'kube-root-ca.crt', '-o', 'name'])).stdout.trim(), 'configmap/kube-root-ca.crt');
    const denied = await asNode(['get', 'configmap', 'unused']);
    assert.equal(denied.stderr.trim(), 'Error from server (Forbidden): configmaps "unused" is forbidden: User "system:node:node1" cannot get resource "configmaps" in API group "" in the namespace "default": no relationship found between node \'node1\' and this object');
    assert.match((await asNode(['get', 'configmaps'])).stderr, /configmaps is forbidden: User "system:node:node1" cannot list resource "configmaps" in API group "" in the namespace "default": No Object name found/);
    assert.equal((await asNode(['create', 'token', 'runner'])).code, 0);
    assert.match((await asNode(['create', 'token', 'reader'])).stderr, /serviceaccounts "reader" is forbidden: User "system:node:node1" cannot create resource "serviceaccounts\/token" in API group "" in the namespace "default": no relationship found between node 'node1' and this object/);
    assert.equal((await asNode(['get', 'pods', '-A', '-o', 'name'])).code, 0);
    assert.match((await asNode(['delete', 'pod', 'elsewhere'])).stderr, /pods "elsewhere" is forbidden: User "system:node:node1" cannot delete resource "pods" in API group "" in the namespace "default": node "node1" can only modify pods bound to itself/);
    assert.match((await asNode(['delete', 'secret', 'x'])).stderr, /secrets "x" is forbidden: User "system:node:node1" cannot delete resource "secrets" in API group "" in the namespace "default": can only read resources of this type/);
  });

  it('answers SubjectAccessReview, LocalSubjectAccessReview and TokenReview for the admin', async () => {
    const sar = JSON.parse(await ok(['create', '--raw', '/apis/authorization.k8s.io/v1/subjectaccessreviews', '-f', '-'], JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'jane', resourceAttributes: { namespace: 'default', verb: 'create', group: 'apps', resource: 'deployments' } } }))) as { status: { allowed: boolean; reason?: string } };
    assert.deepEqual(sar.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "jane-edit/default" of ClusterRole "edit" to User "jane"' });
    const lsar = JSON.parse(await ok(['create', '--raw', '/apis/authorization.k8s.io/v1/namespaces/kube-system/localsubjectaccessreviews', '-f', '-'], JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: { namespace: 'kube-system' }, spec: { user: 'jane', resourceAttributes: { namespace: 'kube-system', verb: 'create', group: 'apps', resource: 'deployments' } } }))) as { status: { allowed: boolean } };
    assert.deepEqual(lsar.status, { allowed: false });
    const bad = await t.kubectl(['create', '--raw', '/apis/authorization.k8s.io/v1/subjectaccessreviews', '-f', '-'], JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes: { verb: 'get' } } }));
    assert.equal(bad.stderr.trim(), 'The SubjectAccessReview "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    const tr = JSON.parse(await ok(['create', '--raw', '/apis/authentication.k8s.io/v1/tokenreviews', '-f', '-'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: reader } }))) as { status: { authenticated: boolean; user: { username: string; groups: string[] }; audiences: string[] } };
    assert.equal(tr.status.authenticated, true);
    assert.equal(tr.status.user.username, 'system:serviceaccount:default:reader');
    assert.deepEqual(tr.status.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    assert.deepEqual(tr.status.audiences, [ISSUER]);
    const no = JSON.parse(await ok(['create', '--raw', '/apis/authentication.k8s.io/v1/tokenreviews', '-f', '-'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'nonsense' } }))) as { status: unknown };
    assert.deepEqual(no.status, { authenticated: false, error: 'invalid bearer token' });
  });

  it('refuses roles and bindings that grant more than their author holds, unless escalate or bind is granted', async () => {
    await ok(['create', 'rolebinding', 'ann-admin', '--clusterrole=admin', '--user=ann']);
    await ok(['create', 'rolebinding', 'bob-view', '--clusterrole=view', '--user=bob', '--as=ann']);
    await ok(['create', 'role', 'pod-reader', '--verb=get', '--resource=pods', '--as=ann']);
    const binding = await t.kubectl(['create', 'rolebinding', 'bob-root', '--clusterrole=cluster-admin', '--user=bob', '--as=ann']);
    assert.equal(
      binding.stderr.trim(),
      'error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "bob-root" is forbidden: user "ann" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}',
    );
    const role = await t.kubectl(['create', 'role', 'node-killer', '--verb=delete,get', '--resource=nodes', '--as=ann']);
    assert.match(role.stderr, /roles\.rbac\.authorization\.k8s\.io "node-killer" is forbidden: user "ann" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["delete" "get"\]\}/);
    const patched = await t.kubectl(['patch', 'role', 'pod-reader', '--type=json', '-p', '[{"op":"add","path":"/rules/-","value":{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}}]', '--as=ann']);
    assert.match(patched.stderr, /roles\.rbac\.authorization\.k8s\.io "pod-reader" is forbidden: user "ann"/);
    assert.equal(JSON.parse(await ok(['get', 'role', 'pod-reader', '-o', 'json'])).rules.length, 1);
    await ok(['create', 'clusterrole', 'binder', '--verb=bind', '--resource=clusterroles.rbac.authorization.k8s.io', '--resource-name=cluster-admin']);
    await ok(['create', 'rolebinding', 'ann-binder', '--clusterrole=binder', '--user=ann']);
    await ok(['create', 'rolebinding', 'bob-root', '--clusterrole=cluster-admin', '--user=bob', '--as=ann']);
  });

  it('validates RBAC objects and names a missing role in the 403', async () => {
    const badRef = await t.kubectl(['apply', '-f', '-'], 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: bad\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: reader\n');
    assert.equal(badRef.stderr, 'The ClusterRoleBinding "bad" is invalid: \n* roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"\n* subjects[0].namespace: Required value\n');
    const change = await t.kubectl(['patch', 'rolebinding', 'reader-view', '--type=merge', '-p', '{"roleRef":{"name":"edit"}}']);
    assert.match(change.stderr, /The RoleBinding "reader-view" is invalid: roleRef: Invalid value: rbac\.RoleRef\{APIGroup:"rbac\.authorization\.k8s\.io", Kind:"ClusterRole", Name:"edit"\}: cannot change roleRef/);
    const rule = await t.kubectl(['create', 'role', 'r', '--verb=get', '--resource=pods', '--dry-run=client', '-o', 'json']);
    const role = JSON.parse(rule.stdout) as { rules: { nonResourceURLs?: string[] }[] };
    role.rules[0]!.nonResourceURLs = ['/x'];
    const badRule = await t.kubectl(['create', '-f', '-'], JSON.stringify(role));
    assert.match(badRule.stderr, /rules\[0\]\.nonResourceURLs: Invalid value: \[\]string\{"\/x"\}: namespaced rules cannot apply to non-resource URLs/);
    await ok(['create', 'rolebinding', 'ghost', '--role=ghost', '--user=ghost-user']);
    const r = await t.kubectl(['get', 'pods', '--as=ghost-user']);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "ghost-user" cannot list resource "pods" in API group "" in the namespace "default": RBAC: role.rbac.authorization.k8s.io "ghost" not found');
  });
});
