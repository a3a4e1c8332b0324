/**
 * Admission that users notice (issue 8 item 5) on one shared cluster with the real kubectl: a LimitRange's defaults in
 * a running pod's spec and its max refused with kube-apiserver's message; a ResourceQuota counted by the quota
 * controller, exceeded with upstream's message and shown by `kubectl get quota` and `kubectl describe quota`;
 * PodSecurity's restricted level refusing a root busybox from `kubectl run` while a compliant pod runs, and its warn
 * level giving `Warning:` lines for pods and Deployments; RuntimeClass: a class with handler `runc` runs its pod with
 * that handler (`k1s crictl pods` RUNTIME), one with a handler containerd lacks keeps its pod ContainerCreating with
 * containerd's error in FailedCreatePodSandBox, a missing class is refused at admission, and a class deleted after
 * admission fails the sandbox in the kubelet.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, podRow, run, useCluster, type Cluster } from './harness.js';
import { k1sBin } from './paths.js';

async function jsonpath(c: Cluster, what: string[], path: string): Promise<string> {
  return c.kubectlOk(['get', ...what, '-o', `jsonpath=${path}`]);
}

/** Applies a pod manifest and waits until `kubectl get pod NAME -n NS` shows Running. */
async function runPod(c: Cluster, manifest: string, name: string, ns: string): Promise<void> {
  await c.kubectlOk(['apply', '-f', '-'], { input: manifest });
  await c.waitFor(`pod ${ns}/${name} Running`, async () => (await podRow(c, name, ns))?.status === 'Running', 90_000);
}

