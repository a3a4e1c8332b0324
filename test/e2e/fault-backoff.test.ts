/**
 * Failing pods back off as upstream's kubelet does, end to end: ten pods that cannot start (bad command, image
 * missing under imagePullPolicy Never, CreateContainerConfigError, missing volume source, crashing app and init
 * containers) run for K1S_FAULT_SECONDS (default 300) while the test counts pod status writes (watch events),
 * Events and their counts, and the server's CPU time; then SIGTERM must stop the server promptly. Also:
 * privileged containers get a privileged sandbox (`ip link add` works only there), and activeDeadlineSeconds
 * fails a pod with DeadlineExceeded, including a deadline patched onto a running pod.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyAndWait, e2eSkip, kubectlPath, podRow, useCluster, type Cluster } from './harness.js';

const FAULT_SECONDS = Number(process.env['K1S_FAULT_SECONDS'] ?? 300);
/** Upstream's pod worker back-off after a failed sync (kubelet.go backOffPeriod), s. */
const WORKER_BACKOFF_S = 10;
/** client-go's spam filter: burst per source+object, and one more per 5 minutes. */
const SPAM_BURST = 25;
const SPAM_REFILL_S = 300;

function pod(name: string, body: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {suite: fault}
spec:
${body}`;
}

/** Ten pods that never get to Running, of several failure kinds. */
const FAILING: Record<string, string> = {
  'bad-command-1': `  containers:\n  - {name: app, image: busybox:1.36, command: ['/does-not-exist']}\n`,
  'bad-command-2': `  restartPolicy: OnFailure\n  containers:\n  - {name: app, image: busybox:1.36, command: ['/no/such/binary', 'x']}\n`,
  'image-never-1': `  containers:\n  - {name: app, image: 'k1s.invalid/absent:1', imagePullPolicy: Never}\n`,
  'image-never-2': `  containers:\n  - {name: app, image: 'absent-too:2', imagePullPolicy: Never, command: ['true']}\n`,
  'config-error-cm': `  containers:\n  - name: app\n    image: busybox:1.36\n    command: ['sleep', '3600']\n    env: [{name: X, valueFrom: {configMapKeyRef: {name: absent, key: k}}}]\n`,
  'config-error-secret': `  containers:\n  - name: app\n    image: busybox:1.36\n    command: ['sleep', '3600']\n    env: [{name: X, valueFrom: {secretKeyRef: {name: absent, key: k}}}]\n`,
  'mount-error': `  containers:\n  - name: app\n    image: busybox:1.36\n    command: ['sleep', '3600']\n    volumeMounts: [{name: cfg, mountPath: /cfg}]\n  volumes:\n  - name: cfg\n    configMap: {name: absent}\n`,
  'crash-app': `  containers:\n  - {name: app, image: busybox:1.36, command: ['sh', '-c', 'echo crashing; exit 2']}\n`,
  'crash-init': `  initContainers:\n  - {name: init, image: busybox:1.36, command: ['sh', '-c', 'exit 1']}\n  containers:\n  - {name: app, image: busybox:1.36, command: ['sleep', '3600']}\n`,
  'crash-two': `  containers:\n  - {name: a, image: busybox:1.36, command: ['false']}\n  - {name: b, image: busybox:1.36, command: ['/does-not-exist']}\n`,
};

/** The pods whose containers start and exit (or fail at exec), so the kubelet restarts them with back-off. */
const CRASH_LOOPS = new Set(['bad-command-1', 'bad-command-2', 'crash-app', 'crash-init', 'crash-two']);

/** utime + stime of `pid` in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Starts `kubectl get pods -w --watch-only -o name` and counts the lines (one a pod write) per pod. */
function watchPodWrites(cluster: Cluster): { counts: Map<string, number>; stop(): void } {
  const counts = new Map<string, number>();
  const child = spawn(kubectlPath!, [`--cache-dir=${join(cluster.dataDir, 'kube-cache')}`, 'get', 'pods', '-l', 'suite=fault', '--watch-only', '-o', 'name'], {
    env: { ...process.env, KUBECONFIG: cluster.kubeconfig },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) counts.set(l.trim(), (counts.get(l.trim()) ?? 0) + 1);
  });
  return { counts, stop: () => void child.kill('SIGTERM') };
}

interface EventItem {
  involvedObject: { name: string };
  reason: string;
  count?: number;
  message?: string;
  source?: { component?: string };
}

describe('fault back-off', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-fault' });

  it(`keeps status writes, events and API server CPU bounded while 10 pods fail to start for ${FAULT_SECONDS}s, and stops on SIGTERM in under 10 s`, { timeout: (FAULT_SECONDS + 240) * 1000 }, async () => {
    const c = cluster();
    const pid = c.serverPid();
    assert.ok(pid, 'the server runs');
    const watch = watchPodWrites(c);
    await new Promise((r) => setTimeout(r, 1_000));
    const cpu0 = cpuSeconds(pid);
    const t0 = Date.now();
    await c.kubectlOk(['apply', '-f', '-'], { input: Object.entries(FAILING).map(([n, b]) => pod(n, b)).join('---\n') });
    await new Promise((r) => setTimeout(r, FAULT_SECONDS * 1000));
    const wallS = (Date.now() - t0) / 1000;
    const cpuS = cpuSeconds(pid) - cpu0;
    watch.stop();

    const rows = await c.kubectlOk(['get', 'pods', '-l', 'suite=fault', '--no-headers']);
    console.log(rows.trim());
    // A crash loop's container runs for a moment at each restart (STATUS Running, READY 0/1, as upstream shows
    // it); a pod that fails before its container starts never shows Running and never restarts.
    const rowOf = async (name: string) => {
      const row = await podRow(c, name);
      assert.ok(row, `${name} is listed`);
      assert.ok(row.ready.startsWith('0/'), `${name} is never ready (${row.ready})`);
      return { ...row, restartCount: Number(row.restarts.split(' ')[0]) };
    };
    for (const name of CRASH_LOOPS) {
      const row = await rowOf(name);
      assert.ok(row.restartCount >= 2, `${name} restarted with back-off (${row.restarts})`);
    }
    for (const name of Object.keys(FAILING).filter((n) => !CRASH_LOOPS.has(n))) {
      const row = await rowOf(name);
      assert.ok(row.status !== 'Running' && row.restartCount === 0, `${name} never starts (${row.status}, ${row.restarts} restarts)`);
    }

    const events = (JSON.parse(await c.kubectlOk(['get', 'events', '-o', 'json'])) as { items: EventItem[] }).items
      .filter((e) => e.source?.component === 'kubelet' && e.involvedObject.name in FAILING);
    const totalCount = events.reduce((n, e) => n + (e.count ?? 1), 0);
    const writes = [...watch.counts.values()].reduce((a, b) => a + b, 0);
    const pods = Object.keys(FAILING).length;
    // Upstream allows at most one attempt per pod per worker back-off period (crash loops far fewer), each
    // attempt changing the status at most twice (e.g. RunContainerError ↔ CrashLoopBackOff, restart count),
    // and emitting at most 4 events per container (Pulled, Created, Failed, BackOff).
    const attemptsPerPod = FAULT_SECONDS / WORKER_BACKOFF_S + 5;
    const writeBound = pods * (2 * attemptsPerPod + 5);
    const eventObjectBound = pods * (SPAM_BURST + Math.ceil(FAULT_SECONDS / SPAM_REFILL_S) + 1);
    const countBound = pods * 2 * 4 * attemptsPerPod;
    const cpuBound = 0.25 * wallS;
    console.log(`# figure: ${pods} failing pods for ${wallS.toFixed(0)} s: ${writes} pod writes (bound ${writeBound}), ${events.length} kubelet Events (bound ${eventObjectBound}), total count ${totalCount} (bound ${countBound})`);
    console.log(`# figure: API server process CPU ${cpuS.toFixed(2)} s over ${wallS.toFixed(0)} s (${((100 * cpuS) / wallS).toFixed(1)} %, bound 25 %)`);
    const reasons = [...new Set(events.map((e) => e.reason))].sort();
    console.log(`# figure: kubelet event reasons: ${reasons.join(', ')}`);
    for (const [name, n] of watch.counts) console.log(`# figure: ${name} ${n} writes`);
    assert.ok(writes <= writeBound, `pod writes ${writes} <= ${writeBound}`);
    assert.ok(events.length <= eventObjectBound, `Events ${events.length} <= ${eventObjectBound}`);
    assert.ok(totalCount <= countBound, `total event count ${totalCount} <= ${countBound}`);
    assert.ok(cpuS <= cpuBound, `API server CPU ${cpuS.toFixed(2)} s <= ${cpuBound.toFixed(2)} s`);
    for (const r of ['BackOff', 'Failed', 'ErrImageNeverPull', 'FailedMount']) assert.ok(reasons.includes(r), `a ${r} event was recorded`);

    const { stopMs } = await c.restart();
    console.log(`# figure: SIGTERM → server exit ${stopMs} ms with ${pods} failing pods`);
    assert.ok(stopMs < 10_000, `the server stopped in ${stopMs} ms`);
    await c.kubectlOk(['delete', 'pods', '-l', 'suite=fault', '--wait=true', '--timeout=90s'], { timeoutMs: 120_000 });
  });

  it('runs a privileged container in a privileged sandbox (ip link add works) and denies it to an unprivileged one', { timeout: 240_000 }, async () => {
    const c = cluster();
    // upstream's e2e adds a `dummy` link; this machine's kernel has no dummy module, so a bridge (also CAP_NET_ADMIN)
    const script = `['sh', '-c', 'ip link add k1sbr0 type bridge && ip link show k1sbr0 && echo LINK-ADDED']`;
    await applyAndWait(c, pod('privileged', `  restartPolicy: Never\n  containers:\n  - name: app\n    image: busybox:1.36\n    command: ${script}\n    securityContext: {privileged: true}\n`), 'privileged', /^Completed$/);
    assert.match(await c.kubectlOk(['logs', 'privileged']), /LINK-ADDED/);
    await applyAndWait(c, pod('unprivileged', `  restartPolicy: Never\n  containers:\n  - name: app\n    image: busybox:1.36\n    command: ${script}\n`), 'unprivileged', /^Error$/);
    const logs = await c.kubectlOk(['logs', 'unprivileged']);
    assert.doesNotMatch(logs, /LINK-ADDED/);
    assert.match(logs, /not permitted/i);
    await c.kubectlOk(['delete', 'pod', 'privileged', 'unprivileged', '--wait=true', '--timeout=60s']);
  });

  it('fails a pod with activeDeadlineSeconds: 5 as DeadlineExceeded and kills its containers', async () => {
    const c = cluster();
    // the kill uses the pod's grace period (sleep as pid 1 ignores SIGTERM), so keep it short
    await applyAndWait(c, pod('deadline', `  activeDeadlineSeconds: 5\n  terminationGracePeriodSeconds: 2\n  containers:\n  - {name: app, image: busybox:1.36, command: ['sleep', '3600']}\n`), 'deadline', /^Running$/);
    await c.waitFor('STATUS DeadlineExceeded', async () => (await podRow(c, 'deadline'))?.status === 'DeadlineExceeded', 30_000);
    const st = JSON.parse(await c.kubectlOk(['get', 'pod', 'deadline', '-o', 'jsonpath={.status}']));
    assert.equal(st.phase, 'Failed');
    assert.equal(st.reason, 'DeadlineExceeded');
    assert.equal(st.message, 'Pod was active on the node longer than the specified deadline');
    await c.waitFor('the container is killed', async () => {
      const s = JSON.parse(await c.kubectlOk(['get', 'pod', 'deadline', '-o', 'jsonpath={.status.containerStatuses[0]}']));
      return s.state?.terminated !== undefined;
    }, 30_000);
    const events = await c.kubectlOk(['get', 'events', '--field-selector', 'involvedObject.name=deadline,reason=DeadlineExceeded', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /Pod was active on the node longer than the specified deadline/);
    await c.kubectlOk(['delete', 'pod', 'deadline', '--wait=true', '--timeout=60s']);
  });

  it('kills a running pod whose activeDeadlineSeconds is patched to 3; the deadline cannot be raised or removed', async () => {
    const c = cluster();
    await applyAndWait(c, pod('patched', `  containers:\n  - {name: app, image: busybox:1.36, command: ['sleep', '3600']}\n`), 'patched', /^Running$/);
    await c.kubectlOk(['patch', 'pod', 'patched', '-p', '{"spec":{"activeDeadlineSeconds":600}}']);
    await c.kubectlOk(['patch', 'pod', 'patched', '-p', '{"spec":{"activeDeadlineSeconds":300}}']);
    const raise = await c.kubectl(['patch', 'pod', 'patched', '-p', '{"spec":{"activeDeadlineSeconds":900}}']);
    assert.notEqual(raise.code, 0);
    assert.match(raise.stderr, /must be less than or equal to previous value/);
    const remove = await c.kubectl(['patch', 'pod', 'patched', '--type=json', '-p', '[{"op":"remove","path":"/spec/activeDeadlineSeconds"}]']);
    assert.notEqual(remove.code, 0);
    assert.match(remove.stderr, /must not update from a positive integer to nil value/);
    assert.equal((await podRow(c, 'patched'))?.status, 'Running');
    await c.kubectlOk(['patch', 'pod', 'patched', '-p', '{"spec":{"activeDeadlineSeconds":3}}']);
    await c.waitFor('STATUS DeadlineExceeded', async () => (await podRow(c, 'patched'))?.status === 'DeadlineExceeded', 30_000);
    await c.kubectlOk(['delete', 'pod', 'patched', '--wait=true', '--timeout=60s']);
  });
});
