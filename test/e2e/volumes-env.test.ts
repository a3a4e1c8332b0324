/**
 * Volumes and environment end to end on real containers: emptyDir on disk and in memory, hostPath with its
 * type checks, configMap and secret volumes (readOnly, subPath), env value/valueFrom/$(VAR) expansion and
 * workingDir — what a container actually sees, read back through kubectl logs and exec.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyAndWait, e2eSkip, podRow, useCluster } from './harness.js';


describe('volumes and environment', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-volumes' });

  it('mounts every volume kind and resolves env as the kubelet does', async () => {
    const hostDir = join(cluster().dataDir, 'host-data');
    const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  greeting: hello
  app.conf: |
    mode=demo
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
stringData:
  password: s3cret
---
apiVersion: v1
kind: Pod
metadata:
  name: volumes-env
  labels:
    app: volumes
spec:
  restartPolicy: Never
  containers:
  - name: show
    image: busybox:1.36
    workingDir: /work
    env:
    - name: GREETING
      valueFrom:
        configMapKeyRef: {name: app-config, key: greeting}
    - name: PASSWORD
      valueFrom:
        secretKeyRef: {name: app-secret, key: password}
    - name: POD_NAME
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
    - name: POD_IP
      valueFrom:
        fieldRef: {fieldPath: status.podIP}
    - name: MESSAGE
      value: "$(GREETING) from $(POD_NAME), $$(ESCAPED) $(MISSING)"
    command: ['sh', '-c']
    args:
    - |
      echo "pwd=$(pwd)"
      echo "msg=$MESSAGE"
      echo "password=$PASSWORD ip=$POD_IP"
      echo "conf=$(cat /etc/app/app.conf)"
      echo "sub=$(cat /etc/greeting)"
      echo "secret=$(cat /etc/secret/password)"
      echo "mem=$(grep ' /cache ' /proc/mounts | cut -d' ' -f3)"
      echo from-pod > /host/written.txt
      touch /etc/app/x 2>/dev/null || echo "configmap read-only"
      echo done
    volumeMounts:
    - {name: config, mountPath: /etc/app}
    - {name: config, mountPath: /etc/greeting, subPath: greeting}
    - {name: secret, mountPath: /etc/secret, readOnly: true}
    - {name: cache, mountPath: /cache}
    - {name: host, mountPath: /host}
    - {name: work, mountPath: /work}
  volumes:
  - name: config
    configMap: {name: app-config}
  - name: secret
    secret: {secretName: app-secret}
  - name: cache
    emptyDir: {medium: Memory}
  - name: work
    emptyDir: {}
  - name: host
    hostPath: {path: ${hostDir}, type: DirectoryOrCreate}
`;
    await applyAndWait(cluster(), manifest, 'volumes-env', /^Completed$/);
    const logs = await cluster().kubectlOk(['logs', 'volumes-env']);
    assert.match(logs, /^pwd=\/work$/m);
    assert.match(logs, /^msg=hello from volumes-env, \$\(ESCAPED\) \$\(MISSING\)$/m, 'expansion: known vars, $$ escape, unknown kept');
    assert.match(logs, /^password=s3cret ip=10\.\d+\.\d+\.\d+$/m);
    assert.match(logs, /^conf=mode=demo$/m);
    assert.match(logs, /^sub=hello$/m);
    assert.match(logs, /^secret=s3cret$/m);
    assert.match(logs, /^mem=tmpfs$/m, 'emptyDir medium Memory is a tmpfs');
    assert.match(logs, /^configmap read-only$/m);
    assert.match(logs, /^done$/m);
    assert.equal(readFileSync(join(hostDir, 'written.txt'), 'utf8'), 'from-pod\n', 'hostPath is the host directory');
    const phase = await cluster().kubectlOk(['get', 'pod', 'volumes-env', '-o', 'jsonpath={.status.phase}']);
    assert.equal(phase, 'Succeeded');
    await cluster().kubectlOk(['delete', 'pod', 'volumes-env', '--wait=true', '--timeout=60s']);
    assert.ok(existsSync(join(hostDir, 'written.txt')), 'hostPath content outlives the pod');
  });

  it('reports a failed hostPath type check as FailedMount and keeps the pod in ContainerCreating', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: bad-hostpath
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: ['sleep', '3600']
    volumeMounts:
    - {name: h, mountPath: /h}
  volumes:
  - name: h
    hostPath: {path: ${join(cluster().dataDir, 'does-not-exist')}, type: Directory}
`;
    await cluster().kubectlOk(['apply', '-f', '-'], { input: manifest });
    await cluster().waitFor('FailedMount event', async () => {
      const ev = await cluster().kubectlOk(['get', 'events', '--field-selector', 'involvedObject.name=bad-hostpath,reason=FailedMount', '-o', 'jsonpath={.items[*].message}']);
      return ev.includes('hostPath type check failed') && ev.includes('is not a directory') ? ev : undefined;
    });
    assert.equal((await podRow(cluster(), 'bad-hostpath'))?.status, 'ContainerCreating');
    await cluster().kubectlOk(['delete', 'pod', 'bad-hostpath', '--wait=true', '--timeout=60s']);
  });

  it('reports a missing configMap key as CreateContainerConfigError', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: missing-key
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: ['sleep', '3600']
    env:
    - name: X
      valueFrom:
        configMapKeyRef: {name: app-config, key: nope}
`;
    await applyAndWait(cluster(), manifest, 'missing-key', /^CreateContainerConfigError$/);
    const msg = await cluster().kubectlOk(['get', 'pod', 'missing-key', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.message}']);
    assert.equal(msg, "couldn't find key nope in ConfigMap default/app-config");
    await cluster().kubectlOk(['delete', 'pod', 'missing-key', '--wait=true', '--timeout=60s']);
  });
});
