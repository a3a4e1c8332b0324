/**
 * Scale limits end to end, on four servers one after the other: with `--kubelet-arg=max-pods=3` the node reports
 * 3 allocatable pods, a fourth pod stays Pending with kube-scheduler's `Too many pods` FailedScheduling and a pod
 * bound directly (spec.nodeName) is rejected by the kubelet with OutOfpods; with
 * `--kubelet-arg=eviction-hard=memory.available<N` set above this machine's available memory the node reports
 * MemoryPressure (and its taint), and the eviction manager evicts the BestEffort pod while the Guaranteed pod
 * keeps running; with `eviction-hard=nodefs.available<N` set 1.5 GiB below the free space, a pod writing 2 GiB
 * brings DiskPressure and is evicted with the ephemeral-storage message, and the next passes delete its dead
 * container (freeing the space) rather than evict the bystander; on a fourth, a pod asking for more cpu and memory
 * than allocatable, one whose memory request only fits once another pod leaves, and one asking for a host port
 * already taken stay Pending with kube-scheduler's NodeResourcesFit and NodePorts reasons until they fit, and pods
 * over an emptyDir sizeLimit or an ephemeral-storage limit are evicted with upstream's local storage messages.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { applyAndWait, e2eSkip, podRow, useCluster } from './harness.js';

function pod(name: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
${extra}  containers:
  - name: app
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
`;
}

/** MemTotal and MemAvailable of this machine, MiB. */
function meminfoMi(): { total: number; available: number } {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  return { total: Math.floor(kb('MemTotal') / 1024), available: Math.floor(kb('MemAvailable') / 1024) };
}

describe('node limits: max-pods', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-limits', extraArgs: ['--kubelet-arg=max-pods=3'] });
  // The node filled before the tests: p1–p3 Running, p4 applied beyond max-pods. Each test below starts from this.
  before(async () => {
    const c = cluster();
    for (const n of ['p1', 'p2', 'p3']) await applyAndWait(c, pod(n), n, /^Running$/);
    await c.kubectlOk(['apply', '-f', '-'], { input: pod('p4') });
  });

  it('reports 3 pods in capacity and allocatable, and allocatable memory below capacity by the default 100Mi threshold', async () => {
    const c = cluster();
    const status = await c.waitFor('the node with pods 3', async () => {
      const node = JSON.parse(await c.kubectlOk(['get', 'node', c.nodeName, '-o', 'json'])) as { status: { capacity: Record<string, string>; allocatable: Record<string, string> } };
      return node.status.capacity.pods === '3' ? node.status : undefined;
    });
    assert.equal(status.allocatable.pods, '3');
    const ki = (q: string) => (q.endsWith('Mi') ? Number(q.slice(0, -2)) * 1024 : Number(q.replace(/Ki$/, '')));
    const capMem = status.capacity.memory ?? '';
    const allocMem = status.allocatable.memory ?? '';
    assert.equal(ki(capMem) - ki(allocMem), 100 * 1024, `capacity ${capMem} − allocatable ${allocMem} = memory.available<100Mi`);
    const eph = status.capacity['ephemeral-storage'] ?? '';
    assert.match(eph, /^\d+(Ki|Mi|Gi)?$/);
  });

  it('binds 3 pods and leaves the fourth Pending with FailedScheduling "Too many pods"', async () => {
    const c = cluster();
    assert.equal(await c.kubectlOk(['get', 'pod', 'p1', 'p2', 'p3', '-o', 'jsonpath={.items[*].status.phase}']), 'Running Running Running');
    const message = await c.waitFor('FailedScheduling of p4', async () =>
      (await c.kubectlOk(['get', 'events', '--field-selector', 'involvedObject.name=p4,reason=FailedScheduling', '-o', 'jsonpath={.items[0].message}'])).trim() || undefined,
    );
    assert.equal(message, '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    assert.equal(await c.kubectlOk(['get', 'pod', 'p4', '-o', 'jsonpath={.status.phase} {.spec.nodeName}']), 'Pending ');
  });

  it('rejects a pod bound directly beyond maxPods with OutOfpods, as the kubelet admits pods', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], { input: pod('direct', `  nodeName: ${c.nodeName}\n`) });
    const status = await c.waitFor('direct to fail', async () => {
      const o = await c.kubectlOk(['get', 'pod', 'direct', '-o', 'jsonpath={.status.phase}|{.status.reason}|{.status.message}']);
      return o.startsWith('Failed|') ? o : undefined;
    });
    assert.equal(status, "Failed|OutOfpods|Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3");
    const event = await c.kubectlOk(['get', 'events', '--field-selector', 'involvedObject.name=direct,reason=OutOfpods', '-o', 'jsonpath={.items[0].type} {.items[0].message}']);
    assert.equal(event, "Warning Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3");
  });

  it('schedules the pending pod once a pod leaves the node', async () => {
    const c = cluster();
    await c.kubectlOk(['delete', 'pod', 'p1', '--wait=true']);
    await c.waitFor('p4 Running', async () => (await c.kubectlOk(['get', 'pod', 'p4', '-o', 'jsonpath={.status.phase}'])) === 'Running', 30_000);
  });
});

