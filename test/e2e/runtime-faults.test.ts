/**
 * Runtime faults end to end: containerd killed with SIGKILL under a running pod is restarted by the
 * server's supervisor on the same socket and state, the shims' containers are adopted (not restarted),
 * `kubectl exec` works again through the reconnected CRI channel, and new pods start.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimePaths } from '../../src/containerd/paths.js';
import { applyAndWait, e2eSkip, useCluster, type Cluster } from './harness.js';

/** The pid in DATA_DIR/containerd/containerd.pid (written by the supervisor on every start), or 0. */
function containerdPid(cluster: Cluster): number {
  try {
    return Number(readFileSync(join(runtimePaths(cluster.dataDir).base, 'containerd.pid'), 'utf8').trim());
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** "name=containerID restartCount" per container of the pod, sorted. */
async function containerStates(cluster: Cluster, pod: string): Promise<string[]> {
  const out = await cluster.kubectlOk(['get', 'pod', pod, '-o', 'jsonpath={range .status.containerStatuses[*]}{.name}={.containerID} {.restartCount}{"\\n"}{end}']);
  return out.trim().split('\n').sort();
}

const twoContainers = `apiVersion: v1
kind: Pod
metadata:
  name: survivor
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: a
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo a > /tmp/who; exec sleep 3600"]
  - name: b
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
`;

const newcomer = `apiVersion: v1
kind: Pod
metadata:
  name: newcomer
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
`;

describe('runtime faults', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-faults' });

  it('restarts containerd killed with SIGKILL and adopts the running pod without restarting its containers', async () => {
    const c = cluster();
    await applyAndWait(c, twoContainers, 'survivor', /^Running$/);
    const before = await containerStates(c, 'survivor');
    assert.equal(before.length, 2);
    const oldPid = containerdPid(c);
    assert.ok(oldPid > 0 && alive(oldPid), `containerd pid ${oldPid} from the pid file is running`);

    const t0 = Date.now();
    process.kill(oldPid, 'SIGKILL');
    const newPid = await c.waitFor('containerd to be restarted with a new pid', async () => {
      const pid = containerdPid(c);
      return pid > 0 && pid !== oldPid && alive(pid) ? pid : undefined;
    }, 60_000);
    const exec = await c.waitFor('kubectl exec into the pod to work again', async () => {
      const r = await c.kubectl(['exec', 'survivor', '-c', 'a', '--', 'cat', '/tmp/who']);
      return r.code === 0 ? r.stdout : undefined;
    }, 60_000);
    console.log(`# figure: containerd restarted after ${Date.now() - t0} ms (exec works again; old pid ${oldPid}, new pid ${newPid})`);
    assert.equal(exec.trim(), 'a');
    assert.match(c.serverLog(), new RegExp(`containerd \\(pid ${oldPid}\\) exited unexpectedly \\(signal SIGKILL\\)`));

    const execB = await c.kubectlOk(['exec', 'survivor', '-c', 'b', '--', 'echo', 'b']);
    assert.equal(execB.trim(), 'b');
    const t1 = Date.now();
    await applyAndWait(c, newcomer, 'newcomer', /^Running$/);
    console.log(`# figure: new pod Running ${Date.now() - t1} ms after apply, on the restarted containerd`);
    // Checked after some kubelet sync rounds on the new containerd: still the same containers, never restarted.
    const after = await containerStates(c, 'survivor');
    assert.deepEqual(after, before);
    assert.ok(after.every((line) => line.endsWith(' 0')), `restartCount 0: ${after.join(', ')}`);
  });
});

/** The bridge named in the data dir's CNI conflist. */
function bridgeOf(cluster: Cluster): string {
  const conflist = readFileSync(join(runtimePaths(cluster.dataDir).cniConfDir, '10-k1s.conflist'), 'utf8');
  return (JSON.parse(conflist) as { plugins: Array<{ type: string; bridge?: string }> }).plugins.find((p) => p.type === 'bridge')!.bridge!;
}

const sleeper = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
`;

describe('two servers on one machine', { skip: e2eSkip }, () => {
  // Different data dirs and ports (the harness picks them) and cluster CIDRs: each gets its own bridge.
  const one = useCluster({ nodeName: 'k1s-one', extraArgs: ['--cluster-cidr', '10.61.0.0/16'] });
  const two = useCluster({ nodeName: 'k1s-two', extraArgs: ['--cluster-cidr', '10.62.0.0/16'] });

  it('runs a pod on each, on a bridge of its own', async () => {
    await Promise.all([applyAndWait(one(), sleeper('on-one'), 'on-one', /^Running$/), applyAndWait(two(), sleeper('on-two'), 'on-two', /^Running$/)]);
    const bridges = [bridgeOf(one()), bridgeOf(two())];
    assert.notEqual(bridges[0], bridges[1]);
    for (const b of bridges) assert.match(b, /^k1s-[0-9a-f]{8}$/);
    const ipOne = (await one().kubectlOk(['get', 'pod', 'on-one', '-o', 'jsonpath={.status.podIP}'])).trim();
    const ipTwo = (await two().kubectlOk(['get', 'pod', 'on-two', '-o', 'jsonpath={.status.podIP}'])).trim();
    assert.match(ipOne, /^10\.61\.0\./);
    assert.match(ipTwo, /^10\.62\.0\./);
    assert.equal((await one().kubectlOk(['exec', 'on-one', '--', 'echo', 'one'])).trim(), 'one');
    assert.equal((await two().kubectlOk(['exec', 'on-two', '--', 'echo', 'two'])).trim(), 'two');
  });
});
