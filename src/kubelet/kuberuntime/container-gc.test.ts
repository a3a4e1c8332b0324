/** Tests of on-demand container garbage collection (kuberuntime/container-gc.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CriContainer } from '../../cri/types.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../container/labels.js';
import { deleteAllUnusedContainers, evictableContainers } from './container-gc.js';

const c = (id: string, uid: string, name: string, state: CriContainer['state'], createdAt: number): CriContainer => ({
  id,
  podSandboxId: `sandbox-${uid}`,
  imageRef: 'sha256:busy',
  state,
  createdAt,
  labels: { [POD_UID_LABEL]: uid, [CONTAINER_NAME_LABEL]: name },
  annotations: {},
});

describe('evictableContainers', () => {
  const list = [
    c('a-run', 'active', 'app', 'CONTAINER_RUNNING', 30),
    c('a-old', 'active', 'app', 'CONTAINER_EXITED', 10),
    c('a-prev', 'active', 'app', 'CONTAINER_EXITED', 20),
    c('a-init', 'active', 'init', 'CONTAINER_EXITED', 5),
    c('d-app', 'done', 'app', 'CONTAINER_EXITED', 40),
    c('d-side', 'done', 'side', 'CONTAINER_EXITED', 41),
  ];
  it('keeps the newest exited container of each name of an active pod, and removes all exited containers of other pods', () => {
    assert.deepEqual(evictableContainers(list, (uid) => uid === 'active').sort(), ['a-old', 'd-app', 'd-side']);
  });
  it('removes them through the runtime and counts what went', async () => {
    const removed: string[] = [];
    const n = await deleteAllUnusedContainers({ listContainers: async () => list, removeContainer: async (id) => void removed.push(id) }, (uid) => uid === 'active');
    assert.equal(n, 3);
    assert.deepEqual(removed.sort(), ['a-old', 'd-app', 'd-side']);
  });
});
