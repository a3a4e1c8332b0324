// Integration test: the kubelet (in-memory API) drives a real containerd: init, sidecar, shared volume, logs, exec, deletion.

import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { buildBusyboxArchive } from '../../test/images/busybox.js';
import type { Event, Pod } from '../api/types.js';
import { bridgeNameFor } from '../containerd/cni.js';
import { cleanupRuntime, mountsUnder } from '../containerd/cleanup.js';
import { importImages } from '../containerd/images.js';
import { buildAndImportPauseImage } from '../containerd/pause-image.js';
import { startContainerd, type ContainerdProcess } from '../containerd/supervisor.js';
import { createCriClient, type CriClient } from '../cri/client.js';
import { startKubelet, type Kubelet } from './kubelet.js';
import { unframe } from './server/remote-command.js';
import { FakeApi } from './testing/fake-api.js';

const runnable = process.getuid?.() === 0 && existsSync('/usr/bin/containerd');

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exec(port: number, pod: string, container: string, query: string, stdin?: string, closeStdin = false): Promise<{ out: string; status: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/exec/default/${pod}/${container}?${query}`, ['v5.channel.k8s.io']);
    let out = '';
    let status = '';
    ws.on('open', () => {
      if (stdin !== undefined) ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(stdin)]));
      if (closeStdin) ws.send(Buffer.from([255, 0]));
    });
    ws.on('message', (data: Buffer) => {
      const f = unframe(data);
      if (!f) return;
      if (f.stream === 1 || f.stream === 2) out += f.payload.toString();
      if (f.stream === 3) status += f.payload.toString();
    });
    ws.on('close', () => resolve({ out, status }));
    ws.on('error', reject);
  });
}

describe('kubelet on containerd', { skip: runnable ? false : 'needs root and /usr/bin/containerd' }, () => {
  let dataDir = '';
  let containerd: ContainerdProcess | undefined;
  let cri: CriClient | undefined;
  let kubelet: Kubelet | undefined;
  const api = new FakeApi();

  before(async () => {
    dataDir = await mkdtemp('/tmp/k1s-kubelet-');
  });

  after(async () => {
    await kubelet?.stop();
    cri?.close();
    const report = await cleanupRuntime({ dataDir, ...(containerd ? { containerd } : {}) });
    assert.deepEqual(report.errors, []);
    assert.deepEqual(mountsUnder([dataDir]), []);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a multi-container pod with init and sidecar, serves logs and exec, and deletes it in order', async () => {
    containerd = await startContainerd({ dataDir, bridge: bridgeNameFor(dataDir), podCidr: `10.202.${randomInt(0, 255)}.0/24` });
    await buildAndImportPauseImage(containerd.endpoint, containerd.paths.images);
    const tar = join(dataDir, 'busybox.tar');
    await buildBusyboxArchive(tar);
    await importImages(containerd.endpoint, [tar]);
    cri = createCriClient(containerd.endpoint);
    kubelet = await startKubelet({
      client: api,
      runtime: cri.runtime,
      images: cri.images,
      nodeName: 'node1',
      rootDir: join(dataDir, 'kubelet'),
      podLogsDir: join(dataDir, 'pod-logs'),
      server: { host: '127.0.0.1', port: 0 },
      resyncMs: 1000,
      log: (m) => console.log(`kubelet: ${m}`),
    });

    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'multi', namespace: 'default' },
      spec: {
        nodeName: 'node1',
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 3,
        volumes: [{ name: 'shared', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } }],
        initContainers: [
          { name: 'init', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo prepared > /work/index.html; echo init done'], volumeMounts: [{ name: 'shared', mountPath: '/work' }] },
          { name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always', command: ['sh', '-c', 'trap "exit 0" TERM; httpd -f -p 8080 -h /work & wait'], volumeMounts: [{ name: 'shared', mountPath: '/work' }] },
        ],
        containers: [
          { name: 'app', image: 'busybox:1.36', env: [{ name: 'GREETING', value: 'hi' }, { name: 'MSG', value: '$(GREETING) there' }], command: ['sh', '-c', 'trap "exit 0" TERM; until wget -qO- http://127.0.0.1:8080/index.html; do sleep 0.2; done; echo "$MSG"; echo bye > /dev/termination-log; while true; do sleep 1; done'], volumeMounts: [{ name: 'mem', mountPath: '/mem' }] },
          { name: 'reader', image: 'busybox:1.36', command: ['sh', '-c', 'trap "exit 0" TERM; cat /work/index.html; hostname; while true; do sleep 1; done'], volumeMounts: [{ name: 'shared', mountPath: '/work', readOnly: true }] },
        ],
      },
    };
    const created = api.seed('pods', pod);
    const running = await until('pod Running', () => {
      const p = api.find<Pod>('pods', 'default', 'multi');
      return p?.status?.phase === 'Running' && p.status.containerStatuses?.every((c) => c.ready) ? p : undefined;
    });
    assert.equal(running.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(running.status?.initContainerStatuses?.[1]?.started, true);
    assert.match(running.status?.containerStatuses?.[0]?.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
    assert.ok(running.status?.podIP?.startsWith('10.202.'));

    const logs = await until('app log', async () => {
      const res = await fetch(`http://127.0.0.1:${kubelet!.port}/containerLogs/default/multi/app`);
      const text = await res.text();
      return text.includes('hi there') ? text : undefined;
    });
    assert.equal(logs, 'prepared\nhi there\n');
    const reader = await (await fetch(`http://127.0.0.1:${kubelet.port}/containerLogs/default/multi/reader`)).text();
    assert.equal(reader, 'prepared\nmulti\n');

    const e1 = await exec(kubelet.port, 'multi', 'app', 'command=sh&command=-c&command=cat%20/etc/hosts%3B%20ls%20-d%20/mem%3B%20exit%204&stdout=true&stderr=true');
    assert.match(e1.out, /Kubernetes-managed hosts file/);
    assert.match(e1.out, /\tmulti\n/);
    assert.equal(JSON.parse(e1.status).details.causes[0].message, '4');
    const e2 = await exec(kubelet.port, 'multi', 'reader', 'command=sh&stdin=true&stdout=true&tty=true', 'echo $((6*7)); exit\n');
    assert.match(e2.out, /42/);
    const e3 = await exec(kubelet.port, 'multi', 'app', 'command=wc&command=-l&stdin=true&stdout=true&stderr=true', 'a\nb\n', true);
    assert.deepEqual([e3.out.trim(), e3.status], ['2', '{"metadata":{},"status":"Success"}']);

    const deleting = api.find<Pod>('pods', 'default', 'multi')!;
    deleting.metadata.deletionTimestamp = new Date().toISOString();
    deleting.metadata.deletionGracePeriodSeconds = 3;
    api.put('pods', deleting);
    await until('pod object removed', () => !api.find('pods', 'default', 'multi'), 30_000);
    assert.ok(api.calls.includes('DELETE pods multi grace=0'));
    assert.deepEqual(await cri.runtime.listPodSandbox(), []);
    assert.deepEqual(mountsUnder([join(dataDir, 'kubelet')]), [], 'tmpfs emptyDir unmounted');
    const events = [...api.objects.values()].filter((o): o is Event => o.kind === 'Event' && (o as Event).involvedObject.uid === created.metadata.uid);
    const reasons = new Set(events.map((e) => e.reason));
    for (const r of ['Pulled', 'Created', 'Started', 'Killing']) assert.ok(reasons.has(r), `event ${r}`);
  });
});
