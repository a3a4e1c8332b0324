/**
 * exec, attach and cp end to end (issue 7) on one shared cluster, with the real kubectl: piped stdin and its
 * end reaching the process (WebSocket v5 close signal from kubectl ≥ 1.30, SPDY half-close from older ones),
 * exit codes, a terminal with its size, attach to a container's own stdin with and without a terminal,
 * `kubectl cp` of a 100 MB file both ways (MB/s printed as figures), of directories and with `-c`; and every
 * `kubectl.1.NN` found beside the default kubectl running the same scenario (exec -i with end of input, exit
 * code, cp in and out).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { applyAndWait, e2eSkip, kubectlPath, run, useCluster, versionedKubectls, type CommandResult } from './harness.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Every file under `dir` as relative path → sha256, for comparing trees. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = sha256(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const PODS = `apiVersion: v1
kind: Pod
metadata:
  name: streams
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ['sleep', '3600']
  - name: sidecar
    image: busybox:1.36
    command: ['sleep', '3600']
---
apiVersion: v1
kind: Pod
metadata:
  name: attach-stdin
spec:
  restartPolicy: Never
  containers:
  - name: reader
    image: busybox:1.36
    stdin: true
    stdinOnce: true
    command: ['sh', '-c', 'while read line; do echo "got-$line"; done; echo stdin-closed']
---
apiVersion: v1
kind: Pod
metadata:
  name: attach-tty
spec:
  restartPolicy: Never
  containers:
  - name: shell
    image: busybox:1.36
    stdin: true
    tty: true
    command: ['sh']
`;

const SIZE_SCRIPT = `tty
until s=$(stty size 2>/dev/null) && [ -n "$s" ] && [ "$s" != "0 0" ]; do sleep 0.1; done
echo "size=$s"
exit 4
`;

describe('exec, attach and cp: stdin with its end, terminals, files', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-streams' });
  const work = mkdtempSync(join(tmpdir(), 'k1s-streams-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: cluster().kubeconfig });
  const kubectlWith = (path: string, args: string[], input?: string, timeoutMs = 60_000): Promise<CommandResult> =>
    run(path, [`--cache-dir=${join(cluster().dataDir, 'kube-cache')}`, ...args], { env: env(), ...(input !== undefined ? { input } : {}), timeoutMs });
  /** Runs `command` (a shell line) under `script`, so kubectl gets a terminal; `input` is typed into it. */
  const inTerminal = (command: string, input: string): Promise<CommandResult> => run('/usr/bin/script', ['-qec', command, '/dev/null'], { env: env(), input, timeoutMs: 60_000 });

  before(async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], { input: PODS });
    for (const name of ['streams', 'attach-stdin', 'attach-tty']) await applyAndWait(c, PODS, name, /^Running$/);
    // Prints the terminal's size once it is set: CRI has no initial size, the runtime applies the client's
    // first resize message just after the process started (as on any Kubernetes).
    await c.kubectlOk(['exec', '-i', 'streams', '-c', 'app', '--', 'sh', '-c', 'cat > /tmp/size.sh'], { input: SIZE_SCRIPT });
  });

  it('exec -i delivers piped input and its end to the process, and exit codes come back', async () => {
    const c = cluster();
    const wc = await c.kubectl(['exec', '-i', 'streams', '--', 'wc', '-l'], { input: 'a\nb\n' });
    assert.deepEqual([wc.code, wc.stdout.trim()], [0, '2'], wc.stderr);
    const cat = await c.kubectl(['exec', '-i', 'streams', '-c', 'sidecar', '--', 'sh', '-c', 'cat; echo " done"; exit 5'], { input: 'no newline at the end' });
    assert.deepEqual([cat.code, cat.stdout], [5, 'no newline at the end done\n']);
    const exit3 = await c.kubectl(['exec', 'streams', '-c', 'app', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([exit3.code, exit3.stdout], [3, 'out\n']);
    assert.match(exit3.stderr, /^err\n/);
    const empty = await c.kubectl(['exec', '-i', 'streams', '--', 'wc', '-c'], { input: '' });
    assert.deepEqual([empty.code, empty.stdout.trim()], [0, '0']);
  });

  it('exec -it gives the command a terminal that takes the client terminal\'s size', async () => {
    const cmd = `stty cols 123 rows 45; ${kubectlPath} --cache-dir=${cluster().dataDir}/kube-cache exec -it streams -c app -- sh /tmp/size.sh`;
    const r = await inTerminal(cmd, '');
    assert.match(r.stdout, /\/dev\/pts\/\d+/);
    assert.match(r.stdout, /size=45 123\r\n/);
    assert.equal(r.code, 4, r.stdout);
  });

  it('attach -i sends input to the container\'s own stdin; its end closes it (stdinOnce)', async () => {
    const c = cluster();
    const r = await c.kubectl(['attach', '-i', 'attach-stdin', '-c', 'reader'], { input: 'one\ntwo\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'got-one\ngot-two\nstdin-closed\n');
    await c.waitFor('attach-stdin to complete', async () => /^Completed$/.test((await c.kubectl(['get', 'pod', 'attach-stdin', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.reason}'])).stdout));
    assert.equal(await c.kubectlOk(['logs', 'attach-stdin']), 'got-one\ngot-two\nstdin-closed\n');
  });

  it('attach -it joins the container\'s terminal', async () => {
    const cmd = `${kubectlPath} --cache-dir=${cluster().dataDir}/kube-cache attach -it attach-tty -c shell`;
    const r = await inTerminal(cmd, 'echo tty-$((40+2)); exit 6\n');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /If you don't see a command prompt, try pressing enter\./);
    assert.match(r.stdout, /tty-42/);
    const exitCode = await cluster().waitFor('attach-tty to exit', async () => (await cluster().kubectl(['get', 'pod', 'attach-tty', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}'])).stdout);
    assert.equal(exitCode, '6');
  });

  it('cp copies a 100 MB binary file into the pod and back unchanged', async () => {
    const c = cluster();
    const data = randomBytes(100 * 1024 * 1024);
    const src = join(work, 'big.bin');
    writeFileSync(src, data);
    let t0 = Date.now();
    await c.kubectlOk(['cp', src, 'streams:/tmp/big.bin'], { timeoutMs: 300_000 });
    const inMs = Date.now() - t0;
    const remoteSum = await c.kubectlOk(['exec', 'streams', '--', 'sha256sum', '/tmp/big.bin']);
    assert.equal(remoteSum.split(/\s+/)[0], sha256(data));
    const back = join(work, 'big.back');
    t0 = Date.now();
    await c.kubectlOk(['cp', 'streams:/tmp/big.bin', back], { timeoutMs: 300_000 });
    const outMs = Date.now() - t0;
    assert.equal(sha256(readFileSync(back)), sha256(data));
    console.log(`# figure: kubectl cp 100 MB into a pod ${inMs} ms (${(100 / (inMs / 1000)).toFixed(1)} MB/s), out of it ${outMs} ms (${(100 / (outMs / 1000)).toFixed(1)} MB/s)`);
  });

  it('cp copies directories both ways, and -c picks the container', async () => {
    const c = cluster();
    const dir = join(work, 'tree');
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'top.txt'), 'top\n');
    writeFileSync(join(dir, 'sub', 'bytes.bin'), randomBytes(70_000));
    writeFileSync(join(dir, 'sub', 'deeper', 'all-bytes'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    await c.kubectlOk(['cp', dir, 'streams:/tmp/tree', '-c', 'sidecar']);
    const listed = await c.kubectlOk(['exec', 'streams', '-c', 'sidecar', '--', 'find', '/tmp/tree', '-type', 'f']);
    assert.deepEqual(listed.split('\n').filter(Boolean).sort(), ['/tmp/tree/sub/bytes.bin', '/tmp/tree/sub/deeper/all-bytes', '/tmp/tree/top.txt']);
    const inApp = await c.kubectl(['exec', 'streams', '-c', 'app', '--', 'ls', '/tmp/tree']);
    assert.notEqual(inApp.code, 0, 'the app container has no copy');
    const back = join(work, 'tree.back');
    await c.kubectlOk(['cp', 'streams:/tmp/tree', back, '-c', 'sidecar']);
    assert.deepEqual(tree(back), tree(dir));
  });

  const versions = versionedKubectls();
  for (const { version, path } of versions) {
    it(`kubectl ${version}: exec -i with the end of input, stdout, stderr and exit code, cp in and out`, async () => {
      const wc = await kubectlWith(path, ['exec', '-i', 'streams', '--', 'wc', '-l'], 'a\nb\n');
      assert.deepEqual([wc.code, wc.stdout.trim()], [0, '2'], wc.stderr);
      const exit3 = await kubectlWith(path, ['exec', 'streams', '-c', 'app', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.deepEqual([exit3.code, exit3.stdout], [3, 'out\n'], exit3.stderr);
      assert.match(exit3.stderr, /^err\n/);
      const file = join(work, `skew-${version}.bin`);
      const data = randomBytes(300_000);
      writeFileSync(file, data);
      const into = await kubectlWith(path, ['cp', file, `streams:/tmp/skew-${version}.bin`]);
      assert.equal(into.code, 0, into.stderr);
      const back = `${file}.back`;
      const out = await kubectlWith(path, ['cp', `streams:/tmp/skew-${version}.bin`, back]);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(sha256(readFileSync(back)), sha256(data));
    });
  }

  const spdy = versions.filter((k) => Number(k.version.split('.')[1]) < 30);
  for (const { version, path } of spdy) {
    it(`kubectl ${version} (SPDY) exec -it gives the command a terminal that takes the client terminal's size`, async () => {
      const cmd = `stty cols 99 rows 33; ${path} --cache-dir=${cluster().dataDir}/kube-cache exec -it streams -c app -- sh /tmp/size.sh`;
      const tty = await inTerminal(cmd, '');
      assert.match(tty.stdout, /\/dev\/pts\/\d+/);
      assert.match(tty.stdout, /size=33 99\r\n/);
      assert.equal(tty.code, 4, tty.stdout);
    });
  }

  const attachers = [{ version: 'default', path: kubectlPath ?? 'kubectl' }, ...spdy.slice(0, 1)];
  for (const { version, path } of attachers) {
    it(`kubectl ${version} attach without stdin follows a container's output until it stops`, async () => {
      const name = `ticker-${version.replace('.', '-')}`;
      const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  restartPolicy: Never
  containers:
  - name: ticker
    image: busybox:1.36
    command: ['sh', '-c', 'sleep 2; for i in $(seq 1 6); do sleep 0.5; echo tick-$i; done']
`;
      await applyAndWait(cluster(), manifest, name, /^Running$/);
      const r = await kubectlWith(path, ['attach', name]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /tick-6\n$/);
    });
  }
});
