import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule } from '../../api/rbac.js';
import { breakdownRule, compactString, covers, escalationError } from './rbac-escalation.js';

const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({ verbs, apiGroups, resources, ...(resourceNames ? { resourceNames } : {}) });

describe('RBAC escalation checks', () => {
  it('breaks rules down to one group, resource, verb and name each', () => {
    assert.deepEqual(breakdownRule(r(['get', 'list'], [''], ['pods'], ['a'])), [r(['get'], [''], ['pods'], ['a']), r(['list'], [''], ['pods'], ['a'])]);
    assert.deepEqual(breakdownRule({ verbs: ['get'], nonResourceURLs: ['/a', '/b'] }), [{ nonResourceURLs: ['/a'], verbs: ['get'] }, { nonResourceURLs: ['/b'], verbs: ['get'] }]);
  });

  it('covers with stars, */subresource, names and URL prefixes', () => {
    assert.deepEqual(covers([r(['*'], ['*'], ['*'])], [r(['delete'], ['apps'], ['deployments/scale'])]), []);
    assert.deepEqual(covers([r(['get'], [''], ['*/status'])], [r(['get'], [''], ['pods/status'])]), []);
    assert.deepEqual(covers([r(['get'], [''], ['pods'], ['web'])], [r(['get'], [''], ['pods'])]), [r(['get'], [''], ['pods'])]);
    assert.deepEqual(covers([r(['get'], [''], ['pods'])], [r(['get'], [''], ['pods'], ['web'])]), []);
    assert.deepEqual(covers([{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }]), []);
  });

  it('names what is missing compactly, sorted, with the user and groups as Go quotes them', () => {
    assert.equal(compactString({ verbs: ['get'], nonResourceURLs: ['/x'] }), '{NonResourceURLs:["/x"], Verbs:["get"]}');
    const deps = { authorizer: undefined as never, roleRules: () => [], rulesFor: () => ({ rules: [r(['get'], [''], ['pods'])], errors: [] }) };
    const user = { username: 'ann', uid: '', groups: ['dev', 'system:authenticated'], extra: {} };
    assert.equal(
      escalationError(deps, user, 'ns', [r(['get', 'delete', 'list'], [''], ['pods', 'secrets'])]),
      'user "ann" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["delete" "list"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete" "list"]}',
    );
    assert.equal(escalationError(deps, user, 'ns', [r(['get'], [''], ['pods'])]), undefined);
  });
});
