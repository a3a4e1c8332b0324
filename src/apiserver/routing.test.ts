/** Tests of request classification (RequestInfo). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestInfo } from './routing.js';

describe('parseRequestInfo', () => {
  it('classifies namespaced, cluster-wide and subresource paths', () => {
    assert.deepEqual(parseRequestInfo('GET', '/api/v1/namespaces/default/pods/x/log', false), {
      kind: 'resource', group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'x', subresource: 'log', verb: 'get',
    });
    assert.equal((parseRequestInfo('GET', '/api/v1/pods', false) as { verb: string }).verb, 'list');
    assert.equal((parseRequestInfo('GET', '/api/v1/pods', true) as { verb: string }).verb, 'watch');
    assert.equal((parseRequestInfo('DELETE', '/api/v1/namespaces/default/pods', false) as { verb: string }).verb, 'deletecollection');
  });

  it('treats namespaces/x/status as the namespace subresource and /watch/ as a watch', () => {
    const ns = parseRequestInfo('PUT', '/api/v1/namespaces/foo/status', false) as { resource: string; name: string; subresource: string; namespace: string };
    assert.deepEqual([ns.resource, ns.name, ns.subresource, ns.namespace], ['namespaces', 'foo', 'status', '']);
    const w = parseRequestInfo('GET', '/api/v1/watch/namespaces/default/pods', false) as { verb: string; namespace: string };
    assert.deepEqual([w.verb, w.namespace], ['watch', 'default']);
  });

  it('recognizes discovery and unknown paths', () => {
    assert.deepEqual(parseRequestInfo('GET', '/apis/apps/v1', false), { kind: 'resource-list', group: 'apps', version: 'v1' });
    assert.deepEqual(parseRequestInfo('GET', '/foo', false), { kind: 'unknown' });
  });
});
