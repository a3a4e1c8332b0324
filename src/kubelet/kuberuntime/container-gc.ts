/**
 * Container garbage collection on demand: the eviction manager's DeleteAllUnusedContainers under disk pressure
 * removes the dead containers that are not worth keeping, freeing their writable layers and logs.
 *
 * Mirrors `pkg/kubelet/kuberuntime/kuberuntime_gc.go` GarbageCollect with evictNonDeletedPods=true and the
 * kubelet's default policy (MinAge 0, MaxPerPodContainer 1): a pod whose runtime may be removed (no longer an
 * active pod: terminal, evicted or gone) loses all its exited containers; an active pod keeps the newest exited
 * container of each container name (the one `kubectl logs --previous` reads) and loses the older ones.
 */
import type { RuntimeService } from '../../cri/types.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../container/labels.js';

/** The exited containers GarbageCollect removes, given which pod uids are still active. Pure. */
export function evictableContainers(containers: Awaited<ReturnType<RuntimeService['listContainers']>>, isActive: (uid: string) => boolean): string[] {
  const byKey = new Map<string, typeof containers>();
  for (const c of containers) {
    if (c.state !== 'CONTAINER_EXITED') continue;
    const uid = c.labels[POD_UID_LABEL] ?? '';
    const key = `${uid}/${c.labels[CONTAINER_NAME_LABEL] ?? c.metadata?.name ?? ''}`;
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  const out: string[] = [];
  for (const [key, list] of byKey) {
    const uid = key.slice(0, key.indexOf('/'));
    const newestFirst = [...list].sort((a, b) => b.createdAt - a.createdAt);
    out.push(...newestFirst.slice(uid !== '' && isActive(uid) ? 1 : 0).map((c) => c.id));
  }
  return out;
}

/** DeleteAllUnusedContainers: removes the evictable containers; returns how many were removed. Failures are skipped. */
export async function deleteAllUnusedContainers(runtime: Pick<RuntimeService, 'listContainers' | 'removeContainer'>, isActive: (uid: string) => boolean): Promise<number> {
  let n = 0;
  for (const id of evictableContainers(await runtime.listContainers(), isActive)) {
    try {
      await runtime.removeContainer(id);
      n++;
    } catch {
      // already gone, or the runtime refused: the next pass retries
    }
  }
  return n;
}
