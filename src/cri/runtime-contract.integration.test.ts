// Runs the CRI runtime contract against src/cri/client.ts on a real containerd (as src/containerd/runtime.integration.test.ts starts one).

import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildBusyboxArchive } from '../../test/images/busybox.js';
import { bridgeNameFor } from '../containerd/cni.js';
import { cleanupRuntime, mountsUnder } from '../containerd/cleanup.js';
import { importImages } from '../containerd/images.js';
import { buildAndImportPauseImage } from '../containerd/pause-image.js';
import { startContainerd } from '../containerd/supervisor.js';
import { createCriClient } from './client.js';
import { criRuntimeContract } from './testing/runtime-contract.js';

const runnable = process.getuid?.() === 0 && existsSync('/usr/bin/containerd');

criRuntimeContract(
  'cri/client.ts on containerd',
  async () => {
    const dataDir = await mkdtemp('/tmp/k1s-cri-contract-');
    const containerd = await startContainerd({ dataDir, bridge: bridgeNameFor(dataDir), podCidr: `10.203.${randomInt(0, 255)}.0/24` });
    await buildAndImportPauseImage(containerd.endpoint, containerd.paths.images);
    const tar = join(dataDir, 'busybox.tar');
    await buildBusyboxArchive(tar);
    await importImages(containerd.endpoint, [tar]);
    const cri = createCriClient(containerd.endpoint);
    const logRoot = join(dataDir, 'pods');
    await mkdir(logRoot, { recursive: true });
    return {
      runtime: { ...cri.runtime, ...cri.images },
      image: 'docker.io/library/busybox:1.36',
      logRoot,
      close: async () => {
        cri.close();
        const report = await cleanupRuntime({ dataDir, containerd });
        assert.deepEqual(report.errors, []);
        assert.deepEqual(mountsUnder([dataDir]), [], 'no rootfs, shm or netns mount left');
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
  runnable ? false : 'needs root and /usr/bin/containerd',
);
