/**
 * The volume controllers together against the real API server (no kubelet): the scheduler's volume binding, the PV
 * controller, the local-path provisioner and the protection controllers take a claim from Pending to Bound for a pod,
 * bind static volumes by class, size and access mode, and reclaim volumes by policy when claims go.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';
import { createApiClient } from '../../client/rest-client.js';
import type { ApiClient } from '../../client/types.js';
import { startLocalPathProvisioner, type LocalPathProvisioner } from '../local-path/provisioner.js';
import { startScheduler, type Scheduler } from '../scheduler.js';
import { startPVCProtectionController, startPVProtectionController, type ProtectionController } from '../volume-protection.js';
import { startPersistentVolumeController, type PersistentVolumeController } from './controller.js';

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function claim(name: string, extra: Record<string, unknown> = {}, size = '1Gi', modes = ['ReadWriteOnce']): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: modes, resources: { requests: { storage: size } }, ...extra } });
}

function podUsing(name: string, claimName: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
  });
}

describe('volume controllers against the API server', () => {
  let t: TestServer;
  let client: ApiClient;
  let base: string;
  const stops: { stop(): Promise<void> }[] = [];
  const removed: string[] = [];

  const kubectl = async (args: string[], stdin?: string): Promise<string> => {
    const r = await t.kubectl(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const jsonpath = (kind: string, name: string, path: string) => t.kubectl(['get', kind, name, '-o', `jsonpath=${path}`]).then((r) => r.stdout);
  const events = async (name: string): Promise<string[]> =>
    (await kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}'])).split('\n').filter(Boolean);

  before(async () => {
    t = await startTestServer();
    base = join(mkdtempSync(join(tmpdir(), 'k1s-local-path-')), 'storage');
    client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1', labels: { 'kubernetes.io/hostname': 'node1' } } });
    const onError = (): void => {};
    stops.push(
      startPersistentVolumeController({ client, onError, retryDelayMs: 50, resyncMs: 500, removeAll: async (p) => void removed.push(p) }) as PersistentVolumeController,
      startPVCProtectionController({ client, onError, retryDelayMs: 50 }) as ProtectionController,
      startPVProtectionController({ client, onError, retryDelayMs: 50 }) as ProtectionController,
      startLocalPathProvisioner({ client, basePath: base, nodeName: 'node1', onError, retryDelayMs: 50 }) as LocalPathProvisioner,
      startScheduler({ client, nodeName: 'node1', onError }) as Scheduler,
    );
  });
  after(async () => {
    for (const s of stops.reverse()) await s.stop();
    (client as { close?: () => void }).close?.();
    await t.close();
    rmSync(join(base, '..'), { recursive: true, force: true });
  });

  it('keeps the default local-path class', async () => {
    const row = await eventually('the local-path class', async () => (await t.kubectl(['get', 'sc', '--no-headers'])).stdout.trim());
    assert.match(row, /^local-path \(default\)\s+rancher.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+\S+$/);
  });

  it('waits for the first consumer, then provisions, binds and schedules the pod', async () => {
    await kubectl(['apply', '-f', '-'], claim('data'));
    await eventually('WaitForFirstConsumer', async () => (await events('data')).includes('WaitForFirstConsumer: waiting for first consumer to be created before binding'));
    assert.equal(await jsonpath('pvc', 'data', '{.status.phase}'), 'Pending');
    await kubectl(['apply', '-f', '-'], podUsing('app', 'data'));
    await eventually('the claim Bound', async () => (await jsonpath('pvc', 'data', '{.status.phase}')) === 'Bound');
    const uid = await jsonpath('pvc', 'data', '{.metadata.uid}');
    assert.equal(await jsonpath('pvc', 'data', '{.spec.volumeName}'), `pvc-${uid}`);
    assert.equal(await jsonpath('pvc', 'data', '{.metadata.annotations.volume\\.kubernetes\\.io/selected-node}'), 'node1');
    assert.equal(await jsonpath('pvc', 'data', '{.status.capacity.storage} {.status.accessModes}'), '1Gi ["ReadWriteOnce"]');
    const dir = join(base, `pvc-${uid}_default_data`);
    assert.equal(await jsonpath('pv', `pvc-${uid}`, '{.spec.local.path}'), dir);
    assert.equal(statSync(dir).mode & 0o777, 0o777);
    assert.equal(statSync(base).mode & 0o777, 0o700);
    assert.equal(await jsonpath('pv', `pvc-${uid}`, '{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]} {.spec.claimRef.name} {.status.phase} {.metadata.annotations.pv\\.kubernetes\\.io/provisioned-by}'), 'node1 data Bound rancher.io/local-path');
    await eventually('the pod bound to node1', async () => (await jsonpath('pod', 'app', '{.spec.nodeName}')) === 'node1');
    const reasons = (await events('data')).map((e) => e.split(':')[0]);
    for (const r of ['WaitForFirstConsumer', 'ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']) assert.ok(reasons.includes(r), `${r} in ${reasons.join(', ')}`);
    assert.ok((await events('data')).includes(`ProvisioningSucceeded: Successfully provisioned volume pvc-${uid}`));
  });

  it('keeps a claim in use Terminating; with its pod gone, Delete removes the volume and its directory', async () => {
    const uid = await jsonpath('pvc', 'data', '{.metadata.uid}');
    await kubectl(['delete', 'pvc', 'data', '--wait=false']);
    await new Promise((r) => setTimeout(r, 300));
    assert.match((await kubectl(['get', 'pvc', 'data', '--no-headers'])), /^data\s+Terminating\s/);
    await kubectl(['delete', 'pod', 'app', '--grace-period=0', '--force']);
    await eventually('the claim gone', async () => (await t.kubectl(['get', 'pvc', 'data'])).code === 1);
    await eventually('the volume gone', async () => (await t.kubectl(['get', 'pv', `pvc-${uid}`])).code === 1);
    assert.equal(existsSync(join(base, `pvc-${uid}_default_data`)), false);
  });

  it('binds a static volume by class, size and access modes, and keeps it Released under Retain', async () => {
    const pv = (name: string, size: string, modes: string[]) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: size }, accessModes: modes, storageClassName: 'manual', hostPath: { path: `/srv/${name}` } } });
    await kubectl(['apply', '-f', '-'], pv('small', '500Mi', ['ReadWriteOnce']));
    await kubectl(['apply', '-f', '-'], pv('rox', '5Gi', ['ReadOnlyMany']));
    await kubectl(['apply', '-f', '-'], pv('big', '10Gi', ['ReadWriteOnce', 'ReadOnlyMany']));
    await kubectl(['apply', '-f', '-'], pv('fits', '2Gi', ['ReadWriteOnce']));
    await eventually('static volumes Available', async () => (await jsonpath('pv', 'fits', '{.status.phase}')) === 'Available');
    await kubectl(['apply', '-f', '-'], claim('static', { storageClassName: 'manual' }));
    await eventually('the claim Bound', async () => (await jsonpath('pvc', 'static', '{.status.phase}')) === 'Bound');
    assert.equal(await jsonpath('pvc', 'static', '{.spec.volumeName} {.status.capacity.storage}'), 'fits 2Gi');
    assert.match((await kubectl(['get', 'pv', 'fits', '--no-headers'])).trim(), /^fits\s+2Gi\s+RWO\s+Retain\s+Bound\s+default\/static\s+manual\s+<unset>\s+\S+$/);
    await kubectl(['delete', 'pvc', 'static']);
    await eventually('the volume Released', async () => (await jsonpath('pv', 'fits', '{.status.phase}')) === 'Released');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await jsonpath('pv', 'fits', '{.status.phase}'), 'Released', 'Retain keeps it');
  });

  it('fails a Released hostPath volume with Delete outside /tmp as the hostPath deleter does, and deletes one under /tmp', async () => {
    const pv = (name: string, path: string) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'scratch', persistentVolumeReclaimPolicy: 'Delete', hostPath: { path } } });
    for (const [name, path] of [['srv', '/srv/scratch'], ['tmp', '/tmp/k1s-scratch']] as const) {
      await kubectl(['apply', '-f', '-'], pv(name, path));
      await kubectl(['apply', '-f', '-'], claim(`c-${name}`, { storageClassName: 'scratch', volumeName: name }));
      await eventually(`claim c-${name} Bound`, async () => (await jsonpath('pvc', `c-${name}`, '{.status.phase}')) === 'Bound');
      await kubectl(['delete', 'pvc', `c-${name}`]);
    }
    await eventually('srv Failed', async () => (await jsonpath('pv', 'srv', '{.status.phase}')) === 'Failed');
    assert.equal(await jsonpath('pv', 'srv', '{.status.message}'), 'host_path deleter only supports /tmp/.+ but received provided /srv/scratch');
    assert.ok((await events('srv')).includes('VolumeFailedDelete: host_path deleter only supports /tmp/.+ but received provided /srv/scratch'));
    await eventually('tmp deleted', async () => (await t.kubectl(['get', 'pv', 'tmp'])).code === 1);
    assert.deepEqual(removed, ['/tmp/k1s-scratch']);
  });

  it('reports a missing claim and an unbound Immediate claim in FailedScheduling as kube-scheduler does', async () => {
    await kubectl(['apply', '-f', '-'], podUsing('orphan', 'nope'));
    const msg = await eventually('FailedScheduling', async () => (await events('orphan')).find((e) => e.startsWith('FailedScheduling')));
    assert.equal(msg, 'FailedScheduling: 0/1 nodes are available: persistentvolumeclaim "nope" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
    await kubectl(['apply', '-f', '-'], claim('rwx', { storageClassName: 'none-such' }, '1Gi', ['ReadWriteMany']));
    await kubectl(['apply', '-f', '-'], podUsing('waits', 'rwx'));
    const imm = await eventually('FailedScheduling', async () => (await events('waits')).find((e) => e.startsWith('FailedScheduling')));
    assert.equal(imm, 'FailedScheduling: 0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
    assert.ok((await events('rwx')).includes('ProvisioningFailed: storageclass.storage.k8s.io "none-such" not found'));
  });
});
