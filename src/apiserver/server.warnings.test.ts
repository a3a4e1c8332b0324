/**
 * Admission warnings through the API server with the real kubectl: the multi-container lint's warnings (injected
 * into the registry as cli/server.ts does) arrive as `Warning: 299` headers on create, apply, replace and patch of
 * Pods, Deployments and ReplicaSets, and kubectl prints them as `Warning: …` without refusing anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { podSpecWarningTexts } from '../lint/lint.js';
import { coreStrategies, DEFAULT_REGISTRY_CONFIG } from '../registry/index.js';
import { call, startTestServer, type TestServer } from './testing/test-server.js';

/** Seed 001's "THIS WILL FAIL" pod, named. */
const TWO_PORTS = `apiVersion: v1
kind: Pod
metadata:
  name: two-ports
spec:
  containers:
  - name: app1
    image: nginx
    ports:
    - containerPort: 8080
  - name: app2
    image: httpd
    ports:
    - containerPort: 8080
`;

const CONFLICT = 'spec.containers[1].ports[0]: [PortConflict] containers "app1" and "app2" both declare containerPort 8080/TCP';

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
      - name: log-shipper
        image: ${image}
        command: ["sh", "-c", "tail -f /var/log/app.log"]
      containers:
      - name: app
        image: busybox:1.36
`;

/** The `Warning: …` lines of kubectl's stderr. */
const warningLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('Warning: '));

describe('admission warnings with kubectl', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(coreStrategies({ ...DEFAULT_REGISTRY_CONFIG, podSpecWarnings: podSpecWarningTexts }));
  });
  after(async () => {
    await t.close();
  });

  it('kubectl apply of a pod with two containers on one port creates it and prints the warning once', async () => {
    const r = await t.kubectl(['apply', '-f', '-'], TWO_PORTS);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod/two-ports created');
    const lines = warningLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.startsWith(`Warning: ${CONFLICT}`), lines[0]);
  });

  it('kubectl replace, patch and a server-side dry run warn again; a status write does not', async () => {
    const replaced = await t.kubectl(['replace', '-f', '-'], TWO_PORTS.replace('name: two-ports', 'name: two-ports\n  labels: {v: "2"}'));
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(warningLines(replaced.stderr).length, 1, replaced.stderr);
    const patched = await t.kubectl(['patch', 'pod', 'two-ports', '--type=merge', '-p', '{"metadata":{"labels":{"v":"3"}}}']);
    assert.equal(patched.code, 0, patched.stderr);
    assert.ok(warningLines(patched.stderr)[0]?.startsWith(`Warning: ${CONFLICT}`), patched.stderr);
    const dry = await t.kubectl(['create', '--dry-run=server', '-f', '-'], TWO_PORTS.replace('name: two-ports', 'name: dry'));
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(warningLines(dry.stderr).length, 1, dry.stderr);
    const pod = (await call(t, 'GET', '/api/v1/namespaces/default/pods/two-ports')).json();
    const status = await call(t, 'PUT', '/api/v1/namespaces/default/pods/two-ports/status', { ...pod, status: { phase: 'Pending', message: 'x' } });
    assert.equal(status.code, 200, status.body);
    assert.equal(status.headers['warning'], undefined);
  });

  it('a correct pod gets no Warning header', async () => {
    const r = await call(t, 'POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'fine' },
      spec: { containers: [{ name: 'a', image: 'busybox', ports: [{ containerPort: 80 }] }, { name: 'b', image: 'busybox', ports: [{ containerPort: 81 }] }] },
    });
    assert.equal(r.code, 201, r.body);
    assert.equal(r.headers['warning'], undefined);
  });

  it("a Deployment's template warns on create and on a template change, not on an apply that changes nothing in the spec", async () => {
    const created = await t.kubectl(['apply', '-f', '-'], deployment('busybox:1.36'));
    assert.equal(created.code, 0, created.stderr);
    const [line] = warningLines(created.stderr);
    assert.match(line ?? '', /^Warning: spec\.template\.spec\.initContainers\[0\]: \[BlockingInitContainer\] init container "log-shipper" runs "tail -f \/var\/log\/app\.log", which never exits/);
    const labelled = await t.kubectl(['label', 'deployment', 'web', 'team=a']);
    assert.equal(labelled.code, 0, labelled.stderr);
    assert.deepEqual(warningLines(labelled.stderr), []);
    const changed = await t.kubectl(['apply', '-f', '-'], deployment('busybox:1.35'));
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal(warningLines(changed.stderr).length, 1, changed.stderr);
  });

  it('a ReplicaSet created over HTTP carries the template warning in a 299 header', async () => {
    const r = await call(t, 'POST', '/apis/apps/v1/namespaces/default/replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs' },
      spec: {
        selector: { matchLabels: { app: 'rs' } },
        template: { metadata: { labels: { app: 'rs' } }, spec: { containers: [{ name: 'app', image: 'busybox', volumeMounts: [{ name: 'd', mountPath: '/d' }] }], volumes: [{ name: 'd', emptyDir: {} }, { name: 'unused', emptyDir: {} }] } },
      },
    });
    assert.equal(r.code, 201, r.body);
    assert.match(String(r.headers['warning']), /^299 - "spec\.template\.spec\.volumes\[1\]: \[UnmountedVolume\] volume \\"unused\\" is declared but no container mounts it/);
  });
});
