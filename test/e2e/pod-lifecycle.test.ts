/**
 * Pod lifecycle end to end through the real kubectl: init failure under restartPolicy Never, one shared
 * localhost network, deletion with a grace period (containers gone from containerd), crash back-off,
 * bad input answered with 4xx and never stored, and a server restart that adopts running pods.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCriClient } from '../../src/cri/client.js';
import { runtimePaths } from '../../src/containerd/paths.js';
import { applyAndWait, e2eSkip, kubectlPath, podRow, run, useCluster, type Cluster } from './harness.js';


async function criContainersOf(cluster: Cluster, podName: string): Promise<number> {
  const cri = createCriClient(runtimePaths(cluster.dataDir).socket);
  try {
    const containers = await cri.runtime.listContainers({ labelSelector: { 'io.kubernetes.pod.name': podName } });
    const sandboxes = await cri.runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.name': podName } });
    return containers.length + sandboxes.length;
  } finally {
    cri.close();
  }
}

describe('pod lifecycle', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-lifecycle' });

  it('fails the pod with STATUS Init:Error when an init container fails under restartPolicy Never', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: init-fails
spec:
  restartPolicy: Never
  initContainers:
  - name: init1
    image: busybox:1.36
    command: ['sh', '-c', 'echo failing; exit 3']
  - name: init2
    image: busybox:1.36
    command: ['true']
  containers:
  - name: app
    image: busybox:1.36
    command: ['sleep', '3600']
`;
    await applyAndWait(cluster(), manifest, 'init-fails', /^Init:Error$/);
    await cluster().waitFor('phase Failed', async () =>
      (await cluster().kubectlOk(['get', 'pod', 'init-fails', '-o', 'jsonpath={.status.phase}'])) === 'Failed');
    const row = await podRow(cluster(), 'init-fails');
    assert.equal(row?.ready, '0/1');
    assert.equal(row?.status, 'Init:Error');
    const init = JSON.parse(await cluster().kubectlOk(['get', 'pod', 'init-fails', '-o', 'jsonpath={.status.initContainerStatuses[0].state.terminated}']));
    assert.equal(init.exitCode, 3);
    assert.equal(init.reason, 'Error');
    const app = await cluster().kubectlOk(['get', 'pod', 'init-fails', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}']);
    assert.equal(app, 'PodInitializing', 'the app container never started');
    assert.match(await cluster().kubectlOk(['logs', 'init-fails', '-c', 'init1']), /failing/);
    await cluster().kubectlOk(['delete', 'pod', 'init-fails', '--wait=true', '--timeout=60s']);
  });

  it('gives all containers one localhost network and the pod name as hostname', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: localhost-demo
spec:
  containers:
  - name: web
    image: busybox:1.36
    command: ['sh', '-c', 'mkdir -p /www && echo hello-from-web > /www/index.html && httpd -f -p 8080 -h /www']
    ports:
    - containerPort: 8080
  - name: client
    image: busybox:1.36
    command: ['sh', '-c', 'while true; do wget -qO- http://localhost:8080/ && echo " connected"; sleep 2; done']
`;
    const ms = await applyAndWait(cluster(), manifest, 'localhost-demo', /^Running$/);
    console.log(`# figure: localhost-demo apply→Running ${ms} ms`);
    await cluster().waitFor('client reaches web over localhost', async () =>
      (await cluster().kubectlOk(['logs', 'localhost-demo', '-c', 'client'])).includes('hello-from-web\n connected'));
    assert.equal((await cluster().kubectlOk(['exec', 'localhost-demo', '-c', 'client', '--', 'hostname'])).trim(), 'localhost-demo');
    const ip = await cluster().kubectlOk(['get', 'pod', 'localhost-demo', '-o', 'jsonpath={.status.podIP}']);
    assert.match(ip, /^10\.\d+\.\d+\.\d+$/);
    const wide = await cluster().kubectlOk(['get', 'pod', 'localhost-demo', '-o', 'wide', '--no-headers']);
    assert.ok(wide.includes(ip) && wide.includes(cluster().nodeName), wide);
  });

  it('runs kubectl exec -it in a terminal and kubectl exec -i with piped input', async () => {
    const piped = await cluster().kubectl(['exec', '-i', 'localhost-demo', '-c', 'client', '--', 'sh'], { input: 'echo piped-$((1+1))\nexit 7\n' });
    assert.equal(piped.stdout, 'piped-2\n');
    assert.equal(piped.code, 7, 'the exit code of the remote command comes back');
    // `script` gives kubectl a real pseudo-terminal, as a user at a shell has.
    const cmd = `${kubectlPath} --cache-dir=${cluster().dataDir}/kube-cache exec -it localhost-demo -c client -- sh -c 'tty; echo in-a-tty'`;
    const tty = await run('/usr/bin/script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, KUBECONFIG: cluster().kubeconfig }, input: '' });
    assert.equal(tty.code, 0, tty.stderr + tty.stdout);
    assert.match(tty.stdout, /\/dev\/pts\/\d+/);
    assert.match(tty.stdout, /in-a-tty/);
  });

  it('honours terminationGracePeriodSeconds and removes the containers from containerd on delete', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: graceful
spec:
  terminationGracePeriodSeconds: 4
  containers:
  - name: stubborn
    image: busybox:1.36
    command: ['sh', '-c', 'trap "echo ignoring TERM" TERM; while true; do sleep 1; done']
`;
    await applyAndWait(cluster(), manifest, 'graceful', /^Running$/);
    assert.equal(await criContainersOf(cluster(), 'graceful'), 2, 'one sandbox and one container in containerd');
    const t0 = Date.now();
    await cluster().kubectlOk(['delete', 'pod', 'graceful', '--wait=false']);
    const row = await podRow(cluster(), 'graceful');
    assert.equal(row?.status, 'Terminating');
    await cluster().waitFor('pod gone', async () => (await cluster().kubectl(['get', 'pod', 'graceful'])).code !== 0, 30_000);
    const took = Date.now() - t0;
    console.log(`# figure: delete with grace 4s took ${took} ms`);
    assert.ok(took >= 3000, `the container ignoring SIGTERM was given its grace period (took ${took} ms)`);
    assert.equal(await criContainersOf(cluster(), 'graceful'), 0, 'no container or sandbox of the pod is left in containerd');
    const killing = await cluster().kubectlOk(['get', 'events', '--field-selector', 'involvedObject.name=graceful,reason=Killing', '-o', 'jsonpath={.items[*].message}']);
    assert.match(killing, /Stopping container stubborn/);
  });

  it('restarts a crashing container with back-off under restartPolicy Always', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: crasher
spec:
  containers:
  - name: crash
    image: busybox:1.36
    command: ['sh', '-c', 'echo run; exit 1']
`;
    await applyAndWait(cluster(), manifest, 'crasher', /^(CrashLoopBackOff|Error)$/);
    await cluster().waitFor('CrashLoopBackOff after a restart', async () => {
      const r = await podRow(cluster(), 'crasher');
      return r && r.status === 'CrashLoopBackOff' && Number(r.restarts.split(' ')[0]) >= 1 ? r : undefined;
    }, 60_000);
    const last = await cluster().kubectlOk(['get', 'pod', 'crasher', '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}']);
    assert.equal(last, '1');
    assert.match(await cluster().kubectlOk(['logs', 'crasher', '--previous']), /run/);
    const events = await cluster().kubectlOk(['get', 'events', '--field-selector', 'involvedObject.name=crasher']);
    assert.match(events, /BackOff/);
    await cluster().kubectlOk(['delete', 'pod', 'crasher', '--grace-period=0', '--force', '--wait=false']);
  });

  it('answers bad input with the API server\'s 4xx and stores nothing', async () => {
    const invalid = `apiVersion: v1
kind: Pod
metadata:
  name: Bad_Name
spec:
  containers:
  - name: c
`;
    const r1 = await cluster().kubectl(['apply', '-f', '-'], { input: invalid });
    assert.notEqual(r1.code, 0);
    assert.match(r1.stderr, /is invalid/);
    assert.match(r1.stderr, /metadata\.name/);
    assert.match(r1.stderr, /spec\.containers\[0\]\.image: Required value/);
    const unknown = `apiVersion: v1
kind: Pod
metadata:
  name: unknown-field
spec:
  containers:
  - name: c
    image: busybox:1.36
    imagePullPolicyy: Never
`;
    const r2 = await cluster().kubectl(['apply', '-f', '-'], { input: unknown });
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /unknown field "spec\.containers\[0\]\.imagePullPolicyy"/);
    const malformed = await cluster().kubectl(['create', '--raw', '/api/v1/namespaces/default/pods', '-f', '-'], { input: '{"apiVersion":"v1","kind":"Pod",' });
    assert.notEqual(malformed.code, 0);
    const list = await cluster().kubectlOk(['get', 'pods', '-o', 'name']);
    assert.ok(!/bad_name|unknown-field/i.test(list), `nothing was stored: ${list}`);
    const missing = await cluster().kubectl(['get', 'pod', 'does-not-exist']);
    assert.match(missing.stderr, /pods "does-not-exist" not found/);
  });

  it('keeps objects and adopts running pods when the server restarts on the same data dir', async () => {
    const row = await podRow(cluster(), 'localhost-demo');
    assert.equal(row?.status, 'Running');
    const before = await cluster().kubectlOk(['get', 'pod', 'localhost-demo', '-o', 'jsonpath={.status.containerStatuses[*].containerID}']);
    await cluster().restart();
    const afterRow = await cluster().waitFor('pod Running after restart', async () => {
      const r = await podRow(cluster(), 'localhost-demo');
      return r?.status === 'Running' && r.ready === '2/2' ? r : undefined;
    });
    assert.equal(afterRow.restarts, '0');
    const afterIds = await cluster().kubectlOk(['get', 'pod', 'localhost-demo', '-o', 'jsonpath={.status.containerStatuses[*].containerID}']);
    assert.equal(afterIds, before, 'the same containers keep running');
    assert.equal(await criContainersOf(cluster(), 'localhost-demo'), 3, 'no duplicate sandbox or container');
  });
});