function sleeper(name: string, ns: string, resources?: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'trap "exit 0" TERM; sleep 3600 & wait']
${resources ?? ''}`;
}

describe('admission: LimitRange, ResourceQuota, PodSecurity', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-admission' });

  it('gives a pod the LimitRange defaults and refuses a limit over its max', async () => {
    const c = cluster();
    await c.kubectlOk(['create', 'namespace', 'limited']);
    await c.kubectlOk(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: LimitRange
metadata:
  name: mem
  namespace: limited
spec:
  limits:
  - type: Container
    default: {memory: 128Mi, cpu: 200m}
    defaultRequest: {memory: 64Mi, cpu: 100m}
    max: {memory: 1Gi}
`,
    });
    assert.match(await c.kubectlOk(['get', 'limits', '-n', 'limited']), /^NAME\s+CREATED AT\nmem\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    await runPod(c, sleeper('defaulted', 'limited'), 'defaulted', 'limited');
    assert.equal(await jsonpath(c, ['pod', 'defaulted', '-n', 'limited'], '{.spec.containers[0].resources.requests.memory} {.spec.containers[0].resources.limits.memory} {.spec.containers[0].resources.requests.cpu} {.spec.containers[0].resources.limits.cpu}'), '64Mi 128Mi 100m 200m');
    assert.equal(await jsonpath(c, ['pod', 'defaulted', '-n', 'limited'], '{.status.qosClass}'), 'Burstable');
    const big = await c.kubectl(['apply', '-f', '-'], { input: sleeper('big', 'limited', '    resources:\n      limits: {memory: 2Gi}\n') });
    assert.equal(big.code, 1);
    assert.equal(big.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi');
    await c.kubectlOk(['delete', 'namespace', 'limited', '--wait=false']);
  });

  it('counts a ResourceQuota, refuses what exceeds it and describes it', async () => {
    const c = cluster();
    await c.kubectlOk(['create', 'namespace', 'quoted']);
    await c.kubectlOk(['create', 'quota', 'small', '-n', 'quoted', '--hard=pods=1,requests.cpu=500m,limits.memory=256Mi,count/configmaps=4']);
    // The quota controller fills status.used (kube-root-ca.crt already counts as one ConfigMap).
    await c.waitFor('quota usage', async () => (await jsonpath(c, ['quota', 'small', '-n', 'quoted'], '{.status.used.pods}')) === '0');
    const resources = '    resources:\n      requests: {cpu: 200m, memory: 32Mi}\n      limits: {cpu: 200m, memory: 64Mi}\n';
    await runPod(c, sleeper('first', 'quoted', resources), 'first', 'quoted');
    const second = await c.kubectl(['apply', '-f', '-'], { input: sleeper('second', 'quoted', resources) });
    assert.equal(second.code, 1);
    assert.equal(second.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "second" is forbidden: exceeded quota: small, requested: pods=1, used: pods=1, limited: pods=1');
    const get = await c.waitFor('quota columns', async () => {
      const out = await c.kubectlOk(['get', 'quota', '-n', 'quoted']);
      return /pods: 1\/1, requests\.cpu: 200m\/500m/.test(out) ? out : undefined;
    });
    assert.match(get, /^NAME\s+AGE\s+REQUEST\s+LIMIT\nsmall\s+\S+\s+count\/configmaps: 1\/4, pods: 1\/1, requests\.cpu: 200m\/500m\s+limits\.memory: 64Mi\/256Mi\n$/);
    assert.equal(
      await c.kubectlOk(['describe', 'quota', 'small', '-n', 'quoted']),
      [
        'Name:             small',
        'Namespace:        quoted',
        'Resource          Used  Hard',
        '--------          ----  ----',
        'count/configmaps  1     4',
        'limits.memory     64Mi  256Mi',
        'pods              1     1',
        'requests.cpu      200m  500m',
        '',
      ].join('\n'),
    );
    await c.kubectlOk(['delete', 'pod', 'first', '-n', 'quoted']);
    // Replenished once the pod is gone: the next pod fits.
    await c.waitFor('pods released', async () => (await jsonpath(c, ['quota', 'small', '-n', 'quoted'], '{.status.used.pods}')) === '0');
    await c.kubectlOk(['apply', '-f', '-'], { input: sleeper('second', 'quoted', resources) });
    await c.kubectlOk(['delete', 'namespace', 'quoted', '--wait=false']);
  });

  it('enforces and warns by the namespace PodSecurity labels', async () => {
    const c = cluster();
    await c.kubectlOk(['create', 'namespace', 'secure']);
    const label = await c.kubectl(['label', 'ns', 'secure', 'pod-security.kubernetes.io/enforce=restricted']);
    assert.equal(label.code, 0, label.stderr);
    const root = await c.kubectl(['run', 'root', '-n', 'secure', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '3600']);
    assert.equal(root.code, 1);
    assert.equal(
      root.stderr.trim(),
      'Error from server (Forbidden): pods "root" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "root" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "root" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "root" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "root" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    const compliant = sleeper('compliant', 'secure', `    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    seccompProfile: {type: RuntimeDefault}
`);
    await runPod(c, compliant, 'compliant', 'secure');
    assert.equal(await c.kubectlOk(['exec', 'compliant', '-n', 'secure', '--', 'id', '-u']), '1000\n');
    const deploy = await c.kubectl(['create', 'deployment', 'web', '-n', 'secure', '--image=busybox:1.36', '--', 'sleep', '3600']);
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.match(deploy.stderr, /^Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "busybox" must set securityContext\.allowPrivilegeEscalation=false\), /);

    await c.kubectlOk(['create', 'namespace', 'watched']);
    await c.kubectlOk(['label', 'ns', 'watched', 'pod-security.kubernetes.io/warn=baseline']);
    const warned = await c.kubectl(['run', 'priv', '-n', 'watched', '--image=busybox:1.36', '--restart=Never', '--privileged', '--', 'sleep', '1']);
    assert.equal(warned.code, 0, warned.stderr);
    assert.equal(warned.stderr, 'Warning: would violate PodSecurity "baseline:latest": privileged (container "priv" must not set securityContext.privileged=true)\n');
    await c.kubectlOk(['delete', 'namespace', 'secure', 'watched', '--wait=false']);
  });

  it('runs a pod with its RuntimeClass\'s handler and reports handlers the runtime lacks as upstream does', async () => {
    const c = cluster();
    const classes = (entries: [string, string][]): string =>
      entries.map(([name, handler]) => `apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: ${name}\nhandler: ${handler}\n`).join('---\n');
    await c.kubectlOk(['apply', '-f', '-'], { input: classes([['plain', 'runc'], ['exotic', 'nosuch'], ['doomed', 'runc']]) });
    const classy = (name: string, runtimeClass: string, extra = ''): string =>
      sleeper(name, 'default').replace('spec:\n', `spec:\n  runtimeClassName: ${runtimeClass}\n${extra}`);
    const sandboxEvents = async (name: string): Promise<string> =>
      c.kubectlOk(['get', 'events', '--field-selector', `involvedObject.name=${name},reason=FailedCreatePodSandBox`, '-o', 'jsonpath={range .items[*]}{.type} {.message}{"\\n"}{end}']);

    // handler runc: Running, and the sandbox carries the handler
    const t0 = Date.now();
    await runPod(c, classy('rc-runc', 'plain'), 'rc-runc', 'default');
    console.log(`# RuntimeClass handler runc: pod Running ${Date.now() - t0} ms after apply`);
    const pods = await run(process.execPath, [k1sBin, 'crictl', 'pods', '--data-dir', c.dataDir]);
    assert.equal(pods.code, 0, pods.stderr);
    assert.match(pods.stdout, /^[0-9a-f]{13} +.* ago +Ready +rc-runc +default +0 +runc$/m);

    // a handler containerd has no runtime for: ContainerCreating, containerd's message in the event
    await c.kubectlOk(['apply', '-f', '-'], { input: classy('rc-nosuch', 'exotic') });
    const failed = await c.waitFor('FailedCreatePodSandBox of rc-nosuch', async () => (await sandboxEvents('rc-nosuch')) || undefined, 30_000);
    assert.equal(failed, 'Warning Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nosuch" is configured\n');
    await c.waitFor('rc-nosuch ContainerCreating', async () => (await podRow(c, 'rc-nosuch'))?.status === 'ContainerCreating', 10_000);
    assert.equal(await jsonpath(c, ['pod', 'rc-nosuch'], '{.status.phase} {.status.containerStatuses[0].state.waiting.reason}'), 'Pending ContainerCreating');

    // a class that does not exist: RuntimeClass admission refuses the pod
    const ghost = await c.kubectl(['apply', '-f', '-'], { input: classy('rc-ghost', 'ghost') });
    assert.equal(ghost.code, 1);
    assert.equal(ghost.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "rc-ghost" is forbidden: pod rejected: RuntimeClass "ghost" not found');

    // a class deleted after admission (the pod waits on a scheduling gate meanwhile): the kubelet's lookup fails
    await c.kubectlOk(['apply', '-f', '-'], { input: classy('rc-doomed', 'doomed', '  schedulingGates:\n  - name: example.com/hold\n') });
    await c.kubectlOk(['delete', 'runtimeclass', 'doomed']);
    await c.kubectlOk(['patch', 'pod', 'rc-doomed', '--type=json', '-p', '[{"op":"remove","path":"/spec/schedulingGates"}]']);
    const lookup = await c.waitFor('FailedCreatePodSandBox of rc-doomed', async () => (await sandboxEvents('rc-doomed')) || undefined, 30_000);
    assert.equal(lookup, 'Warning Failed to create pod sandbox: runtimeclass.node.k8s.io "doomed" not found\n');
    await c.waitFor('rc-doomed ContainerCreating', async () => (await podRow(c, 'rc-doomed'))?.status === 'ContainerCreating', 10_000);
    // containerd 1.6 reports no runtime handlers in CRI Status: the Node has no status.runtimeHandlers, as upstream's
    assert.equal(await jsonpath(c, ['node', c.nodeName], '{.status.runtimeHandlers}'), '');
    await c.kubectlOk(['delete', 'pod', 'rc-runc', 'rc-nosuch', 'rc-doomed', '--wait=false']);
    await c.kubectlOk(['delete', 'runtimeclass', 'plain', 'exotic']);
  });
});
