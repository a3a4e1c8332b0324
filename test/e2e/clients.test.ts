/**
 * Clients end to end (issue 7, item 7) on one shared cluster: @kubernetes/client-node's Watch, Exec (stdin with its
 * end), Attach and Log (follow) — its PortForward is in port-forward.test.ts —, and a version-skew scenario run
 * with the default kubectl and every `kubectl.1.NN` beside it: apply, get, logs, exec -i with end of input, cp in
 * and out, port-forward.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Attach, Exec, KubeConfig, Log, Watch, type V1Pod, type V1Status } from '@kubernetes/client-node';
import { httpGet, startPortForward } from '../../src/kubelet/testing/kubectl-port-forward.js';
import { applyAndWait, e2eSkip, kubectlPath, run, useCluster, versionedKubectls } from './harness.js';

/** The default kubectl and every `kubectl.1.NN` beside it, oldest first. */
function kubectls(): { version: string; path: string }[] {
  return kubectlPath ? [{ version: 'default', path: kubectlPath }, ...versionedKubectls()] : [];
}

const PODS = `apiVersion: v1
kind: Pod
metadata:
  name: clients
  labels: {app: clients}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ['sh', '-c', 'mkdir -p /www && echo served-by-httpd > /www/index.html && echo app-started && exec httpd -f -p 8080 -h /www']
  - name: ticker
    image: busybox:1.36
    command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done']
---
apiVersion: v1
kind: Pod
metadata:
  name: clients-attach
spec:
  restartPolicy: Never
  containers:
  - name: reader
    image: busybox:1.36
    stdin: true
    stdinOnce: true
    command: ['sh', '-c', 'while read line; do echo "got-$line"; done; echo stdin-closed']
`;

/** A Writable that collects what it is given, as text. */
function collector(): Writable & { text(): string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as Writable & { text(): string };
  w.text = () => text;
  return w;
}

