/**
 * exec and attach over SPDY/3.1 end to end with the real kubectl 1.27 and 1.29 (their only transport):
 * output and exit code, piped stdin reaching the process with its end, a pseudo-terminal under `script`,
 * and attach following a container's output. kubectl 1.32 (WebSocket) keeps its own tests elsewhere.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyAndWait, e2eSkip, run, useCluster, type CommandResult } from './harness.js';

const OLD_KUBECTLS = ['1.27', '1.29'].map((v) => ({ version: v, path: `/usr/lib/google-cloud-sdk/bin/kubectl.${v}` }));
const skip = e2eSkip || (OLD_KUBECTLS.every((k) => existsSync(k.path)) ? false : 'needs kubectl 1.27 and 1.29');

describe('exec and attach over SPDY', { skip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-spdy' });
  const kubectl = (path: string, args: string[], input?: string): Promise<CommandResult> =>
    run(path, [`--cache-dir=${join(cluster().dataDir, 'kube-cache')}`, ...args], {
      env: { ...process.env, KUBECONFIG: cluster().kubeconfig },
      ...(input !== undefined ? { input } : {}),
      timeoutMs: 60_000,
    });

  before(async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: spdy-target
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ['sleep', '3600']
`;
    await applyAndWait(cluster(), manifest, 'spdy-target', /^Running$/);
  });

  for (const { version, path } of OLD_KUBECTLS) {
    it(`kubectl ${version} exec returns stdout, stderr and the exit code 3`, async () => {
      const r = await kubectl(path, ['exec', 'spdy-target', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.equal(r.stdout, 'out\n');
      assert.match(r.stderr, /^err\n/);
      assert.equal(r.code, 3, r.stderr);
      const ok = await kubectl(path, ['exec', 'spdy-target', '--', 'hostname']);
      assert.deepEqual([ok.code, ok.stdout], [0, 'spdy-target\n']);
    });

    it(`kubectl ${version} exec -i delivers piped input and its end to the process`, async () => {
      const r = await kubectl(path, ['exec', '-i', 'spdy-target', '--', 'wc', '-l'], 'a\nb\n');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), '2');
      const sh = await kubectl(path, ['exec', '-i', 'spdy-target', '--', 'sh'], 'echo piped-$((1+1))\nexit 7\n');
      assert.deepEqual([sh.code, sh.stdout], [7, 'piped-2\n']);
    });

    it(`kubectl ${version} exec -it gives the command a terminal`, async () => {
      const cmd = `${path} --cache-dir=${cluster().dataDir}/kube-cache exec -it spdy-target -- sh -c 'tty; echo in-a-tty; exit 4'`;
      const tty = await run('/usr/bin/script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, KUBECONFIG: cluster().kubeconfig }, input: '', timeoutMs: 60_000 });
      assert.match(tty.stdout, /\/dev\/pts\/\d+/);
      assert.match(tty.stdout, /in-a-tty/);
      assert.equal(tty.code, 4, tty.stdout);
    });
  }

  it('kubectl 1.27 attach follows the output of a running container until it stops', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: spdy-ticker
spec:
  restartPolicy: Never
  containers:
  - name: ticker
    image: busybox:1.36
    command: ['sh', '-c', 'for i in $(seq 1 8); do sleep 1; echo tick-$i; done']
`;
    await applyAndWait(cluster(), manifest, 'spdy-ticker', /^Running$/);
    const r = await kubectl(OLD_KUBECTLS[0]!.path, ['attach', 'spdy-ticker']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tick-8\n$/);
  });
});
