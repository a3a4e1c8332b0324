/**
 * Image garbage collection on demand: the eviction manager's DeleteUnusedImages under disk pressure removes every
 * image no container (running or exited) uses, that is not the pod sandbox image, and that was first seen at least
 * the minimum age ago.
 *
 * Mirrors `pkg/kubelet/images/image_gc_manager.go` (realImageGCManager.DeleteUnusedImages → freeSpace with an
 * unbounded goal; detectImages records when each image was first detected; ImageMinimumGCAge defaults to 2m;
 * pinned images — here the sandbox image, which containerd 1.6 does not pin — are never removed).
 */
import type { Clock } from '../../api/clock.js';
import type { ImageService, RuntimeService } from '../../cri/types.js';

/** ImageGCPolicy.MinAge default: an image first detected less than this long ago is kept, ms. */
export const IMAGE_MINIMUM_GC_AGE_MS = 2 * 60_000;

/** Options of {@link ImageGCManager}. */
export interface ImageGCOptions {
  runtime: Pick<RuntimeService, 'listContainers'>;
  images: Pick<ImageService, 'listImages' | 'removeImage'>;
  clock: Clock;
  /** Image names or ids never removed (the pod sandbox image). */
  pinned?: readonly string[];
  minAgeMs?: number;
  log?: (msg: string) => void;
}

/** The image GC manager's state: when each image was first detected. */
export class ImageGCManager {
  private readonly firstDetected = new Map<string, number>();

  constructor(private readonly o: ImageGCOptions) {}

  /** detectImages: records the first-detection time of images not seen before; returns the images and those in use. */
  async detectImages(): Promise<{ images: Awaited<ReturnType<ImageGCOptions['images']['listImages']>>; inUse: Set<string> }> {
    const [images, containers] = await Promise.all([this.o.images.listImages(), this.o.runtime.listContainers()]);
    const now = this.o.clock.now();
    const present = new Set(images.map((i) => i.id));
    for (const id of [...this.firstDetected.keys()]) if (!present.has(id)) this.firstDetected.delete(id);
    for (const i of images) if (!this.firstDetected.has(i.id)) this.firstDetected.set(i.id, now);
    const inUse = new Set<string>();
    for (const c of containers) {
      inUse.add(c.imageRef);
      if (c.image?.image) inUse.add(c.image.image);
    }
    return { images, inUse };
  }

  /**
   * DeleteUnusedImages: removes every unused, unpinned image old enough. Returns the ids removed and the bytes
   * they held (the images' sizes). A removal that fails is logged and the others go on.
   */
  async deleteUnusedImages(): Promise<{ removed: string[]; bytes: number }> {
    const { images, inUse } = await this.detectImages();
    const pinned = new Set(this.o.pinned ?? []);
    const now = this.o.clock.now();
    const minAge = this.o.minAgeMs ?? IMAGE_MINIMUM_GC_AGE_MS;
    const removed: string[] = [];
    let bytes = 0;
    for (const i of images) {
      const names = [i.id, ...i.repoTags, ...i.repoDigests];
      if (names.some((n) => inUse.has(n) || pinned.has(n))) continue;
      if (now - (this.firstDetected.get(i.id) ?? now) < minAge) continue;
      try {
        await this.o.images.removeImage(i.id);
        removed.push(i.id);
        bytes += i.size;
      } catch (err) {
        this.o.log?.(`image gc: removing image ${i.repoTags[0] ?? i.id}: ${(err as Error).message}`);
      }
    }
    if (removed.length) this.o.log?.(`image gc: removed ${removed.length} unused images, ${bytes} bytes`);
    return { removed, bytes };
  }
}