const mem = meminfoMi();
// Just above what is available, and well below capacity so a Guaranteed pod still fits allocatable.
const thresholdMi = Math.min(mem.available + 1024, mem.total - 512);

describe('node limits: memory pressure', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-pressure', extraArgs: [`--kubelet-arg=eviction-hard=memory.available<${thresholdMi}Mi`] });
  const tolerate = `  tolerations:
  - key: node.kubernetes.io/memory-pressure
    operator: Exists
    effect: NoSchedule
`;

  it('reports MemoryPressure=True with the kubelet reason and taints the node', async () => {
    const c = cluster();
    const cond = await c.waitFor('MemoryPressure=True', async () => {
      const o = await c.kubectlOk(['get', 'node', c.nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="MemoryPressure")].status}|{.status.conditions[?(@.type=="MemoryPressure")].reason}|{.status.conditions[?(@.type=="MemoryPressure")].message}']);
      return o.startsWith('True|') ? o : undefined;
    }, 30_000);
    assert.equal(cond, 'True|KubeletHasInsufficientMemory|kubelet has insufficient memory available');
    assert.equal(
      await c.kubectlOk(['get', 'node', c.nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="DiskPressure")].reason} {.status.conditions[?(@.type=="PIDPressure")].reason}']),
      'KubeletHasNoDiskPressure KubeletHasSufficientPID',
    );
    await c.waitFor('the memory-pressure taint', async () =>
      (await c.kubectlOk(['get', 'node', c.nodeName, '-o', 'jsonpath={.spec.taints[*].key}:{.spec.taints[*].effect}'])) === 'node.kubernetes.io/memory-pressure:NoSchedule',
    );
  });

  it('evicts the BestEffort pod and keeps the Guaranteed pod running', async () => {
    const c = cluster();
    const guaranteed = pod('guaranteed', tolerate).replace(
      '    command:',
      '    resources:\n      requests: {cpu: 50m, memory: 64Mi}\n      limits: {cpu: 50m, memory: 64Mi}\n    command:',
    );
    await c.kubectlOk(['apply', '-f', '-'], { input: `${pod('besteffort', tolerate)}---\n${guaranteed}` });
    const status = await c.waitFor('besteffort evicted', async () => {
      const o = await c.kubectlOk(['get', 'pod', 'besteffort', '-o', 'jsonpath={.status.phase}|{.status.reason}|{.status.message}']);
      return o.startsWith('Failed|') ? o : undefined;
    }, 60_000);
    const phaseOfGuaranteed = await c.kubectlOk(['get', 'pod', 'guaranteed', '-o', 'jsonpath={.status.phase} {.status.qosClass}']);
    assert.match(status, /^Failed\|Evicted\|The node was low on resource: memory\. Threshold quantity: \d+(Mi|Gi), available: \d+(Ki|Mi|Gi)?\. (Container app was using \d+(Ki|Mi)?, request is 0, has larger consumption of memory\. )?$/);
    assert.ok(status.includes(`Threshold quantity: ${thresholdMi % 1024 === 0 ? `${thresholdMi / 1024}Gi` : `${thresholdMi}Mi`}`), status);
    assert.notEqual(phaseOfGuaranteed.split(' ')[0], 'Failed', `the Guaranteed pod is not evicted first (${phaseOfGuaranteed})`);
    assert.equal(phaseOfGuaranteed.split(' ')[1], 'Guaranteed');
    const event = await c.waitFor('the Evicted event', async () =>
      (await c.kubectlOk(['get', 'events', '--field-selector', 'involvedObject.name=besteffort,reason=Evicted', '-o', 'jsonpath={.items[0].type}'])) || undefined,
    );
    assert.equal(event, 'Warning');
    const stopped = await c.waitFor('the BestEffort container stopped', async () => {
      const o = await c.kubectlOk(['get', 'pod', 'besteffort', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.reason}|{.status.conditions[?(@.type=="DisruptionTarget")].reason}']);
      return o.startsWith('|') ? undefined : o;
    });
    assert.match(stopped, /^(Error|Completed)\|TerminationByKubelet$/);
  });
});

