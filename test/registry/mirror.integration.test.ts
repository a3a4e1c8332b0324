// Integration test: a --private-registry mirror with the default endpoint disabled serves pulls, and nothing else is asked.

import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCriClient } from '../../src/cri/client.js';
import { cleanupRuntime } from '../../src/containerd/cleanup.js';
import { bridgeNameFor } from '../../src/containerd/cni.js';
import { startContainerd, type ContainerdProcess } from '../../src/containerd/supervisor.js';
import { buildBusyboxArchive } from '../images/busybox.js';
import { startOciRegistry, type OciRegistry } from './oci-registry.js';

const runnable = process.getuid?.() === 0 && existsSync('/usr/bin/containerd');

describe('registry mirrors', { skip: runnable ? false : 'needs root and /usr/bin/containerd' }, () => {
  let dataDir = '';
  let registry: OciRegistry | undefined;
  let containerd: ContainerdProcess | undefined;

  before(async () => {
    dataDir = await mkdtemp('/tmp/k1s-mirror-');
    const archive = join(dataDir, 'busybox.tar');
    await buildBusyboxArchive(archive, ['docker.io/library/busybox:1.36']);
    registry = await startOciRegistry([archive]);
    containerd = await startContainerd({
      dataDir,
      bridge: bridgeNameFor(dataDir),
      podCidr: `10.202.${randomInt(0, 255)}.0/24`,
      registries: { mirrors: { 'docker.io': { endpoints: [registry.url], rewrites: {} } }, configs: {} },
      disableDefaultRegistryEndpoint: true,
      logLevel: 'debug',
    });
  });

  after(async () => {
    await cleanupRuntime({ dataDir, ...(containerd ? { containerd } : {}) });
    await registry?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('pulls "busybox:1.36" from the local mirror', async () => {
    const cri = createCriClient(containerd!.endpoint);
    try {
      const ref = await cri.images.pullImage('busybox:1.36');
      assert.match(ref, /^sha256:[0-9a-f]{64}$/);
      assert.ok(registry!.requests.some((r) => r.endsWith(' /v2/library/busybox/manifests/1.36')), registry!.requests.join('\n'));
      const image = await cri.images.imageStatus('docker.io/library/busybox:1.36');
      assert.deepEqual(image?.repoTags, ['docker.io/library/busybox:1.36']);
    } finally {
      cri.close();
    }
  });

  it('fails to pull an image missing from the mirror without asking the upstream registry', async () => {
    const cri = createCriClient(containerd!.endpoint);
    try {
      const start = Date.now();
      await assert.rejects(cri.images.pullImage('busybox:9.9'), (err: Error & { codeName?: string }) => {
        assert.match(err.message, /not found/);
        return true;
      });
      assert.ok(Date.now() - start < 5_000, 'fails fast');
      assert.ok(registry!.requests.some((r) => r.includes('/manifests/9.9')));
      const log = await readFile(containerd!.paths.log, 'utf8');
      assert.match(log, /resolving.*host="?127\.0\.0\.1:/, 'debug log shows the mirror being resolved');
      assert.doesNotMatch(log, /registry-1\.docker\.io/);
    } finally {
      cri.close();
    }
  });
});
