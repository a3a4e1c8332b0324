import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ApplyResult, ProxyApplier } from './applier.js';
import type { ProxyPlan } from './planner.js';
import { ENDPOINTSLICES_PATH, SERVICES_PATH, startServiceProxy, type ServiceProxy } from './service-proxy.js';
import { endpoint, service, slice } from './testing/builders.js';
import { FakeCollections } from './testing/fake-collections.js';

async function eventually(what: string, fn: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An applier recording each plan (as the DNAT destinations it holds) and whether the sync was full. */
function recordingApplier(fail: { next: number } = { next: 0 }) {
  const applied: { destinations: string[]; full: boolean; at: number }[] = [];
  const applier: ProxyApplier = {
    async apply(plan: ProxyPlan, o = {}): Promise<ApplyResult> {
      if (fail.next > 0) {
        fail.next--;
        throw new Error('iptables-restore: exit code 1');
      }
      applied.push({ destinations: plan.nat.rules.filter((r) => r.includes('-j DNAT')).map((r) => r.split(' ').at(-1) ?? ''), full: o.full ?? false, at: Date.now() });
      return { written: true, deletedChains: [], insertedJumps: 0, conntrackCleared: 0 };
    },
  };
  return { applied, applier };
}

const web = service('default', 'web', '10.43.0.20', [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }]);
const webSlice = (ips: string[]) => slice('default', 'web', [{ name: 'http', port: 8080, protocol: 'TCP' }], ips.map((ip) => endpoint(ip)));
const sysctls = (name: string): string | undefined => (name === 'net.bridge.bridge-nf-call-iptables' ? '1' : '0');

describe('startServiceProxy', () => {
  let proxy: ServiceProxy | undefined;
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  it('waits for both informers to list, then writes one full sync of what they hold', async () => {
    const api = new FakeCollections();
    api.put(SERVICES_PATH, web);
    api.put(ENDPOINTSLICES_PATH, webSlice(['10.42.0.5']));
    const release = api.holdList(ENDPOINTSLICES_PATH);
    const { applied, applier } = recordingApplier();
    proxy = startServiceProxy({ client: api, clusterCIDR: '10.42.0.0/16', applier, readSysctl: sysctls });
    await sleep(100);
    assert.equal(applied.length, 0);
    release();
    await eventually('first sync', () => applied.length === 1);
    assert.deepEqual(applied[0]?.destinations, ['10.42.0.5:8080']);
    assert.equal(applied[0]?.full, true);
  });

  it('applies an EndpointSlice change well within a second, coalescing a burst', async () => {
    const api = new FakeCollections();
    api.put(SERVICES_PATH, web);
    api.put(ENDPOINTSLICES_PATH, webSlice(['10.42.0.5', '10.42.0.6']));
    const { applied, applier } = recordingApplier();
    proxy = startServiceProxy({ client: api, clusterCIDR: '10.42.0.0/16', applier, readSysctl: sysctls, minSyncIntervalMs: 100 });
    await eventually('first sync', () => applied.length === 1);
    await sleep(150);
    const t0 = Date.now();
    api.put(ENDPOINTSLICES_PATH, webSlice(['10.42.0.6']));
    await eventually('the removal applied', () => applied.at(-1)?.destinations.join() === '10.42.0.6:8080');
    assert.ok((applied.at(-1)?.at ?? Infinity) - t0 < 1000);
    assert.equal(applied.at(-1)?.full, false);
    const before = applied.length;
    for (let i = 0; i < 20; i++) api.put(ENDPOINTSLICES_PATH, webSlice([`10.42.1.${i}`]));
    await eventually('the last of the burst', () => applied.at(-1)?.destinations.join() === '10.42.1.19:8080');
    assert.ok(applied.length - before <= 3, `${applied.length - before} syncs for 20 changes`);
  });

  it('applies Service deletion, reports a failed sync and retries it', async () => {
    const api = new FakeCollections();
    api.put(SERVICES_PATH, web);
    api.put(ENDPOINTSLICES_PATH, webSlice(['10.42.0.5']));
    const fail = { next: 0 };
    const { applied, applier } = recordingApplier(fail);
    const errors: unknown[] = [];
    proxy = startServiceProxy({ client: api, clusterCIDR: '10.42.0.0/16', applier, readSysctl: sysctls, retryDelayMs: 50, onError: (e) => errors.push(e) });
    await eventually('first sync', () => applied.length === 1);
    fail.next = 1;
    api.remove(SERVICES_PATH, web);
    await eventually('the retried sync', () => applied.length === 2);
    assert.deepEqual(applied[1]?.destinations, []);
    assert.match(String(errors[0]), /iptables-restore: exit code 1/);
  });

  it('warns when bridged traffic does not pass iptables', async () => {
    const errors: unknown[] = [];
    proxy = startServiceProxy({ client: new FakeCollections(), clusterCIDR: '10.42.0.0/16', applier: recordingApplier().applier, readSysctl: () => '0', onError: (e) => errors.push(e) });
    assert.match(String(errors[0]), /bridge-nf-call-iptables is not 1/);
  });

  it('stop ends both watches and no sync follows', async () => {
    const api = new FakeCollections();
    const { applied, applier } = recordingApplier();
    const p = startServiceProxy({ client: api, clusterCIDR: '10.42.0.0/16', applier, readSysctl: sysctls });
    await eventually('first sync', () => applied.length === 1);
    await eventually('watches open', () => api.openWatches.get(SERVICES_PATH) === 1 && api.openWatches.get(ENDPOINTSLICES_PATH) === 1);
    await p.stop();
    assert.equal(api.openWatches.get(SERVICES_PATH), 0);
    assert.equal(api.openWatches.get(ENDPOINTSLICES_PATH), 0);
    api.put(SERVICES_PATH, web);
    await sleep(300);
    assert.equal(applied.length, 1);
  });
});
