/**
 * Runtime faults end to end: containerd killed with SIGKILL (twice, a crash loop) under a running pod makes the
 * node NotReady with upstream's reason and message while the server's supervisor restarts it with back-off on
 * the same socket and state; then the node is Ready again, the shims' containers are adopted (same IDs, not
 * restarted), `kubectl exec` works through the reconnected CRI channel, and pods created meanwhile start.
 * With `--container-runtime-endpoint` (a runtime k1s does not own, here a containerd the test starts 3 s after
 * the server and restarts itself after a SIGKILL, as systemd would) the server waits for the runtime, reports
 * NotReady while it is down and adopts the containers once it is back.
 */
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from '../../src/api/types.js';
import { runtimePaths } from '../../src/containerd/paths.js';
import { startContainerd, type ContainerdProcess } from '../../src/containerd/supervisor.js';
import { applyAndWait, e2eSkip, kubectlPath, podRow, startCluster, useCluster, type Cluster } from './harness.js';

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

/** A Ready condition as `kubectl get node --watch` printed it, and when (ms since the watch started). */
interface ReadyLine {
  status: string;
  reason: string;
  message: string;
  atMs: number;
}

/** Watches the node (`kubectl get --raw` of a watch, one JSON event a line) and collects the Ready condition of every version. */
function watchReady(cluster: Cluster): { lines: ReadyLine[]; started: number; stop(): void } {
  const child = spawn(
    kubectlPath!,
    [`--cache-dir=${join(cluster.dataDir, 'kube-cache')}`, 'get', '--raw', `/api/v1/nodes?watch=true&fieldSelector=metadata.name%3D${cluster.nodeName}`],
    { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const started = Date.now();
  const lines: ReadyLine[] = [];
  let buffered = '';
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as { object: Node };
      const ready = event.object.status?.conditions?.find((x) => x.type === 'Ready');
      if (ready) lines.push({ status: ready.status, reason: ready.reason ?? '', message: ready.message ?? '', atMs: Date.now() - started });
    }
  });
  return { lines, started, stop: () => void child.kill('SIGTERM') };
}

