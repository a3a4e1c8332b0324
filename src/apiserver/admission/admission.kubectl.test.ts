/**
 * LimitRanger, ResourceQuota (with the quota controller) and PodSecurity through the real API server and kubectl
 * 1.32: defaults written into pods, upstream's 403 messages, `kubectl get/describe` of limitranges and quotas, and
 * PodSecurity's Warning lines and namespace label validation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const LIMITS = `
apiVersion: v1
kind: LimitRange
metadata:
  name: limits
  namespace: lr
spec:
  limits:
  - type: Container
    default:
      memory: 512Mi
      cpu: 500m
    defaultRequest:
      memory: 256Mi
      cpu: 100m
    max:
      memory: 1Gi
`;

const pod = (name: string, ns: string, resources?: object): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', ...(resources ? { resources } : {}) }] } });

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('admission through kubectl', { timeout: 60_000 }, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(undefined, { access: true });
    for (const ns of ['lr', 'quota', 'psa']) assert.equal((await t.kubectl(['create', 'namespace', ns])).code, 0);
  });
  after(async () => t.close());

  it('LimitRanger gives a pod the Container defaults and refuses a limit over max', async () => {
    const apply = await t.kubectl(['apply', '-f', '-'], LIMITS);
    assert.equal(apply.code, 0, apply.stderr);
    const get = await t.kubectl(['get', 'limitranges', '-n', 'lr']);
    assert.match(get.stdout, /^NAME\s+CREATED AT\nlimits\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    const describe = await t.kubectl(['describe', 'limitrange', 'limits', '-n', 'lr']);
    assert.match(describe.stdout, /Container\s+memory\s+-\s+1Gi\s+256Mi\s+512Mi\s+-/);
    assert.equal((await t.kubectl(['apply', '-f', '-'], pod('web', 'lr'))).code, 0);
    const res = await t.kubectl(['get', 'pod', 'web', '-n', 'lr', '-o', 'jsonpath={.spec.containers[0].resources}']);
    assert.deepEqual(JSON.parse(res.stdout), { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    const note = await t.kubectl(['get', 'pod', 'web', '-n', 'lr', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/limit-ranger}']);
    assert.equal(note.stdout, 'LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c');
    const big = await t.kubectl(['apply', '-f', '-'], pod('big', 'lr', { limits: { memory: '2Gi' } }));
    assert.equal(big.code, 1);
    assert.equal(big.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi');
  });

  it('ResourceQuota counts usage, refuses what exceeds it and prints as kube-apiserver does', async () => {
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'quota' }, spec: { hard: { pods: '2', 'requests.memory': '1Gi', 'limits.memory': '2Gi', 'count/configmaps': '5' } } };
    assert.equal((await t.kubectl(['apply', '-f', '-'], JSON.stringify(quota))).code, 0);
    await waitFor('quota status', async () => {
      const r = await t.kubectl(['get', 'quota', 'compute', '-n', 'quota', '-o', 'jsonpath={.status.used.pods}']);
      return r.stdout === '0' ? true : undefined;
    });
    const missing = await t.kubectl(['apply', '-f', '-'], pod('bare', 'quota'));
    assert.equal(missing.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: c; requests.memory for: c');
    const r = { requests: { memory: '600Mi' }, limits: { memory: '600Mi' } };
    assert.equal((await t.kubectl(['apply', '-f', '-'], pod('a', 'quota', r))).code, 0);
    const over = await t.kubectl(['apply', '-f', '-'], pod('b', 'quota', r));
    assert.equal(
      over.stderr.trim(),
      'Error from server (Forbidden): error when creating "STDIN": pods "b" is forbidden: exceeded quota: compute, requested: requests.memory=600Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi',
    );
    const used = await waitFor('configmap counted', async () => {
      const g = await t.kubectl(['get', 'quota', '-n', 'quota']);
      return g.stdout.includes('count/configmaps: 1/5') ? g.stdout : undefined;
    });
    assert.match(used, /^NAME\s+AGE\s+REQUEST\s+LIMIT\ncompute\s+\S+\s+count\/configmaps: 1\/5, pods: 1\/2, requests\.memory: 600Mi\/1Gi\s+limits\.memory: 600Mi\/2Gi\n$/);
    const describe = await t.kubectl(['describe', 'quota', 'compute', '-n', 'quota']);
    assert.equal(
      describe.stdout,
      [
        'Name:             compute',
        'Namespace:        quota',
        'Resource          Used   Hard',
        '--------          ----   ----',
        'count/configmaps  1      5',
        'limits.memory     600Mi  2Gi',
        'pods              1      2',
        'requests.memory   600Mi  1Gi',
        '',
      ].join('\n'),
    );
    await t.kubectl(['delete', 'pod', 'a', '-n', 'quota', '--wait=false']);
  });

  it('serves the kinds to kubectl\'s generators (protobuf bodies), api-resources and explain', async () => {
    const create = await t.kubectl(['create', 'quota', 'objects', '-n', 'quota', '--hard=count/secrets=3,services.nodeports=0']);
    assert.equal(create.code, 0, create.stderr);
    assert.equal((await t.kubectl(['get', 'quota', 'objects', '-n', 'quota', '-o', 'jsonpath={.spec.hard}'])).stdout, '{"count/secrets":"3","services.nodeports":"0"}');
    const resources = await t.kubectl(['api-resources', '--api-group=']);
    assert.match(resources.stdout, /\nlimitranges\s+limits\s+v1\s+true\s+LimitRange\n/);
    assert.match(resources.stdout, /\nresourcequotas\s+quota\s+v1\s+true\s+ResourceQuota\n/);
    const explain = await t.kubectl(['explain', 'limitrange.spec.limits.defaultRequest']);
    assert.match(explain.stdout, /FIELD: defaultRequest <map\[string\]Quantity>/);
  });

  it('PodSecurity enforces and warns by namespace label', async () => {
    const bad = await t.kubectl(['label', 'ns', 'psa', 'pod-security.kubernetes.io/enforce=strict']);
    assert.equal(bad.stderr.trim(), 'The Namespace "psa" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
    assert.equal((await t.kubectl(['apply', '-f', '-'], pod('root', 'psa'))).code, 0);
    const label = await t.kubectl(['label', 'ns', 'psa', 'pod-security.kubernetes.io/enforce=restricted']);
    assert.equal(label.code, 0, label.stderr);
    assert.equal(
      label.stderr,
      'Warning: existing pods in namespace "psa" violate the new PodSecurity enforce level "restricted:latest"\nWarning: root: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile\n',
    );
    const run = await t.kubectl(['run', 'x', '-n', 'psa', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '1']);
    assert.equal(
      run.stderr.trim(),
      'Error from server (Forbidden): pods "x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "x" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "x" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "x" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "x" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    assert.equal((await t.kubectl(['label', 'ns', 'psa', '--overwrite', 'pod-security.kubernetes.io/enforce=privileged', 'pod-security.kubernetes.io/warn=baseline'])).code, 0);
    const warned = await t.kubectl(['run', 'y', '-n', 'psa', '--image=busybox:1.36', '--restart=Never', '--privileged', '--', 'sleep', '1']);
    assert.equal(warned.code, 0, warned.stderr);
    assert.equal(warned.stderr, 'Warning: would violate PodSecurity "baseline:latest": privileged (container "y" must not set securityContext.privileged=true)\n');
  });
});
