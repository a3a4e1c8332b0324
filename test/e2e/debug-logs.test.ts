/**
 * Debugging a multi-container pod with the real kubectl (issue 7, items 4 and 5) on one shared cluster: ephemeral
 * containers through pods/ephemeralcontainers (`kubectl debug` with and without `--target`, `-it`, the server's
 * validation), `kubectl debug --copy-to --share-processes`, `kubectl logs` with a selector, `--all-containers`,
 * `--prefix`, `--max-log-requests`, `-f` on a restarting container, `--since-time`, `--limit-bytes`, `--previous`,
 * `--timestamps`; `kubectl events`; `kubectl wait --for=delete` and `--for=jsonpath=`.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyAndWait, e2eSkip, kubectlPath, run, useCluster, type CommandResult } from './harness.js';

/** Two pods of one app (12 app lines, 2 side lines each) and a pod printing two lines 2 s apart. */
const PODS = ['web', 'web-2']
  .map(
    (name) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox:1.36
    command: ["sh", "-c", "for i in $(seq 1 12); do echo app line $i; done; exec sleep 3601"]
  - name: side
    image: busybox:1.36
    command: ["sh", "-c", "echo side line 1; echo side line 2; exec sleep 3602"]
`,
  )
  .concat(
    `apiVersion: v1
kind: Pod
metadata:
  name: timed
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox:1.36
    command: ["sh", "-c", "echo early; sleep 2; echo late; exec sleep 3600"]
`,
  )
  .join('---\n');

/** A container that prints two lines 3 s apart and fails, restarted by restartPolicy Always. */
const CRASH = `apiVersion: v1
kind: Pod
metadata:
  name: crash
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox:1.36
    command: ["sh", "-c", "echo run; sleep 3; echo done; exit 3"]
`;

const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

describe('kubectl debug, logs, events and wait', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-debug' });
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: cluster().kubeconfig });
  /** Runs `command` (a shell line) under `script`, so kubectl gets a terminal; `input` is typed into it. */
  const inTerminal = (command: string, input: string): Promise<CommandResult> => run('/usr/bin/script', ['-qec', command, '/dev/null'], { env: env(), input, timeoutMs: 60_000 });
  const jsonpath = async (pod: string, path: string): Promise<string> => (await cluster().kubectl(['get', 'pod', pod, '-o', `jsonpath=${path}`])).stdout;
  /** Waits until ephemeral container `name` of `pod` has terminated; returns its exit code. */
  const ephemeralExit = (pod: string, name: string): Promise<string> =>
    cluster().waitFor(`ephemeral container ${name} to terminate`, async () => (await jsonpath(pod, `{.status.ephemeralContainerStatuses[?(@.name=="${name}")].state.terminated.exitCode}`)) || undefined, 30_000);

  before(async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], { input: PODS });
    for (const name of ['web', 'web-2', 'timed']) await applyAndWait(c, PODS, name, /^Running$/);
    await c.waitFor('timed to print its second line', async () => (await c.kubectl(['logs', 'timed'])).stdout.includes('late'), 20_000);
  });

  it('kubectl debug --target runs an ephemeral container in the target\'s process namespace; its status and output are served', async () => {
    const c = cluster();
    const t0 = Date.now();
    const r = await c.kubectl(['debug', 'web', '--image=busybox:1.36', '--target=app', '-c', 'probe', '--', 'ps']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Targeting container "app"\. If you don't see processes from this container it may be because the container runtime doesn't support this feature\./);
    assert.equal(await ephemeralExit('web', 'probe'), '0');
    console.log(`# figure: kubectl debug --target to the ephemeral container's terminated status ${Date.now() - t0} ms`);
    const ps = await c.kubectlOk(['logs', 'web', '-c', 'probe']);
    assert.match(ps, /PID\s+USER\s+(TIME\s+)?COMMAND/);
    assert.match(ps, /sleep 3601/, 'the target container\'s process is listed');
    assert.doesNotMatch(ps, /sleep 3602/, 'the other app container is not in the target\'s namespace');
    const status = JSON.parse(await jsonpath('web', '{.status.ephemeralContainerStatuses[0]}')) as Record<string, unknown>;
    assert.equal(status['name'], 'probe');
    assert.equal(status['ready'], false);
    assert.equal(status['image'], await jsonpath('web', '{.status.containerStatuses[0].image}'), 'the image as the runtime names it');
    assert.match(String(status['containerID']), /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal((status['state'] as { terminated: { reason: string } }).terminated.reason, 'Completed');
    const spec = JSON.parse(await jsonpath('web', '{.spec.ephemeralContainers[0]}')) as Record<string, unknown>;
    assert.deepEqual(
      [spec['name'], spec['targetContainerName'], spec['imagePullPolicy'], spec['terminationMessagePolicy'], spec['command']],
      ['probe', 'app', 'IfNotPresent', 'File', ['ps']],
    );
    // Without a target the ephemeral container has a process namespace of its own.
    await c.kubectlOk(['debug', 'web', '--image=busybox:1.36', '-c', 'alone', '--', 'ps']);
    assert.equal(await ephemeralExit('web', 'alone'), '0');
    const alone = await c.kubectlOk(['logs', 'web', '-c', 'alone']);
    assert.doesNotMatch(alone, /sleep 360/);
    assert.match(alone, /^\s+1 root\s+.*ps$/m);
    const events = await c.kubectlOk(['events', '--for', 'pod/web']);
    assert.match(events, /Normal\s+Started\s+Pod\/web\s+Started container probe/);
  });

  it('kubectl debug --profile=sysadmin runs a privileged ephemeral container in a pod created unprivileged', async () => {
    const c = cluster();
    const r = await c.kubectl(['debug', 'timed', '--image=busybox:1.36', '--profile=sysadmin', '-c', 'admin', '--', 'grep', 'CapEff', '/proc/self/status']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await ephemeralExit('timed', 'admin'), '0');
    const hostCaps = /^CapEff:.*$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[0];
    assert.equal((await c.kubectlOk(['logs', 'timed', '-c', 'admin'])).trim(), hostCaps, 'every capability, as a privileged container has');
    assert.equal(await jsonpath('timed', '{.spec.ephemeralContainers[0].securityContext.privileged}'), 'true');
  });

  it('kubectl debug -it --target=app -- sh gives a shell that sees the target\'s processes', async () => {
    const cmd = `${kubectlPath} --cache-dir=${cluster().dataDir}/kube-cache debug -it web-2 --image=busybox:1.36 --target=app -- sh`;
    const t0 = Date.now();
    const r = await inTerminal(cmd, 'ps; echo marker-$((40+2)); exit\n');
    console.log(`# figure: kubectl debug -it session (patch, start, attach, ps, exit) ${Date.now() - t0} ms`);
    assert.equal(r.code, 0, r.stdout);
    const name = /Defaulting debug container name to (debugger-[a-z0-9]{5})\./.exec(r.stdout)?.[1];
    assert.ok(name, r.stdout);
    assert.match(r.stdout, /If you don't see a command prompt, try pressing enter\./);
    assert.match(r.stdout, /marker-42/);
    assert.match(r.stdout, /sleep 3601/);
    assert.doesNotMatch(r.stdout, /sleep 3602/);
    assert.equal(await ephemeralExit('web-2', name), '0');
    assert.equal(await jsonpath('web-2', '{.status.ephemeralContainerStatuses[0].name}'), name);
    assert.equal(await jsonpath('web-2', '{.spec.ephemeralContainers[0].tty}'), 'true');
  });

  it('pods/ephemeralcontainers refuses what kube-apiserver refuses, with its messages', async () => {
    const c = cluster();
    const dup = await c.kubectl(['debug', 'web', '--image=busybox:1.36', '-c', 'side', '--', 'true']);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /Pod "web" is invalid: spec\.ephemeralContainers\[2\]\.name: Duplicate value: "side"/);
    const removed = await c.kubectl(['patch', 'pod', 'web', '--subresource=ephemeralcontainers', '--type=json', '-p', '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]']);
    assert.equal(removed.code, 1);
    assert.match(removed.stderr, /The Pod "web" is invalid: spec\.ephemeralContainers: Forbidden: existing ephemeral containers "probe" may not be removed/);
    const changed = await c.kubectl(['patch', 'pod', 'web', '--subresource=ephemeralcontainers', '--type=json', '-p', '[{"op":"replace","path":"/spec/ephemeralContainers/0/image","value":"busybox:1.35"}]']);
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /spec\.ephemeralContainers: Forbidden: existing ephemeral containers "probe" may not be changed/);
    const ports = await c.kubectl(['patch', 'pod', 'web', '--subresource=ephemeralcontainers', '--type=strategic', '-p', '{"spec":{"ephemeralContainers":[{"name":"p","image":"busybox:1.36","ports":[{"containerPort":80}],"targetContainerName":"nope"}]}}']);
    assert.equal(ports.code, 1);
    // A strategic merge without $setElementOrder puts the new entry first, as upstream's mergeSortedSlice does.
    assert.match(ports.stderr, /^The Pod "web" is invalid: \n\* spec\.ephemeralContainers\[0\]\.targetContainerName: Not found: "nope"\n\* spec\.ephemeralContainers\[0\]\.ports: Forbidden: cannot be set for an Ephemeral Container\n$/);
    const onPod = await c.kubectl(['patch', 'pod', 'web', '--type=json', '-p', '[{"op":"remove","path":"/spec/ephemeralContainers"}]']);
    assert.equal(onPod.code, 1);
    assert.match(onPod.stderr, /spec: Forbidden: pod updates may not change fields other than/);
    // The subresource's GET is the pod.
    const got = JSON.parse(await c.kubectlOk(['get', '--raw', '/api/v1/namespaces/default/pods/web/ephemeralcontainers'])) as { kind: string; spec: { ephemeralContainers: { name: string }[] } };
    assert.deepEqual([got.kind, got.spec.ephemeralContainers.map((e) => e.name)], ['Pod', ['probe', 'alone']]);
  });

  it('kubectl debug --copy-to --share-processes creates a copy whose containers share one process namespace', async () => {
    const c = cluster();
    const r = await c.kubectl(['debug', 'web', '--copy-to=web-copy', '--share-processes', '--image=busybox:1.36', '-c', 'peek', '--', 'sleep', '3603']);
    assert.equal(r.code, 0, r.stderr);
    await c.waitFor('web-copy to run', async () => (await jsonpath('web-copy', '{.status.phase}')) === 'Running' && (await jsonpath('web-copy', '{.status.containerStatuses[*].ready}')) === 'true true true', 60_000);
    assert.equal(await jsonpath('web-copy', '{.spec.shareProcessNamespace}'), 'true');
    assert.equal(await jsonpath('web-copy', '{.spec.containers[*].name}'), 'app side peek');
    assert.equal(await jsonpath('web-copy', '{.spec.ephemeralContainers}'), '');
    const ps = await c.kubectlOk(['exec', 'web-copy', '-c', 'peek', '--', 'ps']);
    for (const p of ['sleep 3601', 'sleep 3602', 'sleep 3603']) assert.match(ps, new RegExp(p));
    assert.match(ps, /^\s+1 \S+\s+\/catatonit -P$/m, 'PID 1 is the sandbox\'s pause process');
    await c.kubectlOk(['delete', 'pod', 'web-copy', '--wait=false']);
    const waited = await c.kubectl(['wait', '--for=delete', 'pod/web-copy', '--timeout=30s']);
    assert.deepEqual([waited.code, waited.stdout], [0, 'pod/web-copy condition met\n'], waited.stderr);
    const gone = await c.kubectl(['get', 'pod', 'web-copy']);
    assert.match(gone.stderr, /pods "web-copy" not found/);
  });

  it('kubectl logs -l, --all-containers, --prefix, --tail defaults and --max-log-requests behave as upstream', async () => {
    const c = cluster();
    // A selector defaults to the last 10 lines of each container.
    const sel = await c.kubectl(['logs', '-l', 'app=web', '-c', 'app']);
    assert.equal(sel.code, 0, sel.stderr);
    const tail10 = Array.from({ length: 10 }, (_, i) => `app line ${i + 3}`);
    assert.deepEqual(lines(sel.stdout), [...tail10, ...tail10]);
    const all = await c.kubectlOk(['logs', '-l', 'app=web', '--all-containers', '--prefix', '--tail=-1']);
    const expected = (pod: string): string[] => [...Array.from({ length: 12 }, (_, i) => `[pod/${pod}/app] app line ${i + 1}`), `[pod/${pod}/side] side line 1`, `[pod/${pod}/side] side line 2`];
    const got = lines(all).filter((l) => !/\/(probe|alone|debugger-)/.test(l));
    assert.deepEqual(got.sort(), [...expected('web'), ...expected('web-2')].sort());
    // kubectl reads the containers' logs in map order: any order, each stream whole.
    const onePod = await c.kubectlOk(['logs', 'web', '--all-containers', '--prefix', '--tail=1']);
    const last = lines(onePod).sort();
    assert.deepEqual(last.map((l) => /^\[pod\/web\/([a-z]+)\]/.exec(l)?.[1]), ['alone', 'app', 'probe', 'side']);
    assert.deepEqual([last[1], last[3]], ['[pod/web/app] app line 12', '[pod/web/side] side line 2']);
    assert.match(last[2] ?? '', /^\[pod\/web\/probe\]\s+\d+ root\s+ps$/);
    const tooMany = await c.kubectl(['logs', '-f', '-l', 'app=web', '-c', 'app', '--max-log-requests=1']);
    assert.equal(tooMany.code, 1);
    assert.match(tooMany.stderr, /you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the limit/);
    // Enough requests: every stream is followed at once (kubectl stays until stopped).
    const follow = await c.kubectl(['logs', '-f', '-l', 'app=web', '-c', 'side', '--prefix', '--max-log-requests=2'], { timeoutMs: 4000 });
    assert.deepEqual(lines(follow.stdout).sort(), ['[pod/web-2/side] side line 1', '[pod/web-2/side] side line 2', '[pod/web/side] side line 1', '[pod/web/side] side line 2']);
  });

  it('kubectl logs --timestamps, --since-time and --limit-bytes', async () => {
    const c = cluster();
    const stamped = lines(await c.kubectlOk(['logs', 'timed', '--timestamps']));
    assert.equal(stamped.length, 2);
    for (const [i, l] of stamped.entries()) assert.match(l, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z ${i === 0 ? 'early' : 'late'}$`));
    // --since-time is sent with second precision: the second the "late" line was written excludes "early" (2 s before).
    const lateAt = `${stamped[1]!.slice(0, 19)}Z`;
    assert.equal(await c.kubectlOk(['logs', 'timed', `--since-time=${lateAt}`]), 'late\n');
    const earlyAt = `${stamped[0]!.slice(0, 19)}Z`;
    assert.equal(await c.kubectlOk(['logs', 'timed', `--since-time=${earlyAt}`]), 'early\nlate\n');
    assert.equal(await c.kubectlOk(['logs', 'web', '-c', 'app', '--limit-bytes=13']), 'app line 1\nap');
    assert.equal(await c.kubectlOk(['logs', 'web', '-c', 'app', '--limit-bytes=13', '--timestamps']).then((s) => s.length), 13);
  });

  it('kubectl logs -f ends when the container exits; --previous shows the run before the restart', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], { input: CRASH });
    await c.waitFor('crash to run', async () => (await jsonpath('crash', '{.status.containerStatuses[0].state.running.startedAt}')) !== '', 30_000);
    const none = await c.kubectl(['logs', 'crash', '--previous']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /previous terminated container "c" in pod "crash" not found/);
    const t0 = Date.now();
    const follow = await c.kubectl(['logs', '-f', 'crash'], { timeoutMs: 20_000 });
    const followedMs = Date.now() - t0;
    assert.deepEqual([follow.code, follow.stdout], [0, 'run\ndone\n'], follow.stderr);
    assert.ok(followedMs < 10_000, `follow ended ${followedMs} ms after it started`);
    console.log(`# figure: kubectl logs -f of a container running 3 s more ended after ${followedMs} ms`);
    await c.waitFor('crash to restart', async () => Number(await jsonpath('crash', '{.status.containerStatuses[0].restartCount}')) >= 1, 30_000);
    assert.equal(await c.kubectlOk(['logs', 'crash', '--previous']), 'run\ndone\n');
    const warnings = await c.waitFor('a BackOff event', async () => {
      const out = (await c.kubectl(['events', '--for', 'pod/crash', '--types=Warning'])).stdout;
      return /Warning\s+BackOff\s+Pod\/crash\s+Back-off restarting failed container c in pod crash_default\([0-9a-f-]{36}\)$/m.test(out) ? out : undefined;
    }, 30_000);
    assert.match(lines(warnings)[0] ?? '', /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.ok(lines(warnings).slice(1).every((l) => /^\S+( \(x\d+ over \S+\))?\s+Warning\s/.test(l)), warnings);
  });

  it('kubectl events lists the namespace\'s events; kubectl wait --for=jsonpath waits for a phase', async () => {
    const c = cluster();
    const events = lines(await c.kubectlOk(['events']));
    assert.match(events[0] ?? '', /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.ok(events.some((l) => /^\S+\s+Normal\s+Scheduled\s+Pod\/web\s+Successfully assigned default\/web to k1s-debug$/.test(l)), events.join('\n'));
    assert.ok(events.some((l) => /Normal\s+Pulled\s+Pod\/timed\s+Container image "busybox:1\.36" already present on machine/.test(l)));
    const ok = await c.kubectl(['wait', '--for=jsonpath={.status.phase}=Running', 'pod/web', 'pod/timed', '--timeout=10s']);
    assert.deepEqual([ok.code, ok.stdout], [0, 'pod/web condition met\npod/timed condition met\n'], ok.stderr);
    const never = await c.kubectl(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/web', '--timeout=2s']);
    assert.equal(never.code, 1);
    assert.match(never.stderr, /timed out waiting for the condition on pods\/web/);
  });
});
