/** Tests of du-style disk usage and the per-pod storage and process figures (stats/fs-usage.ts, stats/pod-storage-stats.ts) on a temp dir. */
import assert from 'node:assert/strict';
import { link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import type { CriContainer } from '../../cri/types.js';
import { etcHostsPath, podLogDir, volumeDir, type KubeletPaths } from '../config/paths.js';
import { POD_UID_LABEL } from '../container/labels.js';
import { diskUsage } from './fs-usage.js';
import { addPodStorageStats, pidsCurrentPaths, podProcessCounts } from './pod-storage-stats.js';
import type { PodStats } from './summary.js';

const MiB = 1024 * 1024;
let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'k1s-storage-stats-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('diskUsage', () => {
  it('counts allocated blocks and inodes of a tree, a hard link once, and nothing for a missing path', async () => {
    const dir = join(root, 'du');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'sub', 'a'), Buffer.alloc(2 * MiB, 1));
    await link(join(dir, 'sub', 'a'), join(dir, 'a-again'));
    const u = await diskUsage(dir);
    assert.ok(u && u.usedBytes >= 2 * MiB && u.usedBytes < 2 * MiB + 64 * 1024, `about 2 MiB: ${u?.usedBytes}`);
    assert.equal(u?.inodesUsed, 3, 'dir, sub, the file (its second name is the same inode)');
    assert.equal(await diskUsage(join(root, 'missing')), undefined);
  });
});

describe('addPodStorageStats', () => {
  it('adds log usage per container, volume stats, and an ephemeral total of rootfs, logs, local ephemeral volumes and etc-hosts', async () => {
    const paths: KubeletPaths = { rootDir: join(root, 'kubelet'), podLogsDir: join(root, 'logs') };
    const pod: Pod = {
      metadata: { name: 'p', namespace: 'default', uid: 'u1' },
      spec: { containers: [{ name: 'app', image: 'busybox' }], volumes: [{ name: 'cache', emptyDir: { sizeLimit: '1Mi' } }, { name: 'creds', secret: { secretName: 's' } }] },
    };
    await mkdir(volumeDir(paths, 'u1', 'empty-dir', 'cache'), { recursive: true });
    await writeFile(join(volumeDir(paths, 'u1', 'empty-dir', 'cache'), 'fill'), Buffer.alloc(4 * MiB, 1));
    await mkdir(volumeDir(paths, 'u1', 'secret', 'creds'), { recursive: true });
    await writeFile(join(volumeDir(paths, 'u1', 'secret', 'creds'), 'token'), Buffer.alloc(MiB, 1));
    await mkdir(join(podLogDir(paths, pod), 'app'), { recursive: true });
    await writeFile(join(podLogDir(paths, pod), 'app', '0.log'), Buffer.alloc(MiB, 1));
    await writeFile(etcHostsPath(paths, 'u1'), Buffer.alloc(8192, 1));
    const stats: PodStats = { podRef: { name: 'p', namespace: 'default', uid: 'u1' }, startTime: 0, containers: [{ name: 'app', startTime: 0, rootfs: { usedBytes: 2 * MiB, inodesUsed: 4 } }] };
    await addPodStorageStats(stats, pod, paths);
    const cache = stats.volumeStats?.find((v) => v.name === 'cache')?.usedBytes ?? 0;
    const creds = stats.volumeStats?.find((v) => v.name === 'creds')?.usedBytes ?? 0;
    const logs = stats.containers[0]?.logs?.usedBytes ?? 0;
    assert.ok(cache >= 4 * MiB && creds >= MiB && logs >= MiB, `cache ${cache}, creds ${creds}, logs ${logs}`);
    // A secret is not a local ephemeral volume (upstream mounts it on tmpfs): it is not in the pod total.
    assert.equal(stats.ephemeralStorage?.usedBytes, 2 * MiB + logs + cache + 8192);
  });
});

describe('podProcessCounts', () => {
  it('sums pids.current of the running containers of each pod', async () => {
    const files = new Map([
      [pidsCurrentPaths('c1', '/cg')[0]!, '3\n'],
      [pidsCurrentPaths('c2', '/cg')[1]!, '5\n'],
      [pidsCurrentPaths('c3', '/cg')[0]!, '100\n'],
    ]);
    const c = (id: string, uid: string, state: CriContainer['state']): CriContainer => ({ id, podSandboxId: 's', imageRef: 'i', state, createdAt: 0, labels: { [POD_UID_LABEL]: uid }, annotations: {} });
    const read = async (p: string): Promise<string> => {
      const v = files.get(p);
      if (v === undefined) throw new Error('ENOENT');
      return v;
    };
    const counts = await podProcessCounts([c('c1', 'a', 'CONTAINER_RUNNING'), c('c2', 'a', 'CONTAINER_RUNNING'), c('c3', 'b', 'CONTAINER_EXITED')], read, '/cg');
    assert.deepEqual([...counts], [['a', 8]]);
  });
});
