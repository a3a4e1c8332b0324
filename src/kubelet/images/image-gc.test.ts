/** Tests of on-demand image garbage collection (images/image-gc.ts) with a fake runtime and a fake clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../api/testing/fake-clock.js';
import type { CriContainer, CriImage } from '../../cri/types.js';
import { IMAGE_MINIMUM_GC_AGE_MS, ImageGCManager } from './image-gc.js';

const image = (id: string, tag: string, size: number): CriImage => ({ id, repoTags: [tag], repoDigests: [], size });
const container = (id: string, imageRef: string, state: CriContainer['state']): CriContainer => ({ id, podSandboxId: 's', imageRef, state, createdAt: 0, labels: {}, annotations: {} });

describe('ImageGCManager.deleteUnusedImages', () => {
  it('removes images no container uses once they are older than the minimum age, keeping the pinned sandbox image', async () => {
    const clock = new FakeClock(0);
    let images = [image('sha256:busy', 'docker.io/library/busybox:1.36', 4e6), image('sha256:nginx', 'docker.io/library/nginx:1', 9e6), image('sha256:old', 'docker.io/library/old:1', 2e6), image('sha256:pause', 'k1s.local/pause:3.9', 1e5)];
    const removed: string[] = [];
    const gc = new ImageGCManager({
      runtime: { listContainers: async () => [container('c1', 'sha256:busy', 'CONTAINER_RUNNING'), container('c2', 'sha256:nginx', 'CONTAINER_EXITED')] },
      images: {
        listImages: async () => images,
        removeImage: async (id) => {
          removed.push(id);
          images = images.filter((i) => i.id !== id);
        },
      },
      clock,
      pinned: ['k1s.local/pause:3.9'],
    });
    assert.deepEqual(await gc.deleteUnusedImages(), { removed: [], bytes: 0 }, 'every image is younger than the minimum age at first detection');
    clock.advance(IMAGE_MINIMUM_GC_AGE_MS);
    assert.deepEqual(await gc.deleteUnusedImages(), { removed: ['sha256:old'], bytes: 2e6 });
    assert.deepEqual(removed, ['sha256:old'], 'images of running and exited containers, and the pinned image, stay');
  });
});
