/**
 * Persistent volumes and the pod security context (issue 8 items 1 and 2) on one shared cluster with the real kubectl:
 * the default local-path class, claims Pending until their first consumer, provisioned under DATA_DIR/storage and
 * Bound, data shared by containers and surviving pod re-creation, subPath and readOnly mounts, Delete and Retain
 * reclaim, static hostPath volumes bound by class, size and access modes; fsGroup group-owned volumes, runAsUser and
 * runAsGroup, runAsNonRoot refused as CreateContainerConfigError, capabilities, no_new_privs, seccomp, sysctls and a
 * shared process namespace — what `id`, `ls -ln` and /proc show inside the containers. Seed 001's claim manifests run
 * with their images swapped for busybox where the test images lack them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Pod } from '../../src/api/types.js';
import { applyAndWait, e2eSkip, podRow, useCluster, type Cluster } from './harness.js';
import { seedDocuments, servedImage } from './seed-manifests.js';

/** The seed's pod manifest `name`, with each image the test images lack replaced by busybox sleeping (command kept when it has one). */
function seedPod(name: string): string {
  const doc = seedDocuments().find((d) => d.obj.kind === 'Pod' && d.obj.metadata?.name === name);
  assert.ok(doc, `seed pod ${name} (../shared/seeds)`);
  const pod = parse(doc.text) as Pod;
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    if (servedImage(c.image ?? '')) continue;
    c.image = 'busybox:1.36';
    if (!c.command) c.command = ['sh', '-c', 'sleep 3600'];
  }
  return stringify(pod);
}

function claim(name: string, extra = ''): string {
  return `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
${extra}`;
}

async function sh(c: Cluster, pod: string, container: string, script: string): Promise<string> {
  return c.kubectlOk(['exec', pod, '-c', container, '--', 'sh', '-c', script]);
}

async function jsonpath(c: Cluster, what: string[], path: string): Promise<string> {
  return c.kubectlOk(['get', ...what, '-o', `jsonpath=${path}`]);
}

