import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserInfo } from '../../api/user.js';
import { parseRequestInfo } from '../routing.js';
import { AuthorizerChain, forbiddenError, requestAttributes } from './authorizer.js';

const bob: UserInfo = { username: 'bob', uid: '', groups: ['system:authenticated'], extra: {} };

function attrsOf(method: string, url: string, user = bob) {
  const u = new URL(url, 'https://x');
  return requestAttributes(user, method, u.pathname, parseRequestInfo(method, u.pathname, u.searchParams.get('watch') === 'true'), u.searchParams);
}

describe('request attributes and Forbidden messages', () => {
  it('names the object of a list or watch with a metadata.name field selector', () => {
    const a = attrsOf('GET', '/api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3Dcfg&watch=true');
    assert.equal(a.verb, 'watch');
    assert.equal(a.name, 'cfg');
    assert.equal(attrsOf('GET', '/api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3Dcfg,a%3Db').name, '');
  });

  it('puts a namespace\'s own requests in that namespace', () => {
    const a = attrsOf('GET', '/api/v1/namespaces/team');
    assert.deepEqual([a.resource, a.namespace, a.name], ['namespaces', 'team', 'team']);
  });

  it('writes kube-apiserver\'s texts for cluster, namespace, named and non-resource requests', () => {
    assert.equal(forbiddenError(attrsOf('GET', '/api/v1/nodes'), '').message, 'nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope');
    assert.equal(
      forbiddenError(attrsOf('GET', '/apis/apps/v1/namespaces/ns/deployments/web/scale'), '').message,
      'deployments.apps "web" is forbidden: User "bob" cannot get resource "deployments/scale" in API group "apps" in the namespace "ns"',
    );
    assert.equal(forbiddenError(attrsOf('POST', '/api/v1/namespaces/ns/pods'), 'because').message, 'pods is forbidden: User "bob" cannot create resource "pods" in API group "" in the namespace "ns": because');
    const path = forbiddenError(attrsOf('GET', '/metrics'), '');
    assert.equal(path.message, 'forbidden: User "bob" cannot get path "/metrics"');
    assert.deepEqual(path.status.details, {});
    assert.deepEqual(forbiddenError(attrsOf('GET', '/api/v1/namespaces/ns/pods/p'), '').status.details, { name: 'p', kind: 'pods' });
  });

  it('lets system:masters do anything, and AlwaysAllow everyone', async () => {
    const masters = { ...bob, groups: ['system:masters', 'system:authenticated'] };
    assert.equal((await new AuthorizerChain({ mode: 'RBAC' }).authorize(attrsOf('DELETE', '/api/v1/nodes/n', masters))).decision, 'Allow');
    assert.equal((await new AuthorizerChain({ mode: 'RBAC' }).authorize(attrsOf('DELETE', '/api/v1/nodes/n'))).decision, 'NoOpinion');
    assert.equal((await new AuthorizerChain({ mode: 'AlwaysAllow' }).authorize(attrsOf('DELETE', '/api/v1/nodes/n'))).decision, 'Allow');
    await assert.rejects(new AuthorizerChain({ mode: 'RBAC' }).check(attrsOf('DELETE', '/api/v1/nodes/n')), { message: 'nodes "n" is forbidden: User "bob" cannot delete resource "nodes" in API group "" at the cluster scope' });
  });
});
