import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import type { AuthorizationAttributes } from '../../api/authorization.js';
import type { UserInfo } from '../../api/user.js';
import { impersonate, wantsImpersonation } from './impersonation.js';

function req(headers: Record<string, string[]>): IncomingMessage {
  return { headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(', ')])), headersDistinct: headers } as unknown as IncomingMessage;
}

const admin: UserInfo = { username: 'admin', uid: '', groups: ['system:masters', 'system:authenticated'], extra: {} };

describe('impersonation', () => {
  it('checks impersonate on each user, group, extra and uid, and builds the new user', async () => {
    const checks: AuthorizationAttributes[] = [];
    const r = req({ 'impersonate-user': ['jane'], 'impersonate-group': ['dev', 'ops'], 'impersonate-extra-scopes': ['view'], 'impersonate-uid': ['1234'] });
    assert.equal(wantsImpersonation(r), true);
    const u = await impersonate(r, admin, async (a) => void checks.push(a));
    assert.deepEqual(u, { username: 'jane', uid: '1234', groups: ['dev', 'ops', 'system:authenticated'], extra: { scopes: ['view'] } });
    assert.deepEqual(checks.map((a) => [a.verb, a.apiGroup, a.resource, a.subresource, a.namespace, a.name]), [
      ['impersonate', '', 'users', '', '', 'jane'],
      ['impersonate', '', 'groups', '', '', 'dev'],
      ['impersonate', '', 'groups', '', '', 'ops'],
      ['impersonate', 'authentication.k8s.io', 'userextras', 'scopes', '', 'view'],
      ['impersonate', 'authentication.k8s.io', 'uids', '', '', '1234'],
    ]);
  });

  it('impersonates a ServiceAccount with its groups, anonymous with system:unauthenticated', async () => {
    const checks: AuthorizationAttributes[] = [];
    const sa = await impersonate(req({ 'impersonate-user': ['system:serviceaccount:ns:bot'] }), admin, async (a) => void checks.push(a));
    assert.deepEqual(sa.groups, ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated']);
    assert.deepEqual([checks[0]?.resource, checks[0]?.namespace, checks[0]?.name], ['serviceaccounts', 'ns', 'bot']);
    const anon = await impersonate(req({ 'impersonate-user': ['system:anonymous'] }), admin, async () => {});
    assert.deepEqual(anon.groups, ['system:unauthenticated']);
    const own = await impersonate(req({ 'impersonate-user': ['x'], 'impersonate-group': ['system:unauthenticated'] }), admin, async () => {});
    assert.deepEqual(own.groups, ['system:unauthenticated']);
  });

  it('refuses groups without a user, and stops at the first refused check', async () => {
    await assert.rejects(impersonate(req({ 'impersonate-group': ['dev'] }), admin, async () => {}), { reason: 'InternalError' });
    await assert.rejects(
      impersonate(req({ 'impersonate-user': ['jane'] }), admin, async () => {
        throw new Error('denied');
      }),
      { message: 'denied' },
    );
    assert.equal(wantsImpersonation(req({ accept: ['*/*'] })), false);
  });
});
