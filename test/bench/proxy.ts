/**
 * Service proxy benchmark (root; run under /tmp/k1s-e2e.lock): how long after an EndpointSlice change
 * new connections to a cluster IP follow it, on real iptables between network namespaces. Two figures:
 * the applier alone (plan written → traffic follows) and the whole sync loop (EndpointSlice event in
 * the informer → runner → plan → iptables-restore → traffic follows). `node dist/test/bench/proxy.js`
 * prints them; run.ts may call {@link benchServiceProxy}.
 */
import { pathToFileURL } from 'node:url';
import type { EndpointSlice } from '../../src/api/services.js';
import { createProxyApplier } from '../../src/proxy/applier.js';
import { cleanupProxyRules } from '../../src/proxy/cleanup.js';
import { listChains, runCommand } from '../../src/proxy/iptables.js';
import { planProxyRules } from '../../src/proxy/planner.js';
import { ENDPOINTSLICES_PATH, SERVICES_PATH, startServiceProxy } from '../../src/proxy/service-proxy.js';
import { endpoint, service, slice } from '../../src/proxy/testing/builders.js';
import { FakeCollections } from '../../src/proxy/testing/fake-collections.js';
import { createNetnsLab, LAB_HTTP_PORT, type NetnsLab } from '../../src/proxy/testing/netns-lab.js';

const PODS = { a: '10.250.0.2', b: '10.250.0.3' } as const;
const WEB_IP = '10.251.0.10';
const web = service('default', 'web', WEB_IP, [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }]);
const webSlice = (pod: keyof typeof PODS): EndpointSlice => slice('default', 'web', [{ name: 'http', port: LAB_HTTP_PORT, protocol: 'TCP' }], [endpoint(PODS[pod])]);

function percentiles(ms: number[]): string {
  const s = [...ms].sort((x, y) => x - y);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  return `p50 ${at(50).toFixed(1)} ms, max ${(s.at(-1) ?? NaN).toFixed(1)} ms (n=${s.length})`;
}

/**
 * Switches the web Service's only endpoint between pods a and b `rounds` times, `gapMs` apart, while
 * pod c opens connection after connection; for each switch, the time from `change()` being called to
 * the first reply from the new endpoint after which no reply came from the old one.
 */
async function measure(lab: NetnsLab, rounds: number, gapMs: number, change: (to: keyof typeof PODS) => Promise<void>): Promise<number[]> {
  const stream = lab.stream('c', WEB_IP, 80, rounds * gapMs + 300);
  const switches: { at: number; to: keyof typeof PODS }[] = [];
  await new Promise((r) => setTimeout(r, 150));
  for (let i = 0; i < rounds; i++) {
    const to = i % 2 === 0 ? 'b' : 'a';
    switches.push({ at: Date.now(), to });
    await change(to);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  const replies = await stream;
  return switches.map((s, i) => {
    const end = switches[i + 1]?.at ?? Infinity;
    const window = replies.filter((r) => r.at >= s.at && r.at < end);
    const lastOld = window.reduce((k, r, j) => (r.reply.startsWith(`${s.to} `) ? k : j), -1);
    const first = window[lastOld + 1];
    return first && first.reply.startsWith(`${s.to} `) ? first.at - s.at : NaN;
  });
}

/** Runs both measurements (`rounds` switches each) and records their figures. Leaves nothing behind. */
export async function benchServiceProxy(record: (what: string, value: string) => void, rounds = 10): Promise<void> {
  if ((await listChains(runCommand, 'nat')).has('KUBE-SERVICES')) throw new Error('KUBE-SERVICES already exists in nat: another service proxy runs here');
  const lab = await createNetnsLab({ id: 'k1sptest', gateway: '10.250.0.1/24', serviceCidr: '10.251.0.0/16', pods: [{ name: 'a', ip: PODS.a }, { name: 'b', ip: PODS.b }, { name: 'c', ip: '10.250.0.4' }] });
  try {
    const applier = createProxyApplier();
    const plan = (to: keyof typeof PODS) => planProxyRules({ services: [web], endpointSlices: [webSlice(to)] }, { clusterCIDR: '10.250.0.0/24' });
    await applier.apply(plan('a'));
    const applyMs: number[] = [];
    const direct = await measure(lab, rounds, 300, async (to) => {
      const t0 = performance.now();
      await applier.apply(plan(to));
      applyMs.push(performance.now() - t0);
    });
    record('proxy: applier writes a changed plan (1 Service; iptables-restore --noflush)', percentiles(applyMs));
    record('proxy: plan applied → new connections follow', percentiles(direct));
    const many = (n: number, shift: number) => {
      const services = Array.from({ length: n }, (_, i) => service('bench', `s${i}`, `10.251.${1 + Math.floor(i / 250)}.${i % 250}`, [{ name: 'http', port: 80 }]));
      const slices = services.map((s, i) => slice('bench', s.metadata.name ?? '', [{ name: 'http', port: LAB_HTTP_PORT }], [endpoint(`10.250.1.${(i + shift) % 250}`), endpoint(`10.250.2.${i % 250}`)]));
      return planProxyRules({ services: [web, ...services], endpointSlices: [webSlice('a'), ...slices] }, { clusterCIDR: '10.250.0.0/24' });
    };
    const bulk: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await applier.apply(many(500, i));
      bulk.push(performance.now() - t0);
    }
    record('proxy: applier writes a changed plan (500 Services × 2 endpoints)', percentiles(bulk));
    await cleanupProxyRules();

    const api = new FakeCollections();
    api.put(SERVICES_PATH, web);
    api.put(ENDPOINTSLICES_PATH, webSlice('a'));
    let synced = (): void => {};
    const first = new Promise<void>((r) => (synced = r));
    const proxy = startServiceProxy({ client: api, clusterCIDR: '10.250.0.0/24', onSync: () => synced(), onError: (e) => console.error('proxy:', e) });
    try {
      await first;
      const loop = await measure(lab, rounds, 400, async (to) => api.put(ENDPOINTSLICES_PATH, webSlice(to)));
      record('proxy: EndpointSlice event → new connections follow (informer, 150 ms min sync interval, iptables-restore)', percentiles(loop));
    } finally {
      await proxy.stop();
    }
  } finally {
    const cleanup = await cleanupProxyRules();
    const left = await lab.destroy();
    for (const e of [...cleanup.errors, ...left]) console.error(`left behind: ${e}`);
  }
}

// Run directly, not when `node --test dist/test/` (npm test) picks this file up as a test file.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.env['NODE_TEST_CONTEXT'] === undefined) {
  const figures: [string, string][] = [];
  await benchServiceProxy((what, value) => {
    figures.push([what, value]);
    console.error(`${what}: ${value}`);
  });
  console.log('| measurement | result |\n|---|---|');
  for (const [what, value] of figures) console.log(`| ${what} | ${value} |`);
}
