// Tests of fsGroup volume ownership and persistentVolumeClaim volumes in temp dirs (chown needs root).

import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ConfigMap, KubeObject } from '../../api/types.js';
import type { ApiClient } from '../../client/types.js';
import type { EnvFacts, ObjectSource } from '../container/env.js';
import { makePod } from '../testing/builders.js';
import { ownedMode, setVolumeOwnership } from './ownership.js';
import { VolumeManager } from './volume-manager.js';

const root = mkdtempSync(join(tmpdir(), 'fsgroup-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
const facts: EnvFacts = { podIP: '10.0.0.1', podIPs: ['10.0.0.1'], hostIP: '127.0.0.1', nodeName: 'n', allocatable: {} };
const asRoot = process.getuid?.() === 0 ? false : 'needs root (chown)';

const objects: ObjectSource = {
  getConfigMap: async (_ns, name) => (name === 'cm' ? ({ metadata: { name }, data: { 'app.conf': 'x=1' } } as ConfigMap) : undefined),
  getSecret: async () => undefined,
};

/** An API client serving a fixed set of objects by path (GET only). */
function staticClient(objs: Record<string, KubeObject>): ApiClient {
  const fail = (): never => {
    throw new Error('unexpected call');
  };
  return {
    get: async <T extends KubeObject>(path: string) => {
      const o = objs[path];
      if (!o) throw Object.assign(new Error(`${path} not found`), { reason: 'NotFound', code: 404 });
      return o as T;
    },
    list: fail,
    create: fail,
    update: fail,
    patch: fail,
    delete: fail,
    watch: fail,
  };
}

describe('ownedMode', () => {
  it('adds group rw (r on read-only volumes), and x with setgid on directories', () => {
    assert.equal(ownedMode(0o644, false, false), 0o664);
    assert.equal(ownedMode(0o400, false, true), 0o440);
    assert.equal(ownedMode(0o777, true, false), 0o2777);
    assert.equal(ownedMode(0o755, true, true), 0o2755);
    assert.equal(ownedMode(0o700, true, false), 0o2770);
  });
});

describe('setVolumeOwnership', { skip: asRoot }, () => {
  it('group-owns the tree, makes directories setgid and leaves symlink targets alone', async () => {
    const dir = join(root, 'own');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'f'), 'x', { mode: 0o600 });
    chmodSync(join(dir, 'sub', 'f'), 0o600);
    chmodSync(join(dir, 'sub'), 0o700);
    const outside = join(root, 'outside');
    writeFileSync(outside, 'o', { mode: 0o600 });
    symlinkSync(outside, join(dir, 'link'));
    await setVolumeOwnership(dir, 2000, { readOnly: false });
    assert.equal(statSync(join(dir, 'sub')).gid, 2000);
    assert.equal(statSync(join(dir, 'sub')).mode & 0o7777, 0o2770);
    assert.equal(statSync(join(dir, 'sub', 'f')).mode & 0o7777, 0o660);
    assert.equal(statSync(join(dir, 'sub', 'f')).gid, 2000);
    assert.equal(lstatSync(join(dir, 'link')).gid, 2000);
    assert.equal(statSync(outside).gid, 0, 'the link target is not re-grouped');
    assert.equal(statSync(outside).mode & 0o777, 0o600);
  });

  it('under OnRootMismatch skips a tree whose root already fits', async () => {
    const dir = join(root, 'mismatch');
    mkdirSync(dir);
    await setVolumeOwnership(dir, 3000, { readOnly: false });
    writeFileSync(join(dir, 'later'), 'x');
    await setVolumeOwnership(dir, 3000, { readOnly: false, policy: 'OnRootMismatch' });
    assert.equal(statSync(join(dir, 'later')).gid, 3000, 'setgid made the new file the group\'s');
    chmodSync(join(dir, 'later'), 0o600);
    await setVolumeOwnership(dir, 3000, { readOnly: false, policy: 'OnRootMismatch' });
    assert.equal(statSync(join(dir, 'later')).mode & 0o777, 0o600, 'nothing walked');
    await setVolumeOwnership(dir, 3000, { readOnly: false, policy: 'Always' });
    assert.equal(statSync(join(dir, 'later')).mode & 0o777, 0o660);
  });
});

