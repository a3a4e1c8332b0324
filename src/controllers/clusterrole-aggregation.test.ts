import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterRole, PolicyRule } from '../api/rbac.js';
import { aggregatedRules } from './clusterrole-aggregation.js';

const role = (name: string, labels: Record<string, string>, rules: PolicyRule[], agg?: string): ClusterRole => ({
  metadata: { name, labels },
  rules,
  ...(agg ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [agg]: 'true' } }] } } : {}),
});

test('aggregatedRules unions the rules of the matching roles in name order, without duplicates or itself', () => {
  const get = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  const list = { verbs: ['list'], apiGroups: [''], resources: ['pods'] };
  const view = role('view', { 'aggregate-to-edit': 'true' }, [], 'aggregate-to-view');
  const roles = [
    view,
    role('z-extra', { 'aggregate-to-view': 'true' }, [list, get]),
    role('a-base', { 'aggregate-to-view': 'true' }, [get]),
    role('unrelated', {}, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
  ];
  assert.deepEqual(aggregatedRules(view, roles), [get, list]);
  assert.equal(aggregatedRules(role('plain', {}, []), roles), undefined);
  assert.deepEqual(aggregatedRules(role('edit', {}, [], 'aggregate-to-edit'), roles), []);
});
