// Tests of the API path helper: core and named groups, namespaces, names, subresources.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiVersionPath, groupPath, groupVersionPath, RESOURCES, resourcePath } from './paths.js';

test('resourcePath spells core-group paths under /api/v1 and named groups under /apis/GROUP/VERSION', () => {
  assert.equal(resourcePath(RESOURCES.pods), '/api/v1/pods');
  assert.equal(resourcePath(RESOURCES.pods, { namespace: 'team' }), '/api/v1/namespaces/team/pods');
  assert.equal(resourcePath(RESOURCES.pods, { namespace: 'team', name: 'web', subresource: 'status' }), '/api/v1/namespaces/team/pods/web/status');
  assert.equal(resourcePath(RESOURCES.nodes, { name: 'n1' }), '/api/v1/nodes/n1');
  assert.equal(resourcePath(RESOURCES.storageclasses, { name: 'local-path' }), '/apis/storage.k8s.io/v1/storageclasses/local-path');
  assert.equal(resourcePath(RESOURCES.endpointslices, { namespace: 'default' }), '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices');
});

test('resourcePath URI-encodes namespace and name, and keeps an empty name as an empty segment', () => {
  assert.equal(resourcePath(RESOURCES.configmaps, { namespace: 'a b', name: 'x/y' }), '/api/v1/namespaces/a%20b/configmaps/x%2Fy');
  assert.equal(resourcePath(RESOURCES.persistentvolumes, { name: '' }), '/api/v1/persistentvolumes/');
});

test('groupVersionPath and groupPath name discovery documents', () => {
  assert.equal(groupVersionPath('', 'v1'), '/api/v1');
  assert.equal(groupVersionPath('apps', 'v1'), '/apis/apps/v1');
  assert.equal(groupPath('metrics.k8s.io'), '/apis/metrics.k8s.io');
});

test('apiVersionPath reads the group from an apiVersion', () => {
  assert.equal(apiVersionPath('v1'), '/api/v1');
  assert.equal(apiVersionPath('rbac.authorization.k8s.io/v1'), '/apis/rbac.authorization.k8s.io/v1');
});