/** Bytes available to unprivileged users on the file system of the clusters' data dirs (the kubelet's nodefs). */
function nodefsAvailable(): number {
  const s = statfsSync(tmpdir());
  return s.bavail * s.bsize;
}

// 1.5 GiB below what is free now: a pod writing 1 GiB leaves the node without pressure, 1 GiB more crosses it.
const diskThresholdMi = Math.floor(nodefsAvailable() / 2 ** 20) - 1536;

describe('node limits: disk pressure', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-disk', extraArgs: [`--kubelet-arg=eviction-hard=nodefs.available<${diskThresholdMi}Mi`] });

  it('under nodefs pressure evicts the pod using the most disk with the ephemeral-storage message, then reclaims its dead container instead of evicting more', async () => {
    const c = cluster();
    // The filler writes 1 GiB, waits for the runtime's writable-layer figures (refreshed every 10 s) to show it,
    // then writes the 1 GiB that crosses the threshold; the bystander writes nothing.
    const filler = pod('filler').replace('command: ["sleep", "3600"]', 'command: ["sh", "-c", "dd if=/dev/zero of=/fill1 bs=1M count=1024 && sync && sleep 12 && dd if=/dev/zero of=/fill2 bs=1M count=1024 && sync && sleep 3600"]');
    await applyAndWait(c, pod('bystander'), 'bystander', /^Running$/);
    const t0 = Date.now();
    await c.kubectlOk(['apply', '-f', '-'], { input: filler });
    const cond = await c.waitFor('DiskPressure=True', async () => {
      const o = await c.kubectlOk(['get', 'node', c.nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="DiskPressure")].status}|{.status.conditions[?(@.type=="DiskPressure")].reason}']);
      return o.startsWith('True|') ? o : undefined;
    }, 90_000);
    console.log(`# figure: DiskPressure=True ${Date.now() - t0} ms after the filler was applied`);
    assert.equal(cond, 'True|KubeletHasDiskPressure');
    const status = await c.waitFor('filler evicted', async () => {
      const o = await c.kubectlOk(['get', 'pod', 'filler', '-o', 'jsonpath={.status.phase}|{.status.reason}|{.status.message}']);
      return o.startsWith('Failed|') ? o : undefined;
    }, 60_000);
    console.log(`# figure: filler Failed/Evicted ${Date.now() - t0} ms after it was applied`);
    const threshold = diskThresholdMi % 1024 === 0 ? `${diskThresholdMi / 1024}Gi` : `${diskThresholdMi}Mi`;
    assert.match(status, /^Failed\|Evicted\|The node was low on resource: ephemeral-storage\. Threshold quantity: \S+, available: \d+(Ki|Mi|Gi)?\. Container app was using \d+(Ki|Mi|Gi), request is 0, has larger consumption of ephemeral-storage\. $/);
    assert.ok(status.includes(`Threshold quantity: ${threshold}, `), status);
    const usedKi = /was using (\d+)(Ki|Mi|Gi)/.exec(status);
    const usedMi = Number(usedKi?.[1]) / (usedKi?.[2] === 'Ki' ? 1024 : usedKi?.[2] === 'Gi' ? 1 / 1024 : 1);
    assert.ok(usedMi >= 1024, `the filler's rootfs and logs hold at least its first GiB (${status})`);
    assert.match(
      await c.kubectlOk(['get', 'pod', 'filler', '-o', 'jsonpath={.status.conditions[?(@.type=="DisruptionTarget")].reason}']),
      /^TerminationByKubelet$/,
    );
    // The next passes delete the filler's dead container (DeleteAllUnusedContainers) and the pressure is gone
    // without evicting the bystander.
    await c.waitFor('the filler\'s writable layer freed', async () => nodefsAvailable() > (diskThresholdMi + 512) * 2 ** 20, 60_000);
    console.log(`# figure: filler's 2 GiB reclaimed by container GC ${Date.now() - t0} ms after it was applied`);
    // The pass that removed it found the threshold no longer met and evicted nobody.
    await c.waitFor('the pass that reclaimed without evicting', async () => /eviction manager: able to reduce ephemeral-storage pressure without evicting pods/.test(c.serverLog()), 20_000);
    assert.equal(await c.kubectlOk(['get', 'pod', 'bystander', '-o', 'jsonpath={.status.phase}|{.status.reason}']), 'Running|');
    for (const l of c.serverLog().split('\n').filter((x) => /eviction manager: (pass evicted|able to reduce)|container gc:|image gc:/.test(x))) console.log(`# figure: ${l.replace(/^.*?((eviction manager|container gc|image gc):)/, '$1')}`);
    await c.kubectlOk(['delete', 'pod', 'filler', 'bystander', '--wait=true']);
  });
});

