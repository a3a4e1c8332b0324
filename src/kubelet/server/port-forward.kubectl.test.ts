// kubectl port-forward through the real API server and kubelet server to a stand-in for containerd's streaming server; the "pod" is an HTTP server on 127.0.0.1.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import { call, startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';
import { FakeRuntime } from '../testing/fake-runtime.js';
import { startFakePortForwardServer, type FakePortForwardServer } from '../testing/fake-port-forward-server.js';
import { httpGet, startPortForward } from '../testing/kubectl-port-forward.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { startKubeletServer, type KubeletServer } from './server.js';

const BIN = '/usr/lib/google-cloud-sdk/bin';
const KUBECTLS = [
  { version: '1.32', path: '/usr/bin/kubectl' },
  { version: '1.29', path: `${BIN}/kubectl.1.29` },
  { version: '1.27', path: `${BIN}/kubectl.1.27` },
].filter((k) => existsSync(k.path));

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('kubectl port-forward through the API server and the kubelet', { skip: KUBECTLS.length ? false : 'needs kubectl' }, () => {
  let api: TestServer;
  let kubelet: KubeletServer;
  let streaming: FakePortForwardServer;
  let app: Server;
  let appPort: number;
  let deadPort: number;
  let pod: Pod;
  const cri = new FakeRuntime(new FakeClock(Date.parse('2025-01-01T00:00:00Z')));
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: api.kubeconfig, HOME: api.dir });
  const kubectlArgs = (args: string[]): string[] => ['--kubeconfig', api.kubeconfig, '--cache-dir', `${api.dir}/cache`, ...args];

  before(async () => {
    app = createServer((req, res) => {
      const n = Number(new URL(req.url ?? '/', 'http://pod').searchParams.get('bytes') ?? '');
      const body = n > 0 ? Buffer.alloc(n, 'x') : Buffer.from(`hello from the pod: ${req.url ?? ''}\n`);
      res.writeHead(200, { 'Content-Length': body.length });
      res.end(body);
    });
    appPort = await listen(app);
    const dead = createServer();
    deadPort = await listen(dead);
    await new Promise((r) => dead.close(r));

    api = await startTestServer();
    streaming = await startFakePortForwardServer('127.0.0.1');
    cri.streamingBaseUrl = streaming.url;
    kubelet = await startKubeletServer({
      host: '127.0.0.1',
      port: 0,
      tls: { certPem: api.pki.kubeletServing.certPem, keyPem: api.pki.kubeletServing.keyPem, caPem: api.pki.caPem },
      runtime: cri,
      getPod: (ns, name) => (ns === 'default' && name === 'web' ? pod : undefined),
    });
    const node = await call(api, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });
    assert.equal(node.code, 201, node.body);
    const nodeObj = node.json();
    nodeObj['status'] = { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } };
    assert.equal((await call(api, 'PUT', '/api/v1/nodes/node1/status', nodeObj)).code, 200);
    const created = await call(api, 'POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: appPort }] }] },
    });
    assert.equal(created.code, 201, created.body);
    pod = created.json() as unknown as Pod;
    (pod as unknown as Record<string, unknown>)['status'] = { phase: 'Running' };
    assert.equal((await call(api, 'PUT', '/api/v1/namespaces/default/pods/web/status', pod)).code, 200);
    await cri.runPodSandbox({ metadata: { name: 'web', namespace: 'default', uid: pod.metadata.uid ?? '', attempt: 0 }, labels: { 'io.kubernetes.pod.uid': pod.metadata.uid ?? '' } });
  });

  after(async () => {
    await kubelet?.close();
    await streaming?.close();
    await api?.close();
    await new Promise((r) => app?.close(r));
  });

  for (const { version, path } of KUBECTLS) {
    it(`kubectl ${version} forwards a local port to the pod's port and serves concurrent connections`, async () => {
      const before = streaming.requests.length;
      const pf = await startPortForward(path, kubectlArgs(['port-forward', 'pod/web', `:${appPort}`, '-v=4']), env(), [appPort]);
      try {
        const local = pf.local.get(appPort)!;
        assert.notEqual(local, appPort);
        const one = await httpGet(local, '/first');
        assert.equal(one.status, 200);
        assert.equal(one.body.toString(), 'hello from the pod: /first\n');
        const many = await Promise.all(Array.from({ length: 40 }, (_, i) => httpGet(local, `/c${i}`)));
        assert.deepEqual(
          many.map((a) => a.body.toString()),
          Array.from({ length: 40 }, (_, i) => `hello from the pod: /c${i}\n`),
        );
        const big = await httpGet(local, '/?bytes=5000000');
        assert.equal(big.body.length, 5_000_000);
      } finally {
        await pf.stop();
      }
      const upgrades = streaming.requests.slice(before);
      assert.equal(upgrades.length, 1, 'one SPDY session to the runtime a kubectl run');
      assert.equal(upgrades[0]?.headers['x-stream-protocol-version'], 'portforward.k8s.io');
      // kubectl ≥ 1.31 tunnels SPDY through a WebSocket and falls back to plain SPDY only when that fails.
      assert.doesNotMatch(pf.stderr(), /fallback/i);
    });

    it(`kubectl ${version} reports a port nothing listens on as upstream does`, async () => {
      const pf = await startPortForward(path, kubectlArgs(['port-forward', 'pod/web', `0:${deadPort}`]), env(), [deadPort]);
      const local = pf.local.get(deadPort)!;
      const got = await httpGet(local, '/').catch((err: Error) => err);
      assert.ok(got instanceof Error || got.body.length === 0, 'no answer through a port nothing listens on');
      await new Promise((r) => setTimeout(r, 500));
      await pf.stop();
      const sandbox = [...cri.sandboxes.keys()][0];
      assert.match(pf.stderr(), new RegExp(`an error occurred forwarding ${local} -> ${deadPort}: error forwarding port ${deadPort} to pod ${sandbox}, uid : .*connection refused`));
    });
  }

  it('kubectl forwards several ports at once', async () => {
    const pf = await startPortForward(KUBECTLS[0]!.path, kubectlArgs(['port-forward', 'web', `:${appPort}`, `0:${appPort}`]), env(), [appPort, appPort]);
    try {
      const locals = [...pf.stdout().matchAll(/^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)$/gm)].map((m) => Number(m[1]));
      assert.equal(new Set(locals).size, 2);
      for (const l of locals) assert.equal((await httpGet(l, `/via-${l}`)).body.toString(), `hello from the pod: /via-${l}\n`);
    } finally {
      await pf.stop();
    }
  });

  it('the kubelet refuses port-forward to a pod it does not run, and the API server one with bad ports', async () => {
    const r = await api.kubectl(['port-forward', 'pod/nope', '8080:80']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pods "nope" not found/);
    const bad = await call(api, 'POST', '/api/v1/namespaces/default/pods/web/portforward?ports=http', undefined, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
    assert.equal(bad.code, 400);
    assert.match(bad.body, /cannot convert to \[\]int32/);
  });
});
