// Runs the CRI runtime contract against the kubelet tests' FakeRuntime (the real half: runtime-contract.integration.test.ts).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRuntime } from '../kubelet/testing/fake-runtime.js';
import { realClock } from '../api/clock.js';
import { criRuntimeContract } from './testing/runtime-contract.js';

const IMAGE = 'docker.io/library/busybox:1.36';

criRuntimeContract('kubelet/testing FakeRuntime', async () => {
  const logRoot = await mkdtemp(join(tmpdir(), 'k1s-cri-contract-'));
  const runtime = new FakeRuntime(realClock);
  runtime.addImage(IMAGE);
  // What `sh -c "exit N"` does on a real runtime: the container exits at once with N.
  runtime.onStart = (c) => {
    const m = /^exit (\d+)$/.exec(c.config.command?.[2] ?? '');
    if (m) runtime.finish(c, Number(m[1]));
  };
  return { runtime, image: IMAGE, logRoot, close: () => rm(logRoot, { recursive: true, force: true }) };
});