describe('node limits: resources fit and host ports', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-fit' });
  const requesting = (cpu: string, memory: string) => `    resources:\n      requests:\n        cpu: "${cpu}"\n        memory: "${memory}"\n`;
  const failedScheduling = (c: ReturnType<typeof cluster>, name: string) =>
    c.waitFor(`FailedScheduling of ${name}`, async () =>
      (await c.kubectlOk(['get', 'events', '--field-selector', `involvedObject.name=${name},reason=FailedScheduling`, '-o', 'jsonpath={.items[0].message}'])).trim() || undefined,
    );

  it('leaves a pod asking for more cpu and memory than the node has Pending, with both reasons in kube-scheduler words', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], { input: pod('huge') + requesting('64', '1Ti') });
    const message = await failedScheduling(c, 'huge');
    assert.equal(message, '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    assert.equal(await c.kubectlOk(['get', 'pod', 'huge', '-o', 'jsonpath={.status.phase}|{.spec.nodeName}|{.status.conditions[?(@.type=="PodScheduled")].reason}']), 'Pending||Unschedulable');
    const describe = await c.kubectlOk(['describe', 'pod', 'huge']);
    assert.match(describe, /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory\./);
    await c.kubectlOk(['delete', 'pod', 'huge', '--wait=true']);
  });

  it('schedules a pod whose memory request fits only once another pod that requested it leaves', async () => {
    const c = cluster();
    const allocatable = (await c.kubectlOk(['get', 'node', c.nodeName, '-o', 'jsonpath={.status.allocatable.memory}'])).trim();
    assert.match(allocatable, /^\d+Ki$/);
    const sixtyPercentMi = `${Math.floor((Number(allocatable.slice(0, -2)) * 0.6) / 1024)}Mi`;
    await applyAndWait(c, pod('first') + requesting('10m', sixtyPercentMi), 'first', /^Running$/);
    await c.kubectlOk(['apply', '-f', '-'], { input: pod('second') + requesting('10m', sixtyPercentMi) });
    assert.equal(await failedScheduling(c, 'second'), '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    await c.kubectlOk(['delete', 'pod', 'first', '--wait=true']);
    await c.waitFor('second Running', async () => (await c.kubectlOk(['get', 'pod', 'second', '-o', 'jsonpath={.status.phase}'])) === 'Running', 30_000);
    await c.kubectlOk(['delete', 'pod', 'second', '--wait=true']);
  });

  it('keeps a second pod asking for a host port already taken Pending until the first leaves', async () => {
    const c = cluster();
    const ports = '    ports:\n    - containerPort: 8080\n      hostPort: 18089\n';
    await applyAndWait(c, pod('port-a') + ports, 'port-a', /^Running$/);
    await c.kubectlOk(['apply', '-f', '-'], { input: pod('port-b') + ports });
    assert.equal(await failedScheduling(c, 'port-b'), "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
    await c.kubectlOk(['delete', 'pod', 'port-a', '--wait=true']);
    await c.waitFor('port-b Running', async () => (await c.kubectlOk(['get', 'pod', 'port-b', '-o', 'jsonpath={.status.phase}'])) === 'Running', 30_000);
    await c.kubectlOk(['delete', 'pod', 'port-b', '--wait=true']);
  });

  it('evicts pods over their local storage limits with upstream messages: an emptyDir past its sizeLimit, a pod past its containers\' total, a container past its own', async () => {
    const c = cluster();
    const writer = (name: string, target: string, mib: number, extra = '') => `  - name: ${name}
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "dd if=/dev/zero of=${target} bs=1M count=${mib} && sync && sleep 3600"]
${extra}`;
    const spec = (name: string, containers: string, volumes = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 30
  containers:
${containers}${volumes}---
`;
    const limit = (q: string) => `    resources:\n      limits:\n        ephemeral-storage: ${q}\n`;
    const manifests =
      spec('emptydir-over', writer('app', '/cache/fill', 4, '    volumeMounts:\n    - name: cache\n      mountPath: /cache\n'), '  volumes:\n  - name: cache\n    emptyDir:\n      sizeLimit: 1Mi\n') +
      spec('pod-over', writer('app', '/fill', 4, limit('1Mi'))) +
      spec('container-over', writer('writer', '/fill', 3, limit('2Mi')) + writer('idle', '/tmp/none', 0, limit('4Mi')));
    const t0 = Date.now();
    await c.kubectlOk(['apply', '-f', '-'], { input: manifests });
    const expected: Record<string, string> = {
      'emptydir-over': 'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ',
      'pod-over': 'Pod ephemeral local storage usage exceeds the total limit of containers 1Mi. ',
      'container-over': 'Container writer exceeded its local ephemeral storage limit "2Mi". ',
    };
    for (const [name, message] of Object.entries(expected)) {
      const status = await c.waitFor(`${name} evicted`, async () => {
        const o = await c.kubectlOk(['get', 'pod', name, '-o', 'jsonpath={.status.phase}|{.status.reason}|{.status.message}|{.status.containerStatuses[0].state.running.startedAt}']);
        return o.startsWith('Failed|') ? o : undefined;
      }, 90_000);
      console.log(`# figure: ${name} Failed/Evicted ${Date.now() - t0} ms after apply`);
      assert.equal(status.split('|').slice(0, 3).join('|'), `Failed|Evicted|${message}`);
      const event = await c.waitFor(`the Evicted event of ${name}`, async () =>
        (await c.kubectlOk(['get', 'events', '--field-selector', `involvedObject.name=${name},reason=Evicted`, '-o', 'jsonpath={.items[0].type}|{.items[0].message}'])) || undefined,
      );
      assert.equal(event, `Warning|${message}`);
      // Killed with the eviction's grace period (1 s), not the pod's 30 s; kubectl prints the container's reason.
      const stopped = await c.waitFor(`${name} containers stopped`, async () => {
        const o = await c.kubectlOk(['get', 'pod', name, '-o', 'jsonpath={.status.containerStatuses[*].state.terminated.reason}|{.status.conditions[?(@.type=="DisruptionTarget")].reason}']);
        return o.startsWith('|') || o.split('|')[0]!.split(' ').length < (name === 'container-over' ? 2 : 1) ? undefined : o;
      }, 20_000);
      console.log(`# figure: ${name} containers stopped ${Date.now() - t0} ms after apply`);
      assert.match(stopped, /^Error( Error)?\|$/, 'terminated by the kill, and no DisruptionTarget condition for a local storage eviction');
      assert.equal((await podRow(c, name))?.status, 'Error');
    }
    for (const l of c.serverLog().split('\n').filter((x) => /eviction manager: pass evicted/.test(x))) console.log(`# figure: ${l.replace(/^.*?(eviction manager)/, '$1')}`);
    await c.kubectlOk(['delete', 'pod', ...Object.keys(expected), '--wait=true']);
  });
});
