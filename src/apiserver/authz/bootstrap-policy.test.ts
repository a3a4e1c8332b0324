import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ClusterRole, ClusterRoleBinding } from '../../api/rbac.js';
import { coreStrategies } from '../../registry/index.js';
import { SqliteStore } from '../../storage/sqlite.js';
import { listEverything } from '../list.js';
import { defaultPatchOps } from '../patch-adapter.js';
import { Resources } from '../resources.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles, ensureBootstrapPolicy } from './bootstrap-policy.js';

describe('default RBAC policy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-bootstrap-policy-'));
  const store = new SqliteStore(join(dir, 'state.db'), { compactIntervalMs: 0 });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const resources = new Resources(coreStrategies(), { store, clock: () => new Date(), patch: defaultPatchOps });
  const clusterRoles = resources.lookup('rbac.authorization.k8s.io', 'v1', 'clusterroles')!;
  const clusterRoleBindings = resources.lookup('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings')!;

  it('creates every default role and binding once; a second start changes nothing', async () => {
    await ensureBootstrapPolicy({ clusterRoles, clusterRoleBindings });
    const rv = store.currentRevision();
    await ensureBootstrapPolicy({ clusterRoles, clusterRoleBindings });
    assert.equal(store.currentRevision(), rv);
    const roles = await clusterRoles.list('', listEverything());
    assert.deepEqual(roles.items.map((r) => r.metadata.name).sort(), bootstrapClusterRoles().map((r) => r.metadata.name).sort());
    const admin = (await clusterRoles.get('', 'cluster-admin')) as ClusterRole;
    assert.deepEqual(admin.rules, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }]);
    assert.deepEqual(admin.metadata.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    assert.deepEqual(admin.metadata.annotations, { 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    const masters = (await clusterRoleBindings.get('', 'cluster-admin')) as ClusterRoleBinding;
    assert.deepEqual(masters.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
    for (const b of bootstrapClusterRoleBindings()) assert.ok(bootstrapClusterRoles().some((r) => r.metadata.name === b.roleRef.name), `${b.metadata.name} grants a default role`);
  });

  it('puts back what a default role lost, unless autoupdate is "false"', async () => {
    const basic = (await clusterRoles.get('', 'system:basic-user')) as ClusterRole;
    await clusterRoles.update('', 'system:basic-user', { ...basic, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }, { dryRun: false });
    await ensureBootstrapPolicy({ clusterRoles, clusterRoleBindings });
    const back = (await clusterRoles.get('', 'system:basic-user')) as ClusterRole;
    assert.deepEqual(back.rules, [
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ]);
    const pinned = (await clusterRoles.get('', 'system:discovery')) as ClusterRole;
    await clusterRoles.update('', 'system:discovery', { ...pinned, metadata: { ...pinned.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, rules: [] }, { dryRun: false });
    await ensureBootstrapPolicy({ clusterRoles, clusterRoleBindings });
    assert.deepEqual(((await clusterRoles.get('', 'system:discovery')) as ClusterRole).rules, []);
  });
});