describe('clients: @kubernetes/client-node and every kubectl version', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-clients' });
  const work = mkdtempSync(join(tmpdir(), 'k1s-clients-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const kc = (): KubeConfig => {
    const k = new KubeConfig();
    k.loadFromFile(cluster().kubeconfig);
    return k;
  };
  const until = async (what: string, fn: () => boolean, timeoutMs = 30_000): Promise<void> => {
    await cluster().waitFor(what, async () => fn(), timeoutMs);
  };

  before(async () => {
    // Watch from before the pods exist, so the watch sees them added and then running.
    await applyAndWait(cluster(), PODS, 'clients', /^Running$/);
    await applyAndWait(cluster(), PODS, 'clients-attach', /^Running$/);
  });

  it('Watch streams a pod from ADDED to Running, and DELETED', async () => {
    const events: { type: string; name: string; phase: string }[] = [];
    const watch = new Watch(kc());
    let ended: unknown = 'open';
    const ctl = await watch.watch('/api/v1/namespaces/default/pods', { labelSelector: 'app=watched' }, (type, obj: V1Pod) => {
      events.push({ type, name: obj.metadata?.name ?? '', phase: obj.status?.phase ?? '' });
    }, (err) => (ended = err));
    try {
      await cluster().kubectlOk(['run', 'watched', '--image=busybox:1.36', '--labels=app=watched', '--', 'sleep', '3600']);
      await until('the watch sees the pod Running', () => events.some((e) => e.type === 'MODIFIED' && e.phase === 'Running'));
      await cluster().kubectlOk(['delete', 'pod', 'watched', '--grace-period=0', '--force'], { timeoutMs: 60_000 });
      await until('the watch sees the pod deleted', () => events.some((e) => e.type === 'DELETED'));
    } finally {
      ctl.abort();
    }
    assert.equal(events[0]?.type, 'ADDED');
    assert.equal(events[0]?.name, 'watched');
    assert.equal(events[0]?.phase, 'Pending');
    assert.ok(events.every((e) => e.name === 'watched'));
    assert.equal(ended, 'open', 'the watch did not end by itself');
  });

  it('Exec sends stdin and its end to the process, and reports the exit status', async () => {
    const stdout = collector();
    const stderr = collector();
    const stdin = new PassThrough();
    let status: V1Status | undefined;
    const ws = await new Exec(kc()).exec('default', 'clients', 'app', ['sh', '-c', 'wc -l; echo to-stderr >&2; exit 3'], stdout, stderr, stdin, false, (s) => (status = s));
    stdin.end('one\ntwo\nthree\n');
    await until('the exec finishes', () => status !== undefined);
    ws.close();
    assert.equal(stdout.text().trim(), '3');
    assert.equal(stderr.text(), 'to-stderr\n');
    assert.equal(status?.status, 'Failure');
    assert.equal(status?.reason, 'NonZeroExitCode');
    assert.deepEqual(status?.details?.causes, [{ reason: 'ExitCode', message: '3' }]);
  });

  it("Attach writes to the container's own stdin and reads its output", async () => {
    const stdout = collector();
    const stdin = new PassThrough();
    const ws = await new Attach(kc()).attach('default', 'clients-attach', 'reader', stdout, null, stdin, false);
    stdin.write('hello\n');
    await until('the container echoes what was attached', () => stdout.text().includes('got-hello'));
    stdin.write('again\n');
    await until('the container echoes the second line', () => stdout.text().includes('got-again'));
    ws.close();
    assert.equal(stdout.text(), 'got-hello\ngot-again\n');
  });

  it('Log follows a container, tailing from a line count', async () => {
    const out = collector();
    // client-node pipes the response into `out`; aborting errors that source stream (AbortError), which is the
    // expected end of a follow here.
    const aborted: Error[] = [];
    out.on('pipe', (src: NodeJS.ReadableStream) => src.on('error', (err: Error) => aborted.push(err)));
    const ctl = await new Log(kc()).log('default', 'clients', 'ticker', out, { follow: true, tailLines: 1 });
    try {
      await until('three followed lines', () => out.text().split('\n').filter(Boolean).length >= 3);
    } finally {
      ctl.abort();
    }
    await until('the aborted follow ends', () => aborted.length > 0);
    assert.equal(aborted[0]?.name, 'AbortError');
    const numbers = out.text().split('\n').filter(Boolean).map((l) => Number(/^tick (\d+)$/.exec(l)?.[1]));
    assert.ok(numbers.every((n) => Number.isInteger(n)), out.text());
    for (let i = 1; i < numbers.length; i++) assert.equal(numbers[i], numbers[i - 1]! + 1, 'consecutive lines, none lost');
  });

  for (const { version, path } of kubectls()) {
    it(`kubectl ${version}: apply, get, logs, exec -i with end of input, cp in and out, port-forward`, async () => {
      const env = { ...process.env, KUBECONFIG: cluster().kubeconfig };
      const k = (args: string[], input?: string) =>
        run(path, [`--cache-dir=${join(cluster().dataDir, `kube-cache-${version}`)}`, ...args], { env, ...(input !== undefined ? { input } : {}), timeoutMs: 60_000 });
      const name = `skew-${version.replace('.', '-')}`;
      const applied = await k(['apply', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  version: "${version}"\n`);
      assert.equal(applied.code, 0, applied.stderr);
      assert.equal(applied.stdout, `configmap/${name} created\n`);
      const got = await k(['get', 'configmap', name, '-o', 'jsonpath={.data.version}']);
      assert.equal(got.stdout, version);
      const pods = await k(['get', 'pods', '-l', 'app=clients']);
      assert.match(pods.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nclients\s+2\/2\s+Running\s+0\s+\S+\n$/);
      const logs = await k(['logs', 'clients', '-c', 'app']);
      assert.equal(logs.stdout, 'app-started\n');
      const exec = await k(['exec', '-i', 'clients', '-c', 'app', '--', 'sh', '-c', 'wc -c; exit 5'], 'twelve bytes');
      assert.equal(exec.stdout.trim(), '12');
      assert.equal(exec.code, 5);
      const file = join(work, `${name}.bin`);
      const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
      writeFileSync(file, data);
      const cpIn = await k(['cp', file, `clients:/tmp/${name}.bin`, '-c', 'app']);
      assert.equal(cpIn.code, 0, cpIn.stderr);
      const back = join(work, `${name}.back`);
      const cpOut = await k(['cp', `clients:/tmp/${name}.bin`, back, '-c', 'app']);
      assert.equal(cpOut.code, 0, cpOut.stderr);
      assert.ok(readFileSync(back).equals(data), 'the file came back unchanged');
      const pf = await startPortForward(path, [`--kubeconfig=${cluster().kubeconfig}`, 'port-forward', 'pod/clients', ':8080'], env, [8080]);
      try {
        const page = await httpGet(pf.local.get(8080)!, '/');
        assert.equal(page.status, 200);
        assert.equal(page.body.toString(), 'served-by-httpd\n');
      } finally {
        await pf.stop();
      }
    });
  }
});
