// Tests of the volume plugins in temp dirs: atomic writer layout, hostPath types, emptyDir, configMap/secret volumes.

import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ConfigMap, Secret } from '../../api/types.js';
import type { EnvFacts, ObjectSource } from '../container/env.js';
import { makePod } from '../testing/builders.js';
import { writeAtomic } from './atomic-writer.js';
import { setUpHostPath } from './host-path.js';
import { VolumeManager } from './volume-manager.js';

const root = mkdtempSync(join(tmpdir(), 'volumes-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
const facts: EnvFacts = { podIP: '10.0.0.1', podIPs: ['10.0.0.1'], hostIP: '127.0.0.1', nodeName: 'n', allocatable: {} };

test('writeAtomic lays out ..data, a timestamped dir and per-key symlinks', async () => {
  const dir = join(root, 'aw');
  await writeAtomic(dir, new Map([['a.txt', { data: Buffer.from('A'), mode: 0o644 }], ['sub/b', { data: Buffer.from('B'), mode: 0o400 }]]));
  const ts = readlinkSync(join(dir, '..data'));
  assert.match(ts, /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\w+$/);
  assert.equal(readlinkSync(join(dir, 'a.txt')), '..data/a.txt');
  assert.equal(readFileSync(join(dir, 'sub', 'b'), 'utf8'), 'B');
  assert.equal(statSync(join(dir, ts, 'sub', 'b')).mode & 0o777, 0o400);
  const unchanged = await writeAtomic(dir, new Map([['a.txt', { data: Buffer.from('A'), mode: 0o644 }], ['sub/b', { data: Buffer.from('B'), mode: 0o400 }]]));
  assert.equal(unchanged, false);
  await writeAtomic(dir, new Map([['a.txt', { data: Buffer.from('A2'), mode: 0o644 }]]));
  assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'A2');
  assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('..')), ['a.txt']);
  assert.equal(readdirSync(dir).filter((n) => n.startsWith('..') && n !== '..data').length, 1, 'old timestamped dir removed');
});

test('setUpHostPath checks and creates per type with upstream messages', async () => {
  const file = join(root, 'hp-file');
  writeFileSync(file, 'x');
  await assert.rejects(setUpHostPath(file, 'Directory'), { message: `hostPath type check failed: ${file} is not a directory` });
  await assert.rejects(setUpHostPath(root, 'File'), { message: `hostPath type check failed: ${root} is not a file` });
  await assert.rejects(setUpHostPath(file, 'Socket'), { message: `hostPath type check failed: ${file} is not a socket file` });
  const created = join(root, 'hp-new', 'deep');
  await setUpHostPath(created, 'DirectoryOrCreate');
  assert.ok(statSync(created).isDirectory());
  await setUpHostPath(join(root, 'hp-touch'), 'FileOrCreate');
  assert.ok(statSync(join(root, 'hp-touch')).isFile());
  assert.equal(await setUpHostPath('/nonexistent/unchecked', ''), '/nonexistent/unchecked');
});

const objects: ObjectSource = {
  getConfigMap: async (_ns, name) => (name === 'cm' ? ({ metadata: { name }, data: { 'app.conf': 'x=1', other: 'y' } } as ConfigMap) : undefined),
  getSecret: async (_ns, name) => (name === 's' ? ({ metadata: { name }, data: { token: Buffer.from('t0k').toString('base64') } } as Secret) : undefined),
};

test('VolumeManager sets up emptyDir 0777, configMap items with modes, secrets and reports missing sources', async () => {
  const vm = new VolumeManager({ rootDir: join(root, 'kubelet'), podLogsDir: join(root, 'logs') }, objects, undefined);
  const pod = makePod('p', ['a'], {
    volumes: [
      { name: 'scratch', emptyDir: {} },
      { name: 'conf', configMap: { name: 'cm', items: [{ key: 'app.conf', path: 'etc/app.conf', mode: 0o600 }] } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
      { name: 'gone', configMap: { name: 'missing' } },
      { name: 'maybe', configMap: { name: 'missing', optional: true } },
      { name: 'badkey', configMap: { name: 'cm', items: [{ key: 'nokey', path: 'x' }] } },
    ],
  });
  const res = await vm.setUpPodVolumes(pod, facts);
  const scratch = res.mounted.get('scratch')!;
  assert.equal(scratch.hostPath, join(root, 'kubelet', 'pods', 'uid-p', 'volumes', 'kubernetes.io~empty-dir', 'scratch'));
  assert.equal(statSync(scratch.hostPath).mode & 0o777, 0o777);
  const conf = res.mounted.get('conf')!;
  assert.equal(conf.readOnly, true);
  assert.equal(readFileSync(join(conf.hostPath, 'etc', 'app.conf'), 'utf8'), 'x=1');
  assert.equal(statSync(join(conf.hostPath, 'etc', 'app.conf')).mode & 0o777, 0o600);
  assert.equal(lstatSync(join(conf.hostPath, 'etc')).isSymbolicLink(), true);
  assert.equal(readFileSync(join(res.mounted.get('sec')!.hostPath, 'token'), 'utf8'), 't0k');
  assert.ok(res.mounted.has('maybe'));
  assert.deepEqual(res.errors, [
    { volume: 'gone', message: 'configmap "missing" not found' },
    { volume: 'badkey', message: 'configmap references non-existent config key: nokey' },
  ]);
  await vm.tearDownPod('uid-p');
  assert.throws(() => statSync(join(root, 'kubelet', 'pods', 'uid-p')));
});

test('VolumeManager renders downwardAPI labels as sorted key="value" lines', async () => {
  const vm = new VolumeManager({ rootDir: join(root, 'kubelet2'), podLogsDir: join(root, 'logs') }, objects, undefined);
  const pod = makePod('p', ['a'], { volumes: [{ name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }] });
  pod.metadata.labels = { zone: 'b', app: 'web' };
  const res = await vm.setUpPodVolumes(pod, facts);
  const dir = res.mounted.get('info')!.hostPath;
  assert.equal(readFileSync(join(dir, 'labels'), 'utf8'), 'app="web"\nzone="b"');
  assert.equal(readFileSync(join(dir, 'name'), 'utf8'), 'p');
});
