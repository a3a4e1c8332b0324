// The kubelet against the in-memory API and fake CRI: each sandbox gets its pod's resolv.conf, each container its service variables.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Service } from '../api/services.js';
import type { Event, Pod } from '../api/types.js';
import { startKubelet, type KubeletOptions } from './kubelet.js';
import { makePod } from './testing/builders.js';
import { FakeApi } from './testing/fake-api.js';
import { FakeRuntime } from './testing/fake-runtime.js';
import { FakeClock } from '../api/testing/fake-clock.js';

const root = mkdtempSync(join(tmpdir(), 'kubelet-network-'));
after(() => rmSync(root, { recursive: true, force: true }));
const resolvConf = join(root, 'resolv.conf');
writeFileSync(resolvConf, 'nameserver 192.0.2.53\nsearch corp.example\noptions edns0\n');

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const service = (ns: string, name: string, clusterIP: string, port: number): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { clusterIP, ports: [{ name: 'main', port, protocol: 'TCP' }] },
});

async function run(pod: Pod, extra: Partial<KubeletOptions>) {
  const clock = new FakeClock(Date.now());
  const api = new FakeApi();
  const cri = new FakeRuntime(clock);
  cri.addImage('busybox:1.36');
  api.seed('services', service('default', 'kubernetes', '10.43.0.1', 443));
  api.seed('services', service('default', 'db', '10.43.0.50', 5432));
  api.seed('services', service('other', 'elsewhere', '10.43.0.60', 80));
  const dir = mkdtempSync(join(root, 'k-'));
  const kubelet = await startKubelet({
    client: api,
    runtime: cri,
    images: cri,
    nodeName: 'node1',
    rootDir: join(dir, 'kubelet'),
    podLogsDir: join(dir, 'pod-logs'),
    server: { host: '127.0.0.1', port: 0 },
    clock,
    resyncMs: 100,
    syncBackOffMs: 200,
    log: () => {},
    resolvConf,
    ...extra,
  });
  try {
    pod.spec.nodeName = 'node1';
    api.seed('pods', pod);
    const c = await until('a started container', () => [...cri.containers.values()].find((x) => x.state === 'CONTAINER_RUNNING'));
    const sandbox = [...cri.sandboxes.values()][0]!;
    const env = new Map((c.config.envs ?? []).map((e) => [e.key, e.value]));
    await kubelet.stop();
    const events = [...api.objects.values()].filter((o): o is Event => o.kind === 'Event').map((e) => `${e.reason}: ${e.message}`);
    return { dns: sandbox.config.dnsConfig, env, events };
  } catch (err) {
    await kubelet.stop();
    throw err;
  }
}

test('a ClusterFirst pod gets the cluster DNS server, cluster search paths and ndots:5', async () => {
  const r = await run(makePod('client', ['app']), { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local' });
  assert.deepEqual(r.dns, { servers: ['10.43.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:5'] });
});

test('a Default pod gets the kubelet resolv.conf', async () => {
  const r = await run(makePod('client', ['app'], { dnsPolicy: 'Default' }), { clusterDNS: ['10.43.0.10'] });
  assert.deepEqual(r.dns, { servers: ['192.0.2.53'], searches: ['corp.example'], options: ['edns0'] });
});

test('without cluster DNS servers a ClusterFirst pod gets the kubelet resolv.conf and a MissingClusterDNS event', async () => {
  const r = await run(makePod('client', ['app']), {});
  assert.deepEqual(r.dns, { servers: ['192.0.2.53'], searches: ['corp.example'], options: ['edns0'] });
  assert.ok(r.events.some((e) => e.startsWith('MissingClusterDNS: pod: "client_default(uid-client)". kubelet does not have ClusterDNS IP configured')), r.events.join('\n'));
});

test('containers get the service variables of their namespace and of the kubernetes Service', async () => {
  const r = await run(makePod('client', ['app']), { clusterDNS: ['10.43.0.10'] });
  assert.equal(r.env.get('DB_SERVICE_HOST'), '10.43.0.50');
  assert.equal(r.env.get('DB_PORT_5432_TCP'), 'tcp://10.43.0.50:5432');
  assert.equal(r.env.get('KUBERNETES_SERVICE_PORT_MAIN'), '443');
  assert.equal(r.env.get('ELSEWHERE_SERVICE_HOST'), undefined);
  const off = await run(makePod('client', ['app'], { enableServiceLinks: false }), { clusterDNS: ['10.43.0.10'] });
  assert.equal(off.env.get('DB_SERVICE_HOST'), undefined);
  assert.equal(off.env.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
});
