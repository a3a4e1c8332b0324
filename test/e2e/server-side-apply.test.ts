/**
 * Server-side apply end to end with the real kubectl: `apply --server-side` creates and updates, a field changed
 * by client-side apply makes a later server-side apply fail with kube's conflict message, `--force-conflicts`
 * takes the field, a field dropped from the manifest is removed, `kubectl diff` (server-side dry run) prints a
 * diff and exits 1 (0 without changes), and managedFields appear only with `--show-managed-fields`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedFieldsEntry } from '../../src/api/types.js';
import { e2eSkip, useCluster } from './harness.js';

function manifest(image: string, labels: Record<string, string>, name = 'ssa-web'): string {
  const lines = Object.entries(labels).map(([k, v]) => `    ${k}: ${v}\n`).join('');
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
${lines}spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
`;
}

type Fields = Record<string, Record<string, unknown>>;

describe('server-side apply', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-ssa' });

  const managedFields = async (name = 'ssa-web'): Promise<ManagedFieldsEntry[]> => {
    const out = await cluster().kubectlOk(['get', 'pod', name, '-o', 'json', '--show-managed-fields']);
    return (JSON.parse(out) as { metadata: { managedFields?: ManagedFieldsEntry[] } }).metadata.managedFields ?? [];
  };
  const containerFields = (e: ManagedFieldsEntry | undefined): Record<string, unknown> | undefined =>
    ((e?.fieldsV1 as Fields | undefined)?.['f:spec']?.['f:containers'] as Fields | undefined)?.['k:{"name":"app"}'];
  const image = (): Promise<string> => cluster().kubectlOk(['get', 'pod', 'ssa-web', '-o', 'jsonpath={.spec.containers[0].image}']);

  it('creates with --server-side and records the Apply manager, shown only with --show-managed-fields', async () => {
    const out = await cluster().kubectlOk(['apply', '--server-side', '-f', '-'], { input: manifest('busybox:1.36', { app: 'web', tier: 'front' }) });
    assert.equal(out.trim(), 'pod/ssa-web serverside-applied');
    const entries = await managedFields();
    const applier = entries.find((e) => e.manager === 'kubectl' && e.operation === 'Apply');
    assert.equal(applier?.apiVersion, 'v1');
    assert.equal(applier?.fieldsType, 'FieldsV1');
    assert.match(applier?.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(containerFields(applier), { '.': {}, 'f:command': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {} });
    assert.deepEqual((applier?.fieldsV1 as Fields)['f:metadata'], { 'f:labels': { 'f:app': {}, 'f:tier': {} } });
    const plain = await cluster().kubectlOk(['get', 'pod', 'ssa-web', '-o', 'yaml']);
    assert.doesNotMatch(plain, /managedFields/);
    const shown = await cluster().kubectlOk(['get', 'pod', 'ssa-web', '-o', 'yaml', '--show-managed-fields']);
    assert.match(shown, /managedFields:\n {2}- apiVersion: v1\n {4}fieldsType: FieldsV1\n {4}fieldsV1:\n/);
    assert.match(shown, /k:\{"name":"app"\}:\n\s+\.: \{\}\n/);
  });

  it('re-applies a changed image', async () => {
    const out = await cluster().kubectlOk(['apply', '--server-side', '-f', '-'], { input: manifest('busybox:1.35', { app: 'web', tier: 'front' }) });
    assert.equal(out.trim(), 'pod/ssa-web serverside-applied');
    assert.equal(await image(), 'busybox:1.35');
  });

  it('fails with 409 on a field client-side apply changed, then --force-conflicts takes it', async () => {
    await cluster().kubectlOk(['apply', '-f', '-'], { input: manifest('busybox:1.36', { app: 'web', tier: 'front' }) });
    const csa = (await managedFields()).find((e) => e.manager === 'kubectl-client-side-apply');
    assert.equal(csa?.operation, 'Update');
    assert.deepEqual(containerFields(csa), { 'f:image': {} });
    const again = manifest('busybox:1.35', { app: 'web', tier: 'front' });
    const r = await cluster().kubectl(['apply', '--server-side', '-f', '-'], { input: again });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: \.spec\.containers\[name="app"\]\.image\n/);
    assert.equal(await image(), 'busybox:1.36');
    const out = await cluster().kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', '-'], { input: again });
    assert.equal(out.trim(), 'pod/ssa-web serverside-applied');
    assert.equal(await image(), 'busybox:1.35');
    const owners = (await managedFields()).filter((e) => containerFields(e)?.['f:image'] !== undefined).map((e) => `${e.manager ?? ''}/${e.operation ?? ''}`);
    assert.deepEqual(owners, ['kubectl/Apply']);
  });

  it('removes a label the manifest no longer has', async () => {
    await cluster().kubectlOk(['apply', '--server-side', '-f', '-'], { input: manifest('busybox:1.35', { app: 'web' }) });
    const labels = await cluster().kubectlOk(['get', 'pod', 'ssa-web', '-o', 'jsonpath={.metadata.labels}']);
    assert.deepEqual(JSON.parse(labels), { app: 'web' });
  });

  it('kubectl diff exits 1 with a diff for a change and 0 without one; --dry-run=server changes nothing', async () => {
    const same = await cluster().kubectl(['diff', '--server-side', '-f', '-'], { input: manifest('busybox:1.35', { app: 'web' }) });
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, '');
    const changed = await cluster().kubectl(['diff', '--server-side', '-f', '-'], { input: manifest('busybox:1.36', { app: 'web', tier: 'back' }) });
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /^-    image: busybox:1\.35$/m);
    assert.match(changed.stdout, /^\+    image: busybox:1\.36$/m);
    assert.match(changed.stdout, /^\+    tier: back$/m);
    const clientSide = await cluster().kubectl(['diff', '-f', '-'], { input: manifest('busybox:1.36', { app: 'web' }) });
    assert.equal(clientSide.code, 1, clientSide.stderr);
    assert.match(clientSide.stdout, /^\+    image: busybox:1\.36$/m);
    const dry = await cluster().kubectlOk(['apply', '--server-side', '--dry-run=server', '-f', '-'], { input: manifest('busybox:1.36', { app: 'web' }) });
    assert.equal(dry.trim(), 'pod/ssa-web serverside-applied (server dry run)');
    assert.equal(await image(), 'busybox:1.35');
  });

  it('records the kubelet as the Update manager of the status subresource', async () => {
    await cluster().waitFor('pod ssa-web Running', async () => (await cluster().kubectlOk(['get', 'pod', 'ssa-web', '-o', 'jsonpath={.status.phase}'])) === 'Running');
    const kubelet = (await managedFields()).find((e) => e.manager === 'kubelet');
    assert.equal(kubelet?.operation, 'Update');
    assert.equal(kubelet?.subresource, 'status');
    assert.deepEqual(Object.keys(kubelet?.fieldsV1 as object), ['f:status']);
  });

  it('moves a pod created by client-side apply to server-side apply (kubectl migrates its managedFields)', async () => {
    await cluster().kubectlOk(['apply', '-f', '-'], { input: manifest('busybox:1.36', { app: 'csa', tier: 'front' }, 'csa-web') });
    const created = (await managedFields('csa-web')).map((e) => `${e.manager ?? ''}/${e.operation ?? ''}`);
    assert.ok(created.includes('kubectl-client-side-apply/Update'), created.join(' '));
    await cluster().kubectlOk(['apply', '--server-side', '-f', '-'], { input: manifest('busybox:1.36', { app: 'csa', tier: 'front' }, 'csa-web') });
    const migrated = (await managedFields('csa-web')).map((e) => `${e.manager ?? ''}/${e.operation ?? ''}`);
    assert.ok(migrated.includes('kubectl/Apply'), migrated.join(' '));
    assert.ok(!migrated.includes('kubectl-client-side-apply/Update'), migrated.join(' '));
    await cluster().kubectlOk(['apply', '--server-side', '-f', '-'], { input: manifest('busybox:1.36', { app: 'csa' }, 'csa-web') });
    const labels = await cluster().kubectlOk(['get', 'pod', 'csa-web', '-o', 'jsonpath={.metadata.labels}']);
    assert.deepEqual(JSON.parse(labels), { app: 'csa' });
  });

  it('deletes the pods', async () => {
    await cluster().kubectlOk(['delete', 'pod', 'ssa-web', 'csa-web', '--wait=true']);
  });
});
