// Integration test: real containerd + runc + CNI run a two-container pod sharing a directory and localhost.

import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBusyboxArchive } from '../../test/images/busybox.js';
import { createCriClient, type CriClient } from '../cri/client.js';
import type { ContainerConfig, PodSandboxConfig } from '../cri/types.js';
import { bridgeNameFor } from './cni.js';
import { cleanupRuntime, mountsUnder } from './cleanup.js';
import { importImages } from './images.js';
import { buildAndImportPauseImage } from './pause-image.js';
import { startContainerd, type ContainerdProcess } from './supervisor.js';

const runnable = process.getuid?.() === 0 && existsSync('/usr/bin/containerd');

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function shimsOf(socket: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').includes(socket);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('containerd runtime', { skip: runnable ? false : 'needs root and /usr/bin/containerd' }, () => {
  let dataDir = '';
  let containerd: ContainerdProcess | undefined;
  let cri: CriClient | undefined;
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - start);
    }
  };

  before(async () => {
    dataDir = await mkdtemp('/tmp/k1s-rt-');
  });

  after(async () => {
    cri?.close();
    const report = await cleanupRuntime({ dataDir, ...(containerd ? { containerd } : {}) });
    assert.deepEqual(report.errors, []);
    await rm(dataDir, { recursive: true, force: true });
    console.log(`runtime timings (ms): ${JSON.stringify(timings)}`);
  });

  it('runs a pod whose two busybox containers share a directory and localhost, then leaves nothing behind', async () => {
    const podCidr = `10.201.${randomInt(0, 255)}.0/24`;
    containerd = await timed('containerdStart', () => startContainerd({ dataDir, bridge: bridgeNameFor(dataDir), podCidr }));
    const { endpoint, paths } = containerd;
    await timed('pauseBuildImport', () => buildAndImportPauseImage(endpoint, paths.images));
    const busyboxTar = join(dataDir, 'busybox.tar');
    await timed('busyboxBuild', () => buildBusyboxArchive(busyboxTar));
    await timed('busyboxImport', () => importImages(endpoint, [busyboxTar]));
    cri = createCriClient(endpoint);
    const { runtime } = cri;
    assert.equal((await runtime.version()).runtimeName, 'containerd');

    const uid = randomUUID();
    const logDirectory = join(dataDir, 'pods', uid);
    const shared = join(dataDir, 'volumes', 'shared');
    await mkdir(logDirectory, { recursive: true });
    await mkdir(shared, { recursive: true });
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: 'two', uid, namespace: 'default', attempt: 0 },
      hostname: 'two',
      logDirectory,
      labels: { 'io.kubernetes.pod.name': 'two' },
      linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    const sandboxId = await timed('sandboxStart', () => runtime.runPodSandbox(sandboxConfig));
    const status = await runtime.podSandboxStatus(sandboxId);
    assert.equal(status.state, 'SANDBOX_READY');
    assert.match(status.network?.ip ?? '', new RegExp(`^${podCidr.split('.').slice(0, 3).join('\\.')}\\.`));

    const container = (name: string, script: string): ContainerConfig => ({
      metadata: { name, attempt: 0 },
      image: { image: 'docker.io/library/busybox:1.36' },
      command: ['sh', '-c', script],
      mounts: [{ containerPath: '/shared', hostPath: shared }],
      logPath: `${name}/0.log`,
    });
    const serverId = await runtime.createContainer(
      sandboxId,
      container('server', 'echo from-server > /shared/server.txt; echo server-started; exec httpd -f -p 8080 -h /shared'),
      sandboxConfig,
    );
    const clientId = await runtime.createContainer(
      sandboxId,
      container('client', 'until wget -qO- http://127.0.0.1:8080/server.txt; do sleep 0.1; done; echo from-client > /shared/client.txt; exec sleep 3600'),
      sandboxConfig,
    );
    await timed('containerStart', async () => {
      await runtime.startContainer(serverId);
      await runtime.startContainer(clientId);
    });

    await until('client.txt in the shared dir', () => (existsSync(join(shared, 'client.txt')) ? true : undefined));
    assert.equal(await readFile(join(shared, 'server.txt'), 'utf8'), 'from-server\n');
    const clientLog = await until('client log', async () => {
      const text = await readFile(join(logDirectory, 'client', '0.log'), 'utf8').catch(() => '');
      return text.includes('from-server') ? text : undefined;
    });
    assert.match(clientLog, /^\S+ stdout F from-server$/m, 'CRI log format: <RFC3339Nano> <stream> <P|F> <line>');

    const exec = await timed('execSync', () => runtime.execSync(serverId, ['sh', '-c', 'cat /shared/client.txt; hostname; echo oops >&2; exit 3'], 10));
    assert.equal(exec.stdout.toString(), 'from-client\ntwo\n');
    assert.equal(exec.stderr.toString(), 'oops\n');
    assert.equal(exec.exitCode, 3);
    const url = await runtime.exec({ containerId: serverId, cmd: ['sh'], stdin: true, stdout: true, tty: true });
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${containerd.streamPort}/exec/\\S+$`), 'streaming URL on the configured port');
    const serverStatus = await runtime.containerStatus(serverId);
    assert.equal(serverStatus.state, 'CONTAINER_RUNNING');
    assert.equal(serverStatus.logPath, join(logDirectory, 'server', '0.log'));

    // CRI stats, what the kubelet's /metrics/resource reads: cumulative CPU and the working set of each running container.
    const stats = await timed('listContainerStats', () => runtime.listContainerStats({ podSandboxId: sandboxId }));
    assert.deepEqual(stats.map((s) => s.attributes?.metadata?.name).sort(), ['client', 'server']);
    for (const s of stats) {
      assert.ok((s.cpu?.usageCoreNanoSeconds?.value ?? 0) > 0, `cumulative CPU of ${s.attributes?.metadata?.name}: ${JSON.stringify(s.cpu)}`);
      assert.ok((s.memory?.workingSetBytes?.value ?? 0) > 0, `working set of ${s.attributes?.metadata?.name}: ${JSON.stringify(s.memory)}`);
      assert.ok(Math.abs((s.cpu?.timestamp ?? 0) / 1e6 - Date.now()) < 10_000, 'sampled now (ns since the epoch)');
    }
    // containerd 1.6 implements ListPodSandboxStats from the sandbox's cgroup, which a sandbox without a cgroup
    // parent (k1s gives none) does not have: the kubelet's stats sum the containers instead (kubelet/stats).
    await assert.rejects(runtime.listPodSandboxStats(), /ListPodSandboxStats: rpc error: code = Unknown desc = failed to obtain metrics for sandbox "\w+": failed to get cgroup metrics for sandbox \w+ because cgroupPath is empty/);

    await timed('teardown', async () => {
      await runtime.stopContainer(clientId, 0);
      await runtime.stopContainer(serverId, 1);
      assert.equal((await runtime.containerStatus(clientId)).state, 'CONTAINER_EXITED');
      await runtime.removeContainer(clientId);
      await runtime.removeContainer(serverId);
      await runtime.stopPodSandbox(sandboxId);
      await runtime.removePodSandbox(sandboxId);
    });
    assert.deepEqual(await runtime.listContainers(), []);
    assert.deepEqual(await runtime.listPodSandbox(), []);
    await until('shims to exit', () => (shimsOf(paths.socket).length === 0 ? true : undefined), 10_000);
    assert.deepEqual(mountsUnder([dataDir]), [], 'no rootfs, shm or netns mount left');
  });
});
