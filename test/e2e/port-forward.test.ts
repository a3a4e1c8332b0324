/**
 * `kubectl port-forward` end to end on one shared cluster (issue 7): pod/, deployment/ and service/ targets,
 * several ports at once (one of them a sidecar listening only on the pod's localhost, which only the pod's
 * network namespace reaches), random local ports, many concurrent connections, the upstream error for a port
 * nothing listens on, kubectl 1.32 (SPDY tunnelled through a WebSocket) and kubectl 1.29/1.27 (SPDY/3.1), the
 * @kubernetes/client-node PortForward and the Python client's portforward (WebSocket channel protocol), and a
 * throughput figure against a direct
 * connection to the pod IP. Traffic goes only to 127.0.0.1 and the pod.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { freeLocalPort } from '../../src/containerd/supervisor.js';
import { httpGet, startPortForward, tcpExchange, type PortForwardProcess } from '../../src/kubelet/testing/kubectl-port-forward.js';
import { BENCH_FILE_MB, benchPodManifest, describeThroughput, measurePortForward } from '../bench/port-forward.js';
import { applyAndWait, e2eSkip, kubectlPath, run, useCluster, versionedKubectls } from './harness.js';
import { repoRoot } from './paths.js';

const WELCOME = /Welcome to nginx!/;
/** Every versioned kubectl the machine has (the harness's finder): 1.27–1.30 speak SPDY/3.1, 1.31+ tunnel SPDY through a WebSocket. */
const VERSIONED_KUBECTLS = versionedKubectls();

const DEPLOYMENT_AND_SERVICE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: pf-web
spec:
  replicas: 1
  selector: {matchLabels: {app: pf-web}}
  template:
    metadata: {labels: {app: pf-web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 80, name: http}]
---
apiVersion: v1
kind: Service
metadata:
  name: pf-web
spec:
  selector: {app: pf-web}
  ports: [{port: 8080, targetPort: http}]