describe('persistent volumes and the security context', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-storage' });

  it('serves k3s\'s default local-path StorageClass', async () => {
    const c = cluster();
    const row = await c.waitFor('the local-path class', async () => (await c.kubectl(['get', 'sc', '--no-headers'])).stdout.trim() || undefined);
    assert.match(row, /^local-path \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+\S+$/);
  });

  it('seed 001 database-with-backup: claims wait for the pod, are provisioned, Bound, and shared read-write and read-only', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], { input: `${claim('postgres-pvc')}---\n${claim('backup-pvc')}` });
    const pending = await c.kubectlOk(['get', 'pvc', 'postgres-pvc', '--no-headers']);
    assert.match(pending, /^postgres-pvc\s+Pending\s+local-path\s+<unset>\s+\S+\n$/);
    await c.waitFor('WaitForFirstConsumer', async () => {
      const ev = await jsonpath(c, ['events', '--field-selector', 'involvedObject.name=postgres-pvc'], '{.items[*].reason}');
      return ev.includes('WaitForFirstConsumer');
    });
    await applyAndWait(c, seedPod('database-with-backup'), 'database-with-backup', /^Running$/, 120_000);
    const uid = await jsonpath(c, ['pvc', 'postgres-pvc'], '{.metadata.uid}');
    const pvc = await c.kubectlOk(['get', 'pvc', 'postgres-pvc', '--no-headers']);
    assert.match(pvc, new RegExp(`^postgres-pvc\\s+Bound\\s+pvc-${uid}\\s+1Gi\\s+RWO\\s+local-path\\s+<unset>\\s+\\S+\\n$`));
    const pv = await c.kubectlOk(['get', 'pv', `pvc-${uid}`, '--no-headers']);
    assert.match(pv, new RegExp(`^pvc-${uid}\\s+1Gi\\s+RWO\\s+Delete\\s+Bound\\s+default/postgres-pvc\\s+local-path\\s+<unset>\\s+\\S+\\n$`));
    const dir = join(c.dataDir, 'storage', `pvc-${uid}_default_postgres-pvc`);
    assert.equal(await jsonpath(c, ['pv', `pvc-${uid}`], '{.spec.local.path}'), dir);
    assert.equal(statSync(dir).mode & 0o777, 0o777);
    await sh(c, 'database-with-backup', 'postgres', 'echo row-1 > /var/lib/postgresql/data/table');
    assert.equal(await sh(c, 'database-with-backup', 'backup-agent', 'cat /var/lib/postgresql/data/table'), 'row-1\n');
    assert.equal(readFileSync(join(dir, 'table'), 'utf8'), 'row-1\n', 'the claim is the directory under DATA_DIR/storage');
    const ro = await c.kubectl(['exec', 'database-with-backup', '-c', 'backup-agent', '--', 'touch', '/var/lib/postgresql/data/x']);
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /Read-only file system/);
    const events = await jsonpath(c, ['events', '--field-selector', 'involvedObject.name=postgres-pvc'], '{range .items[*]}{.reason}{"\\n"}{end}');
    for (const reason of ['WaitForFirstConsumer', 'ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']) assert.ok(events.split('\n').includes(reason), `${reason} in ${events}`);
  });

  it('keeps the data when the pod is deleted and re-created', async () => {
    const c = cluster();
    await c.kubectlOk(['delete', 'pod', 'database-with-backup', '--grace-period=2', '--wait=true', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.match(await c.kubectlOk(['get', 'pvc', 'postgres-pvc', '--no-headers']), /^postgres-pvc\s+Bound\s/);
    await applyAndWait(c, seedPod('database-with-backup'), 'database-with-backup', /^Running$/, 120_000);
    assert.equal(await sh(c, 'database-with-backup', 'backup-agent', 'cat /var/lib/postgresql/data/table'), 'row-1\n');
  });

  it('deleting the claim, once its pod is gone, deletes the volume and its data (Delete)', async () => {
    const c = cluster();
    const uid = await jsonpath(c, ['pvc', 'postgres-pvc'], '{.metadata.uid}');
    const dir = join(c.dataDir, 'storage', `pvc-${uid}_default_postgres-pvc`);
    await c.kubectlOk(['delete', 'pvc', 'postgres-pvc', '--wait=false']);
    assert.match(await c.kubectlOk(['get', 'pvc', 'postgres-pvc', '--no-headers']), /^postgres-pvc\s+Terminating\s/, 'in use by the pod');
    await c.kubectlOk(['delete', 'pod', 'database-with-backup', '--grace-period=2', '--wait=true', '--timeout=90s'], { timeoutMs: 100_000 });
    await c.waitFor('the volume deleted', async () => (await c.kubectl(['get', 'pv', `pvc-${uid}`])).code === 1, 60_000);
    assert.equal((await c.kubectl(['get', 'pvc', 'postgres-pvc'])).code, 1);
    assert.equal(existsSync(dir), false, 'the data went with the claim');
  });

  it('a Retain class keeps the Released volume and its data', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], {
      input: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-retain
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
---
${claim('kept', '  storageClassName: local-retain\n')}---
apiVersion: v1
kind: Pod
metadata:
  name: keeper
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: busybox:1.36
    command: ['sh', '-c', 'echo kept > /data/f']
    volumeMounts: [{name: d, mountPath: /data}]
  volumes:
  - name: d
    persistentVolumeClaim: {claimName: kept}
`,
    });
    await c.waitFor('keeper Completed', async () => (await podRow(c, 'keeper'))?.status === 'Completed', 120_000);
    const pvName = await jsonpath(c, ['pvc', 'kept'], '{.spec.volumeName}');
    // A class without k3s's `defaultVolumeType: local` annotation gets hostPath volumes, as local-path-provisioner makes them.
    const path = await jsonpath(c, ['pv', pvName], '{.spec.hostPath.path}');
    assert.equal(path, join(c.dataDir, 'storage', `${pvName}_default_kept`));
    await c.kubectlOk(['delete', 'pod', 'keeper', '--wait=true', '--timeout=60s']);
    await c.kubectlOk(['delete', 'pvc', 'kept', '--wait=true', '--timeout=60s']);
    await c.waitFor('Released', async () => (await jsonpath(c, ['pv', pvName], '{.status.phase}')) === 'Released', 30_000);
    assert.match(await c.kubectlOk(['get', 'pv', pvName, '--no-headers']), /\s+Retain\s+Released\s+default\/kept\s+local-retain\s/);
    assert.equal(readFileSync(join(path, 'f'), 'utf8'), 'kept\n');
  });

  it('binds a static hostPath volume by class, size and access modes, with subPath mounts as in seed 001', async () => {
    const c = cluster();
    const host = join(c.dataDir, 'static-logs');
    await c.kubectlOk(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: too-small
spec:
  capacity: {storage: 100Mi}
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  hostPath: {path: ${host}-small, type: DirectoryOrCreate}
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: logs
spec:
  capacity: {storage: 2Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  hostPath: {path: ${host}, type: DirectoryOrCreate}
---
${claim('log-pvc', '  storageClassName: manual\n')}`,
    });
    await c.waitFor('log-pvc Bound', async () => (await jsonpath(c, ['pvc', 'log-pvc'], '{.status.phase}')) === 'Bound', 30_000);
    assert.equal(await jsonpath(c, ['pvc', 'log-pvc'], '{.spec.volumeName} {.status.capacity.storage}'), 'logs 2Gi');
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: log-storage
spec:
  containers:
  - name: app-logs
    image: busybox:1.36
    command: ['sh', '-c', 'echo app > /var/log/app/app.log; sleep 3600']
    volumeMounts:
    - {name: log-storage, mountPath: /var/log/app, subPath: application-logs}
  - name: system-logs
    image: busybox:1.36
    command: ['sh', '-c', 'echo sys > /var/log/system/system.log; sleep 3600']
    volumeMounts:
    - {name: log-storage, mountPath: /var/log/system, subPath: system-logs}
  - name: log-aggregator
    image: busybox:1.36
    command: ['sleep', '3600']
    volumeMounts:
    - {name: log-storage, mountPath: /logs, readOnly: true}
  volumes:
  - name: log-storage
    persistentVolumeClaim:
      claimName: log-pvc
`;
    await applyAndWait(c, pod, 'log-storage', /^Running$/, 120_000);
    await c.waitFor('both logs written', async () => existsSync(join(host, 'system-logs', 'system.log')) && existsSync(join(host, 'application-logs', 'app.log')));
    assert.equal(await sh(c, 'log-storage', 'log-aggregator', 'cat /logs/application-logs/app.log /logs/system-logs/system.log'), 'app\nsys\n');
    assert.equal(await sh(c, 'log-storage', 'app-logs', 'ls /var/log/app'), 'app.log\n', 'a subPath mount shows only its directory');
  });

  it('fsGroup: volumes group-owned with setgid directories, processes in the group, as id and ls -ln show', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], { input: claim('shared') });
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: fsgroup
spec:
  securityContext:
    fsGroup: 2000
  containers:
  - name: container1
    image: busybox:1.36
    command: ['sh', '-c', 'touch /data/one /scratch/one; sleep 3600']
    securityContext: {runAsUser: 1000, runAsGroup: 2000}
    volumeMounts: [{name: data, mountPath: /data}, {name: scratch, mountPath: /scratch}]
  - name: container2
    image: busybox:1.36
    command: ['sleep', '3600']
    securityContext: {runAsUser: 1001}
    volumeMounts: [{name: data, mountPath: /data}, {name: scratch, mountPath: /scratch}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: shared}
  - name: scratch
    emptyDir: {}
`;
    await applyAndWait(c, pod, 'fsgroup', /^Running$/, 120_000);
    assert.equal(await sh(c, 'fsgroup', 'container1', 'id'), 'uid=1000 gid=2000 groups=2000\n');
    assert.equal(await sh(c, 'fsgroup', 'container2', 'id'), 'uid=1001 gid=0(root) groups=0(root),2000\n');
    for (const dir of ['/data', '/scratch']) {
      const ls = await sh(c, 'fsgroup', 'container2', `ls -lnd ${dir} | cut -c1-10; ls -ln ${dir}/one | awk '{print $1, $3, $4}'`);
      assert.equal(ls, 'drwxrwsrwx\n-rw-r--r-- 1000 2000\n', `${dir}: ${ls}`);
      assert.match(await sh(c, 'fsgroup', 'container2', `ls -lnd ${dir}`), /^drwxrwsrwx\s+\d+\s+0\s+2000\s/);
    }
    // The ServiceAccount token is 0600 under an fsGroup, then group-readable: -rw-r----- root:2000.
    assert.equal(await sh(c, 'fsgroup', 'container2', 'stat -L -c "%a %u %g" /var/run/secrets/kubernetes.io/serviceaccount/token'), '640 0 2000\n');
    await sh(c, 'fsgroup', 'container2', 'echo from-2 > /data/two');
    assert.match(await sh(c, 'fsgroup', 'container1', 'ls -ln /data/two'), /^-rw-r--r--\s+1\s+1001\s+2000\s/, 'new files inherit the group');
  });

  it('runAsNonRoot refuses a root image with CreateContainerConfigError and the kubelet\'s message', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: Pod
metadata:
  name: nonroot
spec:
  securityContext: {runAsNonRoot: true}
  containers:
  - name: app
    image: busybox:1.36
    command: ['sleep', '3600']
`,
    });
    const waiting = await c.waitFor('CreateContainerConfigError', async () => {
      const r = await jsonpath(c, ['pod', 'nonroot'], '{.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}');
      return r.startsWith('CreateContainerConfigError|') ? r : undefined;
    }, 90_000);
    const uid = await jsonpath(c, ['pod', 'nonroot'], '{.metadata.uid}');
    assert.equal(waiting, `CreateContainerConfigError|container has runAsNonRoot and image will run as root (pod: "nonroot_default(${uid})", container: app)`);
    assert.equal((await podRow(c, 'nonroot'))?.status, 'CreateContainerConfigError');
    await c.kubectlOk(['delete', 'pod', 'nonroot', '--wait=false']);
  });

  it('capabilities, allowPrivilegeEscalation, seccomp, sysctls and a shared process namespace reach the processes', async () => {
    const c = cluster();
    await applyAndWait(c, `apiVersion: v1
kind: Pod
metadata:
  name: hardened
spec:
  shareProcessNamespace: true
  securityContext:
    sysctls:
    - {name: net.ipv4.ip_unprivileged_port_start, value: "0"}
  containers:
  - name: locked
    image: busybox:1.36
    command: ['sleep', '3600']
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
      seccompProfile: {type: RuntimeDefault}
  - name: plain
    image: busybox:1.36
    command: ['sleep', '3601']
`, 'hardened', /^Running$/, 120_000);
    const status = await sh(c, 'hardened', 'locked', 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status');
    assert.equal(status, 'CapEff:\t0000000000000400\nNoNewPrivs:\t1\nSeccomp:\t2\n');
    const plain = await sh(c, 'hardened', 'plain', 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status');
    assert.equal(plain, 'NoNewPrivs:\t0\nSeccomp:\t0\n', 'Unconfined without a profile, as the kubelet\'s --seccomp-default=false');
    assert.equal(await sh(c, 'hardened', 'plain', 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start'), '0\n');
    const ps = await sh(c, 'hardened', 'plain', 'ps -o args');
    assert.match(ps, /sleep 3600/, 'the other container\'s process is visible');
    assert.match(ps, /sleep 3601/);
  });

  it('refuses an unsafe sysctl: the pod fails with SysctlForbidden', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: Pod
metadata:
  name: unsafe-sysctl
spec:
  securityContext:
    sysctls: [{name: kernel.msgmax, value: "65536"}]
  containers:
  - name: app
    image: busybox:1.36
    command: ['sleep', '3600']
`,
    });
    const st = await c.waitFor('SysctlForbidden', async () => {
      const r = await jsonpath(c, ['pod', 'unsafe-sysctl'], '{.status.phase}|{.status.reason}|{.status.message}');
      return r.startsWith('Failed|') ? r : undefined;
    }, 60_000);
    assert.equal(st, 'Failed|SysctlForbidden|Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted');
    assert.equal((await podRow(c, 'unsafe-sysctl'))?.status, 'SysctlForbidden');
  });
});