describe('runtime faults', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-faults' });

  it('containerd killed twice with SIGKILL: node NotReady (container runtime is down), restarted with back-off, pods adopted, Ready again', async () => {
    const c = cluster();
    await applyAndWait(c, twoContainers, 'survivor', /^Running$/);
    const before = await containerStates(c, 'survivor');
    assert.equal(before.length, 2);
    const watch = watchReady(c);
    await c.waitFor('the watch to print Ready', async () => watch.lines.some((l) => l.status === 'True'));
    assert.deepEqual(watch.lines[0], { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', atMs: watch.lines[0]!.atMs });

    const firstPid = containerdPid(c);
    assert.ok(firstPid > 0 && alive(firstPid), `containerd pid ${firstPid} from the pid file is running`);
    const t0 = Date.now();
    process.kill(firstPid, 'SIGKILL');
    // A pod created while the runtime is gone: its sandbox waits for the runtime (and is retried, never reserved twice).
    await c.kubectlOk(['apply', '-f', '-'], { input: newcomer });
    const secondPid = await c.waitFor('containerd to be restarted with a new pid', async () => {
      const pid = containerdPid(c);
      return pid > 0 && pid !== firstPid && alive(pid) ? pid : undefined;
    }, 30_000);
    // …and killed again at once: a crash loop, so the supervisor's back-off doubles (1 s, then 2 s).
    process.kill(secondPid, 'SIGKILL');
    const thirdPid = await c.waitFor('containerd to be restarted again', async () => {
      const pid = containerdPid(c);
      return pid > 0 && pid !== secondPid && alive(pid) ? pid : undefined;
    }, 30_000);
    const restartedMs = Date.now() - t0;

    const notReady = await c
      .waitFor('the node to be NotReady', async () => watch.lines.find((l) => l.status === 'False'), 30_000)
      .catch((err: unknown) => {
        const kubelet = c.serverLog().split('\n').filter((l) => /^kubelet|containerd/.test(l)).slice(-20).join('\n');
        throw new Error(`${String(err)}; the watch printed ${JSON.stringify(watch.lines)}; server log:\n${kubelet}`);
      });
    const readyAgain = await c.waitFor('the node to be Ready again', async () => watch.lines.find((l) => l.status === 'True' && l.atMs > notReady.atMs), 30_000);
    watch.stop();
    const killedAt = t0 - watch.started;
    console.log(
      `# figure: containerd SIGKILLed twice: NotReady posted ${notReady.atMs - killedAt} ms after the first kill, containerd up (pid ${thirdPid}) after ${restartedMs} ms, Ready again after ${readyAgain.atMs - killedAt} ms`,
    );
    assert.equal(notReady.reason, 'KubeletNotReady');
    assert.match(notReady.message, /container runtime is down/);
    assert.equal(readyAgain.reason, 'KubeletReady');
    assert.match(c.serverLog(), new RegExp(`containerd \\(pid ${firstPid}\\) exited unexpectedly \\(signal SIGKILL\\); restarting it in 1000 ms`));
    assert.match(c.serverLog(), new RegExp(`containerd \\(pid ${secondPid}\\) exited unexpectedly \\(signal SIGKILL\\); restarting it in 2000 ms`));

    const exec = await c.waitFor('kubectl exec into the pod to work again', async () => {
      const r = await c.kubectl(['exec', 'survivor', '-c', 'a', '--', 'cat', '/tmp/who']);
      return r.code === 0 ? r.stdout : undefined;
    }, 30_000);
    assert.equal(exec.trim(), 'a');
    assert.equal((await c.kubectlOk(['exec', 'survivor', '-c', 'b', '--', 'echo', 'b'])).trim(), 'b');
    const t1 = Date.now();
    await c.waitFor('the pod created during the outage to run', async () => (await podRow(c, 'newcomer'))?.status === 'Running', 60_000);
    console.log(`# figure: the pod created during the outage Running ${Date.now() - t1} ms after exec worked again`);
    await applyAndWait(c, newcomer.replace('name: newcomer', 'name: latecomer'), 'latecomer', /^Running$/);
    // Checked after some kubelet sync rounds on the new containerd: still the same containers, never restarted.
    const after = await containerStates(c, 'survivor');
    assert.deepEqual(after, before);
    assert.ok(after.every((line) => line.endsWith(' 0')), `restartCount 0: ${after.join(', ')}`);
    const newcomerStates = await containerStates(c, 'newcomer');
    assert.ok(newcomerStates.every((line) => line.endsWith(' 0')), `newcomer never restarted: ${newcomerStates.join(', ')}`);
  });
});

describe('external runtime (--container-runtime-endpoint)', { skip: e2eSkip }, () => {
  let cluster: Cluster | undefined;
  let runtime: Promise<ContainerdProcess> | undefined;
  let serverStartedAt = 0;
  let runtimeStartedAt = 0;
  const cidr = `10.${100 + Math.floor(Math.random() * 100)}.0.0/16`;
  const c = (): Cluster => {
    if (!cluster) throw new Error('the cluster is not running');
    return cluster;
  };
  before(async () => {
    cluster = await startCluster({
      nodeName: 'k1s-external',
      clusterCidr: cidr,
      argsFor: (dataDir) => ['--container-runtime-endpoint', `unix://${runtimePaths(dataDir).socket}`],
      beforeStart: async (dataDir) => {
        serverStartedAt = Date.now();
        // The runtime comes up 3 s after the server; after a crash it is back 3 s later (its supervisor's back-off).
        runtime = new Promise((r) => setTimeout(r, 3_000)).then(() => {
          runtimeStartedAt = Date.now();
          return startContainerd({ dataDir, clusterCidr: cidr, restartBackoff: { initialMs: 3_000 }, stopTimeoutMs: 3_000 });
        });
      },
    });
  });
  after(async () => {
    if (!cluster) return;
    await cluster.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--wait=true', '--timeout=60s'], { timeoutMs: 90_000 });
    await (await runtime)?.stop();
    const left = await cluster.stop();
    assert.deepEqual(left, [], 'nothing is left behind');
  });

  it('waits for a runtime that is not there yet, says so once, then registers the node Ready', async () => {
    const log = c().serverLog();
    const socket = runtimePaths(c().dataDir).socket;
    assert.equal(log.split('\n').filter((l) => l.includes(`waiting for the container runtime at unix://${socket}`)).length, 1, log.slice(-3000));
    assert.match(log, new RegExp(`the container runtime at unix://${socket.replace(/[.]/g, '\\.')} answers`));
    assert.ok(runtimeStartedAt - serverStartedAt >= 3_000);
    assert.equal(await c().kubectlOk(['get', 'node', 'k1s-external', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']), 'True');
  });

  it('reports NotReady while the runtime is down, and adopts the containers once it is back', async () => {
    const cl = c();
    await applyAndWait(cl, twoContainers, 'survivor', /^Running$/);
    const before = await containerStates(cl, 'survivor');
    const watch = watchReady(cl);
    await cl.waitFor('the watch to print Ready', async () => watch.lines.some((l) => l.status === 'True'));
    const rt = await runtime!;
    const firstPid = rt.pid;
    const t0 = Date.now() - watch.started;
    process.kill(firstPid, 'SIGKILL');
    const notReady = await cl.waitFor('the node to be NotReady', async () => watch.lines.find((l) => l.status === 'False'), 30_000);
    const readyAgain = await cl.waitFor('the node to be Ready again', async () => watch.lines.find((l) => l.status === 'True' && l.atMs > notReady.atMs), 60_000);
    watch.stop();
    console.log(`# figure: external containerd SIGKILLed: NotReady posted ${notReady.atMs - t0} ms after, Ready again ${readyAgain.atMs - t0} ms after (the runtime back after its 3 s back-off)`);
    assert.notEqual(rt.pid, firstPid);
    assert.equal(notReady.reason, 'KubeletNotReady');
    assert.match(notReady.message, /container runtime is down/);
    const exec = await cl.waitFor('kubectl exec to work again', async () => {
      const r = await cl.kubectl(['exec', 'survivor', '-c', 'a', '--', 'cat', '/tmp/who']);
      return r.code === 0 ? r.stdout : undefined;
    }, 30_000);
    assert.equal(exec.trim(), 'a');
    assert.deepEqual(await containerStates(cl, 'survivor'), before);
    // The kubelet's node events, as `kubectl describe node` lists them: the start, the conditions, the outage and back.
    const reasons = (await cl.kubectlOk(['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.kind=Node,involvedObject.name=k1s-external', '--sort-by=.metadata.creationTimestamp', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}'])).trim().split('\n');
    for (const r of ['Starting', 'NodeAllocatableEnforced', 'NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeReady', 'NodeNotReady']) assert.ok(reasons.includes(r), `${r} in ${reasons.join(',')}`);
    assert.ok(reasons.lastIndexOf('NodeNotReady') > reasons.indexOf('NodeReady'), `NodeNotReady after the first NodeReady: ${reasons.join(',')}`);
    const described = await cl.kubectlOk(['describe', 'node', 'k1s-external']);
    assert.match(described, /Normal\s+NodeNotReady\s+.*kubelet.*\s+Node k1s-external status is now: NodeNotReady/);
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