`;

describe('kubectl port-forward', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-pf' });
  const running: PortForwardProcess[] = [];
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: cluster().kubeconfig });
  const args = (a: string[]): string[] => [`--cache-dir=${join(cluster().dataDir, 'kube-cache')}`, ...a];
  /** Starts `kubectl port-forward ARGS` (kubectl 1.32 unless `kubectl` says otherwise) and waits for its forwarding lines. */
  const forward = async (a: string[], remote: number[], kubectl = kubectlPath!): Promise<PortForwardProcess> => {
    const pf = await startPortForward(kubectl, args(['port-forward', ...a]), env(), remote);
    running.push(pf);
    return pf;
  };

  before(async () => {
    await applyAndWait(cluster(), benchPodManifest('pf-pod'), 'pf-pod', /^Running$/, 180_000);
    await cluster().kubectlOk(['apply', '-f', '-'], { input: DEPLOYMENT_AND_SERVICE });
    await cluster().kubectlOk(['rollout', 'status', 'deployment/pf-web', '--timeout=120s'], { timeoutMs: 130_000 });
  });

  after(async () => {
    for (const pf of running) await pf.stop();
  });

  it("kubectl port-forward pod/pf-pod L:80 serves the pod's nginx on 127.0.0.1:L", async () => {
    const local = await freeLocalPort();
    const pf = await forward(['pod/pf-pod', `${local}:80`], [80]);
    assert.equal(pf.local.get(80), local);
    await cluster().waitFor('the [::1] forwarding line', async () => pf.stdout().includes('[::1]'), 5_000);
    assert.match(pf.stdout(), new RegExp(`^Forwarding from 127\\.0\\.0\\.1:${local} -> 80\\nForwarding from \\[::1\\]:${local} -> 80\\n`));
    const got = await httpGet(local, '/');
    assert.equal(got.status, 200);
    assert.match(got.body.toString(), WELCOME);
    await pf.stop();
  });

  it("forwards several ports at once, random local ports included, into the pod's network namespace (a sidecar on its localhost)", async () => {
    const pf = await forward(['pf-pod', ':80', ':9000'], [80, 9000]);
    const [web, sidecar] = [pf.local.get(80)!, pf.local.get(9000)!];
    assert.notEqual(web, sidecar);
    assert.match((await httpGet(web, '/')).body.toString(), WELCOME);
    assert.equal((await httpGet(sidecar, '/')).body.toString(), 'sidecar-on-localhost\n');
    // The sidecar listens on the pod's loopback only: the pod IP does not reach it.
    const podIP = (await cluster().kubectlOk(['get', 'pod', 'pf-pod', '-o', 'jsonpath={.status.podIP}'])).trim();
    const direct = await new Promise<string>((resolve) => {
      const s = connect({ host: podIP, port: 9000 });
      s.on('connect', () => resolve('connected'));
      s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    assert.equal(direct, 'ECONNREFUSED');
    await pf.stop();
  });

  it('serves 100 concurrent connections through one kubectl port-forward', async () => {
    const pf = await forward(['pod/pf-pod', ':80'], [80]);
    const local = pf.local.get(80)!;
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => httpGet(local, `/?c=${i}`)));
    assert.deepEqual(answers.map((a) => a.status), Array.from({ length: 100 }, () => 200));
    assert.ok(answers.every((a) => WELCOME.test(a.body.toString())));
    const logs = await cluster().kubectlOk(['logs', 'pf-pod', '-c', 'web']);
    for (const i of [0, 42, 99]) assert.match(logs, new RegExp(`"GET /\\?c=${i} HTTP/1\\.1" 200`));
    await pf.stop();
  });

  it('resolves deployment/ and service/ targets to a pod (service port 8080 → targetPort http → 80)', async () => {
    const dep = await forward(['deployment/pf-web', ':80'], [80]);
    assert.match((await httpGet(dep.local.get(80)!, '/')).body.toString(), WELCOME);
    await dep.stop();
    const svc = await forward(['service/pf-web', ':8080'], [80]);
    assert.match(svc.stdout(), /^Forwarding from 127\.0\.0\.1:\d+ -> 80$/m);
    assert.match((await httpGet(svc.local.get(80)!, '/')).body.toString(), WELCOME);
    await svc.stop();
  });

  const erroring = [{ version: '1.32', path: kubectlPath! }, ...VERSIONED_KUBECTLS.filter((k) => k.version === '1.29')];
  for (const { version, path } of erroring) {
    it(`kubectl ${version} reports a port nothing listens on as on a Kubernetes cluster, then gives up`, async () => {
      const local = await freeLocalPort();
      const pf = await forward(['pod/pf-pod', `${local}:81`], [81], path);
      assert.equal((await tcpExchange(local, 'GET / HTTP/1.0\r\n\r\n')).length, 0);
      // kubectl 1.29 and 1.32 end the whole forward when a connection reports an error.
      assert.equal(await pf.exited, 1);
      // kubectl 1.32 logs through klog's structured HandleError (quotes escaped), 1.29 as plain text.
      const q = '\\\\?"';
      assert.match(
        pf.stderr(),
        new RegExp(`an error occurred forwarding ${local} -> 81: error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace ${q}[^"\\\\]+${q}: failed to connect to localhost:81 inside namespace ${q}[0-9a-f]{64}${q}, IPv4: dial tcp4 127\\.0\\.0\\.1:81: connect: connection refused`),
      );
      assert.match(pf.stderr(), /\nerror: lost connection to pod\n$/);
      assert.match(pf.stdout(), new RegExp(`Handling connection for ${local}\n$`));
    });
  }

  for (const { version, path } of VERSIONED_KUBECTLS) {
    it(`kubectl ${version} port-forwards two ports with concurrent connections`, async () => {
      const pf = await forward(['pod/pf-pod', ':80', ':9000'], [80, 9000], path);
      const answers = await Promise.all(Array.from({ length: 20 }, () => httpGet(pf.local.get(80)!, '/')));
      assert.ok(answers.every((a) => a.status === 200 && WELCOME.test(a.body.toString())));
      assert.equal((await httpGet(pf.local.get(9000)!, '/')).body.toString(), 'sidecar-on-localhost\n');
      await pf.stop();
    });
  }

  it('@kubernetes/client-node PortForward carries a connection over the WebSocket channel protocol', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster().kubeconfig);
    const pfw = new PortForward(kc);
    const server: Server = createServer((socket: Socket) => {
      void pfw.portForward('default', 'pf-pod', [9000], socket, null, socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const got = await httpGet(port, '/');
      assert.equal(got.status, 200);
      assert.equal(got.body.toString(), 'sidecar-on-localhost\n');
      const web = createServer((socket: Socket) => void pfw.portForward('default', 'pf-pod', [80], socket, null, socket));
      await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
      const big = await httpGet((web.address() as AddressInfo).port, '/data/big', { timeoutMs: 120_000 });
      web.close();
      assert.equal(big.body.length, BENCH_FILE_MB * 1024 * 1024);
    } finally {
      server.close();
    }
  });

  it("the Python client's portforward reaches two ports of the pod over one WebSocket", { skip: existsSync('/usr/lib/python3/dist-packages/kubernetes/stream/ws_client.py') ? false : 'needs python3-kubernetes' }, async () => {
    const script = join(repoRoot, 'test', 'e2e', 'python', 'port_forward_check.py');
    const r = await run('/usr/bin/python3', [script, cluster().kubeconfig, 'pf-pod', '80,9000'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as Record<string, { status: string; body: string; error: string | null }>;
    assert.equal(seen['80']?.status, 'HTTP/1.1 200 OK');
    assert.match(seen['80']?.body ?? '', WELCOME);
    assert.deepEqual(seen['9000'], { status: 'HTTP/1.1 200 OK', body: 'sidecar-on-localhost\n', error: null });
    assert.equal(seen['80']?.error, null);
  });

  it(`moves ${BENCH_FILE_MB} MiB through kubectl port-forward (figure: MB/s against a direct connection to the pod IP)`, async () => {
    const kubectls = [{ label: 'kubectl 1.32 (SPDY over WebSocket)', path: kubectlPath! }, ...VERSIONED_KUBECTLS.filter((k) => k.version === '1.29').map((k) => ({ label: `kubectl ${k.version} (SPDY/3.1)`, path: k.path }))];
    const figures = await measurePortForward(cluster(), 'pf-pod', kubectls);
    console.log(`# figure: port-forward of ${BENCH_FILE_MB} MiB, best of 3: ${describeThroughput(figures)}`);
    assert.equal(figures.length, kubectls.length + 1);
  });
});
