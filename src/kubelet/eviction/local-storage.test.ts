/** Tests of local ephemeral storage limits and their eviction messages (eviction/local-storage.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container, Pod } from '../../api/types.js';
import type { PodStats } from '../stats/summary.js';
import { hasLocalStorageLimit, localStorageViolation, podResourceTotal } from './local-storage.js';

const Mi = 1024 ** 2;

const container = (name: string, limit?: string): Container => ({ name, image: 'busybox', ...(limit ? { resources: { limits: { 'ephemeral-storage': limit } } } : {}) });

function pod(containers: Container[], volumes: Pod['spec']['volumes'] = []): Pod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'p' }, spec: { containers, volumes } };
}

function stats(containers: { name: string; rootfs: number; logs: number }[], volumes: Record<string, number> = {}, total?: number): PodStats {
  const sum = containers.reduce((n, c) => n + c.rootfs + c.logs, 0) + Object.values(volumes).reduce((n, v) => n + v, 0);
  return {
    podRef: { name: 'p', namespace: 'default', uid: 'p' },
    startTime: 0,
    containers: containers.map((c) => ({ name: c.name, startTime: 0, rootfs: { usedBytes: c.rootfs }, logs: { usedBytes: c.logs } })),
    volumeStats: Object.entries(volumes).map(([name, usedBytes]) => ({ name, usedBytes })),
    ephemeralStorage: { usedBytes: total ?? sum },
  };
}

describe('localStorageViolation', () => {
  it('names an emptyDir whose usage exceeds its sizeLimit, with the limit as written', () => {
    const p = pod([container('app')], [{ name: 'cache', emptyDir: { sizeLimit: '1Mi' } }]);
    assert.equal(localStorageViolation(p, stats([{ name: 'app', rootfs: 0, logs: 0 }], { cache: 4 * Mi }), false), 'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ');
    assert.equal(localStorageViolation(p, stats([{ name: 'app', rootfs: 0, logs: 0 }], { cache: Mi }), false), undefined, 'usage equal to the limit is within it');
  });
  it('checks the pod total against the sum of its containers\' limits before any one container', () => {
    const p = pod([container('app', '1Mi')]);
    assert.equal(localStorageViolation(p, stats([{ name: 'app', rootfs: 4 * Mi, logs: 0 }]), false), 'Pod ephemeral local storage usage exceeds the total limit of containers 1Mi. ');
  });
  it('names the container over its own limit when the pod total is within the containers\' sum', () => {
    const p = pod([container('writer', '2Mi'), container('idle', '4Mi')]);
    const s = stats([{ name: 'writer', rootfs: 3 * Mi, logs: 4096 }, { name: 'idle', rootfs: 0, logs: 0 }]);
    assert.equal(localStorageViolation(p, s, false), 'Container writer exceeded its local ephemeral storage limit "2Mi". ');
    assert.equal(localStorageViolation(p, s, true), undefined, 'with a dedicated imagefs only the logs count against the container');
  });
  it('prints quantities as Quantity.String does', () => {
    const p = pod([container('app', '1000k')]);
    assert.equal(localStorageViolation(p, stats([{ name: 'app', rootfs: 2 * Mi, logs: 0 }]), false), 'Pod ephemeral local storage usage exceeds the total limit of containers 1M. ');
  });
});

describe('podResourceTotal and hasLocalStorageLimit', () => {
  it('sums app containers and takes the largest init container when more; undefined when none names the resource', () => {
    const p: Pod = { ...pod([container('a', '1Mi'), container('b', '2Mi')]), spec: { containers: [container('a', '1Mi'), container('b', '2Mi')], initContainers: [container('init', '8Mi')] } };
    assert.equal(podResourceTotal(p, 'ephemeral-storage', 'limits'), 8 * Mi);
    assert.equal(podResourceTotal(pod([container('a')]), 'ephemeral-storage', 'limits'), undefined);
  });
  it('measures only pods with an emptyDir sizeLimit or an ephemeral-storage limit', () => {
    assert.equal(hasLocalStorageLimit(pod([container('a')], [{ name: 'v', emptyDir: {} }])), false);
    assert.equal(hasLocalStorageLimit(pod([container('a')], [{ name: 'v', emptyDir: { sizeLimit: '1Mi' } }])), true);
    assert.equal(hasLocalStorageLimit(pod([container('a', '1Gi')])), true);
  });
});
