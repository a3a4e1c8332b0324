// ClusterRecords: informer events keep services, endpoints and the reverse indexes current.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterRecords, canonicalAddress } from './cluster-records.js';
import { endpoint, namespace, port, service, slice } from './testing/objects.js';

describe('ClusterRecords', () => {
  it('moves the PTR index when a Service changes its cluster IP and drops it on delete', () => {
    const r = new ClusterRecords();
    r.apply('Service', 'ADDED', service('default', 'web', { clusterIP: '10.43.0.20', ports: [port(80)] }));
    r.apply('Service', 'MODIFIED', service('default', 'web', { clusterIP: '10.43.0.21', ports: [port(80)] }));
    assert.deepEqual(r.servicesByClusterIP('10.43.0.20'), []);
    assert.deepEqual(r.servicesByClusterIP('10.43.0.21').map((s) => s.metadata.name), ['web']);
    r.apply('Service', 'DELETED', service('default', 'web', { clusterIP: '10.43.0.21', ports: [port(80)] }));
    assert.deepEqual(r.servicesByClusterIP('10.43.0.21'), []);
    assert.equal(r.getService('default', 'web'), undefined);
  });

  it('merges the ready endpoints of all slices of a Service, once per address', () => {
    const r = new ClusterRecords();
    r.apply('EndpointSlice', 'ADDED', slice('default', 'db', [endpoint('10.42.0.5'), endpoint('10.42.0.6', { ready: false })], [], 'db-1'));
    r.apply('EndpointSlice', 'ADDED', slice('default', 'db', [endpoint('10.42.0.5'), endpoint('10.42.0.7', { hostname: 'db-7' })], [], 'db-2'));
    assert.deepEqual(r.getEndpoints('default', 'db').map((e) => `${e.address}/${e.hostname ?? ''}`), ['10.42.0.5/', '10.42.0.7/db-7']);
    r.apply('EndpointSlice', 'DELETED', slice('default', 'db', [], [], 'db-2'));
    assert.deepEqual(r.getEndpoints('default', 'db').map((e) => e.address), ['10.42.0.5']);
    assert.deepEqual(r.endpointsByAddress('10.42.0.7'), []);
  });

  it('counts not-ready endpoints when the Service publishes not-ready addresses', () => {
    const r = new ClusterRecords();
    r.apply('Service', 'ADDED', service('default', 'db', { clusterIP: 'None', publishNotReadyAddresses: true }));
    r.apply('EndpointSlice', 'ADDED', slice('default', 'db', [endpoint('10.42.0.6', { ready: false })]));
    assert.deepEqual(r.getEndpoints('default', 'db').map((e) => e.address), ['10.42.0.6']);
  });

  it('ignores EndpointSlices without a service-name label', () => {
    const r = new ClusterRecords();
    const s = slice('default', 'db', [endpoint('10.42.0.5')]);
    delete s.metadata.labels;
    r.apply('EndpointSlice', 'ADDED', s);
    assert.deepEqual(r.endpointsByAddress('10.42.0.5'), []);
  });

  it('knows namespaces from their events', () => {
    const r = new ClusterRecords();
    r.apply('Namespace', 'ADDED', namespace('team'));
    assert.equal(r.hasNamespace('team'), true);
    r.apply('Namespace', 'DELETED', namespace('team'));
    assert.equal(r.hasNamespace('team'), false);
  });

  it('compares IPv6 addresses in any spelling', () => {
    assert.equal(canonicalAddress('fd00::1'), 'fd00:0000:0000:0000:0000:0000:0000:0001');
    const r = new ClusterRecords();
    r.apply('Service', 'ADDED', service('default', 'v6', { clusterIP: 'fd00:10:43::a', ports: [port(80)] }));
    assert.deepEqual(r.servicesByClusterIP('fd00:0010:0043:0000:0000:0000:0000:000a').map((s) => s.metadata.name), ['v6']);
  });
});
