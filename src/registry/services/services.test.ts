/** Tests of the Service, Endpoints and EndpointSlice strategies: defaults, validation, allocation, tables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusError } from '../../api/errors.js';
import { parseCidr } from '../../api/ipv4.js';
import type { EndpointSlice, Endpoints, Service } from '../../api/services.js';
import { allocateService, type ServiceAllocation } from './allocator.js';
import { endpointSliceStrategy, endpointsStrategy, formatEndpoints } from './endpoints.js';
import { serviceStrategy } from './services.js';

const cfg: ServiceAllocation = { serviceCIDR: parseCidr('10.43.0.0/16'), nodePortMin: 30000, nodePortMax: 32767 };
const strategy = serviceStrategy(cfg);

function svc(name: string, spec: NonNullable<Service['spec']>): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec };
}

function messages(errs: { field: string; detail: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.detail}`);
}

test('Service defaults: ClusterIP, None affinity, TCP, targetPort = port, Cluster traffic policy', () => {
  const s = svc('web', { selector: { app: 'web' }, ports: [{ port: 80 }] });
  strategy.prepareForCreate(s);
  assert.deepEqual(s.spec, {
    type: 'ClusterIP',
    sessionAffinity: 'None',
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    internalTrafficPolicy: 'Cluster',
  });
  assert.deepEqual(strategy.validate(s), []);
});

test('Service validation names the field as kube-apiserver does', () => {
  const s = svc('web', { ports: [{ port: 0 }, { port: 80, name: 'http', protocol: 'XTP' as 'TCP' }], type: 'Cluster' as 'ClusterIP' });
  strategy.prepareForCreate(s);
  assert.deepEqual(messages(strategy.validate(s)), [
    'spec.type: Unsupported value: "Cluster": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    'spec.ports[0].name: Required value',
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[1].protocol: Unsupported value: "XTP": supported values: "SCTP", "TCP", "UDP"',
  ]);
  const np = svc('np', { ports: [{ port: 80, nodePort: 30001 }] });
  strategy.prepareForCreate(np);
  assert.deepEqual(messages(strategy.validate(np)), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  const none = svc('none', { ports: [] });
  strategy.prepareForCreate(none);
  assert.deepEqual(messages(strategy.validate(none)), ['spec.ports: Required value']);
});

test('cluster IPs are allocated from the service CIDR, unique, and requested ones are checked', () => {
  const a = svc('a', { ports: [{ port: 80, protocol: 'TCP' }] });
  allocateService({ ...cfg, random: () => 0 }, a, undefined, []);
  assert.equal(a.spec?.clusterIP, '10.43.1.0', 'dynamic allocation skips the 256 addresses kept for static use');
  assert.deepEqual(a.spec?.clusterIPs, ['10.43.1.0']);
  const b = svc('b', { ports: [{ port: 80, protocol: 'TCP' }] });
  allocateService({ ...cfg, random: () => 0 }, b, undefined, [a]);
  assert.equal(b.spec?.clusterIP, '10.43.1.1');
  const dns = svc('kube-dns', { clusterIP: '10.43.0.10', ports: [{ port: 53, protocol: 'UDP' }] });
  allocateService(cfg, dns, undefined, [a, b]);
  assert.equal(dns.spec?.clusterIP, '10.43.0.10');
  const taken = svc('x', { clusterIP: '10.43.0.10', ports: [{ port: 53, protocol: 'UDP' }] });
  assert.throws(() => allocateService(cfg, taken, undefined, [dns]), (err: StatusError) => {
    assert.equal(err.status.code, 422);
    assert.equal(err.status.message, 'Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.10"}: failed to allocate IP 10.43.0.10: provided IP is already allocated');
    return true;
  });
  const outside = svc('y', { clusterIP: '10.0.0.5', ports: [{ port: 80, protocol: 'TCP' }] });
  assert.throws(() => allocateService(cfg, outside, undefined, []), /the provided IP \(10\.0\.0\.5\) is not in the valid range. The range of valid IPs is 10\.43\.0\.0\/16/);
  const headless = svc('h', { clusterIP: 'None', selector: { app: 'db' } });
  allocateService(cfg, headless, undefined, []);
  assert.deepEqual(headless.spec?.clusterIPs, ['None']);
  const update = svc('a', { ports: [{ port: 81, protocol: 'TCP' }] });
  allocateService(cfg, update, a, [a, b]);
  assert.equal(update.spec?.clusterIP, '10.43.1.0', 'an update that leaves the IP out keeps it');
});

test('node ports are allocated in range, kept across updates, checked when requested, dropped with the type', () => {
  const a = svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] });
  allocateService({ ...cfg, random: () => 0 }, a, undefined, []);
  assert.equal(a.spec?.ports?.[0]?.nodePort, 30000);
  const b = svc('b', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30000 }] });
  assert.throws(() => allocateService(cfg, b, undefined, [a]), /spec\.ports\[0\]\.nodePort: Invalid value: 30000: provided port is already allocated/);
  const c = svc('c', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 8080 }] });
  assert.throws(() => allocateService(cfg, c, undefined, []), /provided port is not in the valid range. The range of valid ports is 30000-32767/);
  const again = svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] });
  allocateService(cfg, again, a, [a]);
  assert.equal(again.spec?.ports?.[0]?.nodePort, 30000);
  const back = svc('a', { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', nodePort: 30000 }] });
  allocateService(cfg, back, again, [again]);
  assert.equal(back.spec?.ports?.[0]?.nodePort, undefined);
});

test('Service table: TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S) as printService prints them', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const created = '2026-12-01T11:59:00Z';
  const np = svc('np', { type: 'NodePort', clusterIP: '10.43.5.6', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }, { port: 53, protocol: 'UDP', nodePort: 30053 }] });
  np.metadata.creationTimestamp = created;
  assert.deepEqual(strategy.table!.cells(np, now), ['np', 'NodePort', '10.43.5.6', '<none>', '80:30080/TCP,53:30053/UDP', '60s', '<none>']);
  const lb = svc('lb', { type: 'LoadBalancer', clusterIP: '10.43.5.7', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'x' } });
  lb.metadata.creationTimestamp = created;
  assert.deepEqual(strategy.table!.cells(lb, now).slice(1, 7), ['LoadBalancer', '10.43.5.7', '<pending>', '80/TCP', '60s', 'app=x']);
  const ext = svc('ext', { type: 'ExternalName', externalName: 'example.test' });
  assert.deepEqual(strategy.table!.cells(ext, now).slice(1, 5), ['ExternalName', '<none>', 'example.test', '<none>']);
});

test('Endpoints print up to three ip:port pairs, then the count of the rest', () => {
  const ep: Endpoints = {
    metadata: { name: 'web' },
    subsets: [{ addresses: ['10.42.0.2', '10.42.0.3', '10.42.0.4', '10.42.0.5'].map((ip) => ({ ip })), ports: [{ port: 80, protocol: 'TCP' }] }],
  };
  assert.equal(formatEndpoints(ep), '10.42.0.2:80,10.42.0.3:80,10.42.0.4:80 + 1 more...');
  assert.equal(formatEndpoints({ metadata: { name: 'x' } }), '<none>');
  assert.deepEqual(messages(endpointsStrategy.validate({ metadata: { name: 'x', namespace: 'd' }, subsets: [{ addresses: [{ ip: 'nope' }], ports: [{ port: 80, protocol: 'TCP' }] }] })), [
    'subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
});

test('EndpointSlices: addressType required and immutable, table columns', () => {
  const s: EndpointSlice = { metadata: { name: 'web-abc', namespace: 'default' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.42.0.2'] }], ports: [{ name: 'http', port: 80 }] };
  endpointSliceStrategy.prepareForCreate(s);
  assert.deepEqual(s.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
  assert.deepEqual(endpointSliceStrategy.validate(s), []);
  const moved = { ...s, addressType: 'IPv6' as const };
  assert.deepEqual(messages(endpointSliceStrategy.validateUpdate(moved, s)).slice(-1), ['addressType: Invalid value: "IPv6": field is immutable']);
  const now = new Date();
  assert.deepEqual(endpointSliceStrategy.table!.cells(s, now).slice(0, 4), ['web-abc', 'IPv4', '80', '10.42.0.2']);
  assert.deepEqual(endpointSliceStrategy.table!.cells({ ...s, endpoints: [], ports: [] }, now).slice(2, 4), ['<unset>', '<unset>']);
});

test('changing the type to ExternalName drops the cluster IP, families and traffic policy the update left as they were', () => {
  const old = svc('np', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] });
  strategy.prepareForCreate(old);
  allocateService(cfg, old, undefined, []);
  assert.match(old.spec?.clusterIP ?? '', /^10\.43\./);
  assert.ok((old.spec?.ports?.[0]?.nodePort ?? 0) >= 30000);
  const next = structuredClone(old);
  next.spec = { ...next.spec, type: 'ExternalName', externalName: 'foo.example.com' };
  strategy.prepareForUpdate(next, old);
  assert.equal(next.spec?.clusterIP, undefined);
  assert.equal(next.spec?.clusterIPs, undefined);
  assert.equal(next.spec?.ipFamilies, undefined);
  assert.equal(next.spec?.ipFamilyPolicy, undefined);
  assert.equal(next.spec?.externalTrafficPolicy, undefined);
  assert.equal(next.spec?.ports?.[0]?.nodePort, undefined);
  assert.deepEqual(strategy.validateUpdate!(next, old), []);
});

test('a cluster IP the update changed is kept when moving to ExternalName, and validation says why it is wrong', () => {
  const old = svc('cip', { selector: { app: 'web' }, ports: [{ port: 80 }] });
  strategy.prepareForCreate(old);
  allocateService(cfg, old, undefined, []);
  const next = structuredClone(old);
  next.spec = { ...next.spec, type: 'ExternalName', externalName: 'foo.example.com', clusterIP: '10.43.0.99', clusterIPs: ['10.43.0.99'] };
  strategy.prepareForUpdate(next, old);
  assert.equal(next.spec?.clusterIP, '10.43.0.99');
  assert.ok(messages(strategy.validateUpdate!(next, old)).some((m) => m === 'spec.clusterIP: Forbidden: may not be set for ExternalName services'));
});

test('changing NodePort to ClusterIP drops the node ports and externalTrafficPolicy, keeps the cluster IP', () => {
  const old = svc('np2', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] });
  strategy.prepareForCreate(old);
  allocateService(cfg, old, undefined, []);
  const next = structuredClone(old);
  next.spec = { ...next.spec, type: 'ClusterIP' };
  strategy.prepareForUpdate(next, old);
  assert.equal(next.spec?.clusterIP, old.spec?.clusterIP);
  assert.equal(next.spec?.ports?.[0]?.nodePort, undefined);
  assert.equal(next.spec?.externalTrafficPolicy, undefined);
  assert.deepEqual(strategy.validateUpdate!(next, old), []);
});

test('switching session affinity from ClientIP to None drops sessionAffinityConfig, as SetDefaults_Service does', () => {
  const old = svc('aff', { selector: { app: 'web' }, ports: [{ port: 80 }], sessionAffinity: 'ClientIP' });
  strategy.prepareForCreate(old);
  allocateService(cfg, old, undefined, []);
  assert.deepEqual(old.spec?.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  const next = structuredClone(old);
  next.spec = { ...next.spec, sessionAffinity: 'None' };
  strategy.prepareForUpdate(next, old);
  assert.equal(next.spec?.sessionAffinityConfig, undefined);
  assert.deepEqual(strategy.validateUpdate!(next, old), []);
});