describe('VolumeManager with fsGroup and claims', { skip: asRoot }, () => {
  it('makes an emptyDir drwxrwsrwx of the fsGroup once, and configMap files group-readable', async () => {
    const vm = new VolumeManager({ rootDir: join(root, 'kubelet'), podLogsDir: join(root, 'logs') }, objects, undefined);
    const pod = makePod('p', ['a'], { securityContext: { fsGroup: 2000 }, volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'conf', configMap: { name: 'cm', defaultMode: 0o400 } }] });
    const res = await vm.setUpPodVolumes(pod, facts);
    assert.deepEqual(res.errors, []);
    const scratch = res.mounted.get('scratch')!.hostPath;
    assert.equal(statSync(scratch).mode & 0o7777, 0o2777);
    assert.equal(statSync(scratch).gid, 2000);
    writeFileSync(join(scratch, 'mine'), 'x');
    chmodSync(join(scratch, 'mine'), 0o600);
    await vm.setUpPodVolumes(pod, facts);
    assert.equal(statSync(join(scratch, 'mine')).mode & 0o777, 0o600, 'a later sync does not walk the emptyDir again');
    assert.equal(statSync(scratch).mode & 0o7777, 0o2777, 'nor resets its mode');
    const conf = join(res.mounted.get('conf')!.hostPath, 'app.conf');
    assert.equal(statSync(conf).mode & 0o777, 0o440);
    assert.equal(statSync(conf).gid, 2000);
  });

  it('mounts a bound claim: a local volume group-owned by the fsGroup, a hostPath volume as it is, read-only when asked', async () => {
    const local = join(root, 'pvc-local');
    const host = join(root, 'pvc-host');
    mkdirSync(local, { mode: 0o777 });
    chmodSync(local, 0o777);
    mkdirSync(host, { mode: 0o755 });
    const claim = (name: string, pv: string): KubeObject => ({ metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { volumeName: pv }, status: { phase: 'Bound' } });
    const volume = (name: string, claimName: string, source: Record<string, unknown>): KubeObject => ({ metadata: { name }, spec: { claimRef: { namespace: 'default', name: claimName, uid: `uid-${claimName}` }, ...source } });
    const objs: Record<string, KubeObject> = {
      '/api/v1/namespaces/default/persistentvolumeclaims/data': claim('data', 'pv-local'),
      '/api/v1/namespaces/default/persistentvolumeclaims/logs': claim('logs', 'pv-host'),
      '/api/v1/namespaces/default/persistentvolumeclaims/pending': { metadata: { name: 'pending', namespace: 'default' }, spec: {}, status: { phase: 'Pending' } },
      '/api/v1/persistentvolumes/pv-local': volume('pv-local', 'data', { local: { path: local } }),
      '/api/v1/persistentvolumes/pv-host': volume('pv-host', 'logs', { hostPath: { path: host, type: 'Directory' } }),
    };
    const client = staticClient(objs);
    const vm = new VolumeManager({ rootDir: join(root, 'kubelet-pvc'), podLogsDir: join(root, 'logs') }, objects, client);
    const pod = makePod('q', ['a'], {
      securityContext: { fsGroup: 2000 },
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'logs', persistentVolumeClaim: { claimName: 'logs', readOnly: true } },
        { name: 'wait', persistentVolumeClaim: { claimName: 'pending' } },
        { name: 'none', persistentVolumeClaim: { claimName: 'absent' } },
      ],
    });
    const res = await vm.setUpPodVolumes(pod, facts);
    assert.deepEqual(res.mounted.get('data'), { name: 'data', hostPath: local, readOnly: false });
    assert.deepEqual(res.mounted.get('logs'), { name: 'logs', hostPath: host, readOnly: true });
    assert.equal(statSync(local).mode & 0o7777, 0o2777);
    assert.equal(statSync(local).gid, 2000);
    assert.equal(statSync(host).gid, 0, 'hostPath volumes do not support ownership management');
    assert.deepEqual(res.errors, [
      { volume: 'wait', message: 'error processing PVC default/pending: PVC is not bound' },
      { volume: 'none', message: 'error processing PVC default/absent: failed to fetch PVC from API server: /api/v1/namespaces/default/persistentvolumeclaims/absent not found' },
    ]);
    // A claim deleted while its pod runs stays mounted for that pod; a new pod may not start on it.
    objs['/api/v1/namespaces/default/persistentvolumeclaims/data']!.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    assert.deepEqual((await vm.setUpPodVolumes(pod, facts)).mounted.get('data'), { name: 'data', hostPath: local, readOnly: false });
    const other = makePod('r', ['a'], { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });
    assert.deepEqual((await vm.setUpPodVolumes(other, facts)).errors, [{ volume: 'data', message: "error processing PVC default/data: can't start pod because PVC is being deleted" }]);
  });
});
