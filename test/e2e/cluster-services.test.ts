/**
 * The cluster around the pod (issue 6), end to end with the real kubectl on one shared cluster: Deployments and
 * ReplicaSets with their controllers, rollouts and undo, Services with cluster IPs and node ports through the
 * service proxy's iptables rules, Endpoints and EndpointSlices following readiness, the `kubernetes` Service from a
 * pod, and garbage collection of a deleted Deployment's ReplicaSets and pods.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import { e2eSkip, kubectlPath, run, useCluster, watchPod, type Cluster } from './harness.js';
import { seedDocuments } from './seed-manifests.js';
import { startTestUpstreamDns, type TestUpstreamDns } from './upstream-dns.js';

const WELCOME = /Welcome to nginx!/;

async function podNames(c: Cluster, selector: string): Promise<string[]> {
  const out = await c.kubectlOk(['get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']);
  return out.split('\n').filter(Boolean).sort();
}

async function readyReplicas(c: Cluster, deployment: string): Promise<string> {
  return c.kubectlOk(['get', 'deployment', deployment, '-o', 'jsonpath={.status.readyReplicas}/{.spec.replicas}/{.status.updatedReplicas}']);
}

/** The seed document of `kind`/`name` as the seed has it; fails when the seeds lack it. */
function seedManifest(kind: string, name: string): string {
  const doc = seedDocuments().find((d) => d.obj.kind === kind && d.obj.metadata?.name === name);
  assert.ok(doc, `seed manifest ${kind}/${name} (../shared/seeds)`);
  return doc.text;
}

describe('the cluster around the pod: Deployments, Services, proxy, DNS, GC', { skip: e2eSkip }, () => {
  // The cluster DNS forwards names outside the cluster domain only to what --resolv-conf names: here a DNS server
  // this test runs on a loopback address, never the host's resolver.
  const upstreamAddress = '127.53.0.1';
  const resolvConf = join(mkdtempSync(join(tmpdir(), 'k1s-resolv-')), 'resolv.conf');
  writeFileSync(resolvConf, `nameserver ${upstreamAddress}\n`);
  let upstream: TestUpstreamDns | undefined;
  before(async () => {
    upstream = await startTestUpstreamDns(upstreamAddress, { 'outside.example.': '192.0.2.77' });
  });
  after(async () => upstream?.close());
  // The node's address is its pod bridge's gateway (--node-ip), an address the cluster itself creates on this machine, so
  // pods reach node ports and hostPorts on the node's InternalIP; the external IP is only reported, never dialled.
  const octet = 100 + Math.floor(Math.random() * 100);
  const nodeIP = `10.${octet}.0.1`;
  const externalIP = '203.0.113.10';
  const cluster = useCluster({ clusterCidr: `10.${octet}.0.0/16`, extraArgs: ['--resolv-conf', resolvConf, '--node-ip', nodeIP, '--node-external-ip', externalIP] });
  // The pod the Service and DNS tests talk from: set-up, not a test of its own.
  before(async () => {
    const c = cluster();
    await c.kubectlOk(['run', 'client', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '3600']);
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/client', '--timeout=90s'], { timeoutMs: 100_000 });
  });

  it('seed 000 exercise 2: app-with-init waits for the db Service by DNS, then runs', async () => {
    const c = cluster();
    await c.kubectlOk(['apply', '-f', '-'], { input: seedManifest('Pod', 'app-with-init') });
    const waiting = await c.waitFor('the init container to log "waiting"', async () => {
      const r = await c.kubectl(['logs', 'app-with-init', '-c', 'wait-for-db']);
      return r.stdout.includes('waiting') ? r.stdout : undefined;
    }, 90_000);
    assert.match(waiting, /waiting/);
    assert.match((await c.kubectlOk(['get', 'pod', 'app-with-init', '--no-headers'])), /app-with-init\s+0\/1\s+Init:0\/1\s/);
    const watched = watchPod(c, 'app-with-init', /^Running$/, 180_000);
    assert.match(await c.kubectlOk(['apply', '-f', '-'], { input: seedManifest('Deployment', 'db') }), /deployment.apps\/db created/);
    assert.match(await c.kubectlOk(['expose', 'deployment', 'db', '--port=5432']), /service\/db exposed/);
    const rows = await watched;
    const statuses = rows.map((r) => r.status).filter((st, i, all) => st !== all[i - 1]);
    assert.deepEqual(statuses, ['Init:0/1', 'PodInitializing', 'Running']);
    assert.equal(rows.at(-1)?.ready, '1/1');
  });

  it('pods get the cluster DNS in resolv.conf and service environment variables', async () => {
    const c = cluster();
    await c.kubectlOk(['run', 'envcheck', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '3600']);
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/envcheck', '--timeout=90s'], { timeoutMs: 100_000 });
    const resolv = await c.kubectlOk(['exec', 'envcheck', '--', 'cat', '/etc/resolv.conf']);
    assert.equal(resolv, 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.43.0.10\noptions ndots:5\n');
    const env = await c.kubectlOk(['exec', 'envcheck', '--', 'env']);
    const dbIP = await c.kubectlOk(['get', 'svc', 'db', '-o', 'jsonpath={.spec.clusterIP}']);
    for (const line of [`DB_SERVICE_HOST=${dbIP}`, 'DB_SERVICE_PORT=5432', `DB_PORT=tcp://${dbIP}:5432`, `DB_PORT_5432_TCP=tcp://${dbIP}:5432`, 'DB_PORT_5432_TCP_PROTO=tcp', 'DB_PORT_5432_TCP_PORT=5432', `DB_PORT_5432_TCP_ADDR=${dbIP}`, 'KUBERNETES_SERVICE_HOST=10.43.0.1', 'KUBERNETES_SERVICE_PORT=443', 'KUBERNETES_SERVICE_PORT_HTTPS=443']) {
      assert.ok(env.split('\n').includes(line), `${line} in:\n${env}`);
    }
  });

  it('kubectl create deployment web --replicas=2 and expose: READY 2/2, a ClusterIP Service, two endpoints', async () => {
    const c = cluster();
    assert.match(await c.kubectlOk(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']), /deployment.apps\/web created/);
    assert.match(await c.kubectlOk(['expose', 'deployment', 'web', '--port=80']), /service\/web exposed/);
    const status = await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=120s'], { timeoutMs: 130_000 });
    assert.match(status, /deployment "web" successfully rolled out/);
    const deploy = await c.kubectlOk(['get', 'deployment', 'web']);
    assert.match(deploy, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+2\/2\s+2\s+2\s+\S+\n$/);
    const rs = await c.kubectlOk(['get', 'rs', '-l', 'app=web', '-o', 'wide']);
    assert.match(rs, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\nweb-[a-z0-9]{8,10}\s+2\s+2\s+2\s+\S+\s+nginx\s+nginx\s+app=web,pod-template-hash=[a-z0-9]+\n$/);
    const pods = await podNames(c, 'app=web');
    assert.equal(pods.length, 2);
    for (const p of pods) assert.match(p, /^web-[a-z0-9]{8,10}-[a-z0-9]{5}$/);
    const svc = await c.kubectlOk(['get', 'svc', 'web', '-o', 'wide']);
    assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\nweb\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+\s+app=web\n$/);
    const ips = (await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).split(' ').sort();
    const ep = await c.waitFor('two endpoints', async () => {
      const out = await c.kubectlOk(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}']);
      return out.split(' ').filter(Boolean).length === 2 ? out : undefined;
    });
    assert.deepEqual(ep.split(' ').sort(), ips);
    const slices = await c.kubectlOk(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
    assert.match(slices, /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\nweb-[a-z0-9]{5}\s+IPv4\s+80\s+\S+,\S+\s+\S+\n$/);
  });

  it('a pod reaches the Service by its cluster IP, balanced over both pods', async () => {
    const c = cluster();
    const ip = await c.kubectlOk(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
    const out = await c.kubectlOk(['exec', 'client', '--', 'wget', '-qO-', `http://${ip}/`]);
    assert.match(out, WELCOME);
    // Each nginx logs the request it served; over 20 requests both pods serve some.
    for (let i = 0; i < 20; i++) await c.kubectlOk(['exec', 'client', '--', 'wget', '-qO-', `http://${ip}/`]);
    for (const p of await podNames(c, 'app=web')) {
      const logs = await c.kubectlOk(['logs', p]);
      assert.match(logs, /"GET \/ HTTP\/1\.1" 200/, `${p} served requests through the Service`);
    }
  });

  it('the API server proxies to a pod and to a Service: pods/proxy, services/proxy, kubectl proxy', async () => {
    const c = cluster();
    await c.kubectlOk(['run', 'proxied', '--image=nginx', '--port=80', '--labels=app=proxied']);
    await c.kubectlOk(['expose', 'pod', 'proxied', '--port=8080', '--target-port=80']);
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/proxied', '--timeout=90s'], { timeoutMs: 100_000 });
    await c.waitFor('the endpoints of proxied', async () => (await c.kubectlOk(['get', 'endpoints', 'proxied', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])).trim() || undefined);
    // The pod's first declared port by default, or the port the request names; the path after proxy/ goes along.
    assert.match(await c.kubectlOk(['get', '--raw', '/api/v1/namespaces/default/pods/proxied/proxy/']), WELCOME);
    assert.match(await c.kubectlOk(['get', '--raw', '/api/v1/namespaces/default/pods/proxied:80/proxy/index.html?from=pods-proxy']), WELCOME);
    // A Service port number maps to the (unnamed) endpoint port 80.
    assert.match(await c.kubectlOk(['get', '--raw', '/api/v1/namespaces/default/services/proxied:8080/proxy/?from=services-proxy']), WELCOME);
    const wrong = await c.kubectl(['get', '--raw', '/api/v1/namespaces/default/services/proxied:9999/proxy/']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /no service port 9999 found for service "proxied"/);
    // kubectl proxy, as the tutorials use it: a local port in front of the API server.
    const proxy = spawn(kubectlPath!, [`--cache-dir=${join(c.dataDir, 'kube-cache')}`, 'proxy', '--port=0'], { env: { ...process.env, KUBECONFIG: c.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        proxy.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        proxy.once('exit', (code) => reject(new Error(`kubectl proxy exited ${code}: ${out}`)));
      });
      const page = await fetch(`http://127.0.0.1:${port}/api/v1/namespaces/default/services/proxied:8080/proxy/?from=kubectl-proxy`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), WELCOME);
    } finally {
      proxy.kill('SIGTERM');
    }
    const logs = await c.kubectlOk(['logs', 'proxied']);
    for (const from of ['pods-proxy', 'services-proxy', 'kubectl-proxy']) assert.match(logs, new RegExp(`"GET /[a-z.]*\\?from=${from} HTTP/1\\.1" 200`), `nginx served the ${from} request`);
    await c.kubectlOk(['delete', 'service', 'proxied']);
    await c.kubectlOk(['delete', 'pod', 'proxied', '--grace-period=1']);
  });

  it('a deleted pod is replaced, and the endpoints follow', async () => {
    const c = cluster();
    const before = await podNames(c, 'app=web');
    await c.kubectlOk(['delete', 'pod', before[0]!, '--wait=false']);
    const after = await c.waitFor('a replacement pod Ready', async () => {
      const names = await podNames(c, 'app=web');
      const ready = await readyReplicas(c, 'web');
      return names.length === 2 && !names.includes(before[0]!) && ready === '2/2/2' ? names : undefined;
    }, 90_000);
    assert.ok(after.includes(before[1]!));
    const events = await c.kubectlOk(['get', 'events', '--field-selector', 'reason=SuccessfulCreate', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    for (const p of after) assert.match(events, new RegExp(`Created pod: ${p}`));
    const ips = (await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).split(' ').sort().join(' ');
    await c.waitFor('endpoints to follow the new pod', async () => (await c.kubectlOk(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])).split(' ').sort().join(' ') === ips);
  });

  it('scale to 3 and rollout status; set image and rollout undo keep revisions', async () => {
    const c = cluster();
    assert.match(await c.kubectlOk(['scale', 'deployment', 'web', '--replicas=3']), /deployment.apps\/web scaled/);
    await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=120s'], { timeoutMs: 130_000 });
    assert.equal(await readyReplicas(c, 'web'), '3/3/3');
    const events = await c.kubectlOk(['get', 'events', '--field-selector', 'involvedObject.kind=Deployment,involvedObject.name=web', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.match(events, /ScalingReplicaSet: Scaled up replica set web-[a-z0-9]+ from 2 to 3/);
    assert.match(await c.kubectlOk(['set', 'image', 'deployment/web', 'nginx=nginx:1.25-alpine']), /deployment.apps\/web image updated/);
    await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=180s'], { timeoutMs: 190_000 });
    // The old pods terminate (nginx's 30 s grace period is cut short by SIGQUIT); then only new ones are left.
    await c.waitFor('only nginx:1.25-alpine pods', async () => {
      const imgs = (await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])).split(' ');
      return imgs.length === 3 && imgs.every((i) => i === 'nginx:1.25-alpine');
    }, 90_000);
    const history = await c.kubectlOk(['rollout', 'history', 'deployment/web']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    assert.match(await c.kubectlOk(['rollout', 'undo', 'deployment/web']), /deployment.apps\/web rolled back/);
    await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=180s'], { timeoutMs: 190_000 });
    await c.waitFor('only nginx pods', async () => {
      const imgs = (await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])).split(' ');
      return imgs.length === 3 && imgs.every((i) => i === 'nginx');
    }, 90_000);
    assert.match(await c.kubectlOk(['rollout', 'history', 'deployment/web']), /\n2\s+<none>\n3\s+<none>\n/);
    const rs = await c.kubectlOk(['get', 'rs', '-l', 'app=web', '--no-headers']);
    assert.equal(rs.trim().split('\n').length, 2, `two ReplicaSets (one scaled to 0):\n${rs}`);
    assert.match(rs, /\s0\s+0\s+0\s+/);
  });

  it('kubectl get deploy,rs,svc,endpoints,endpointslices,pods -o wide, get all and cluster-info', async () => {
    const c = cluster();
    const wide = await c.kubectlOk(['get', 'deploy,rs,svc,endpoints,endpointslices,pods', '-o', 'wide']);
    for (const header of [/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/, /service\/kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443\/TCP/, /endpoints\/web\s+\S+:80,\S+:80,\S+:80\s/, /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/]) {
      assert.match(wide, header);
    }
    const all = await c.kubectlOk(['get', 'all']);
    for (const kind of [/^pod\/client\s/m, /^service\/web\s/m, /^deployment\.apps\/web\s+3\/3\s/m, /^replicaset\.apps\/web-/m]) assert.match(all, kind);
    const info = await c.kubectlOk(['cluster-info']);
    assert.match(info, /Kubernetes control plane.* is running at .*https:\/\/127\.0\.0\.1:\d+/);
    assert.match(info, /CoreDNS.* is running at /);
  });

  it('a pod reaches the API server through the kubernetes Service, verifying its certificate', async () => {
    const c = cluster();
    await c.kubectlOk(['create', 'configmap', 'cluster-ca', `--from-file=ca.crt=${join(c.dataDir, 'tls', 'ca.crt')}`]);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'curl' },
      spec: {
        containers: [{ name: 'curl', image: 'curlimages/curl:8.4.0', command: ['sleep', '3600'], volumeMounts: [{ name: 'ca', mountPath: '/ca' }] }],
        volumes: [{ name: 'ca', configMap: { name: 'cluster-ca' } }],
      },
    };
    await c.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/curl', '--timeout=90s'], { timeoutMs: 100_000 });
    // /version is public; kube-apiserver writes it indented.
    const out = await c.kubectlOk(['exec', 'curl', '--', 'curl', '-sS', '--cacert', '/ca/ca.crt', 'https://10.43.0.1/version']);
    assert.match(out, /"gitVersion": "v1\.32\.0\+k1s1"/);
    // The certificate names the Service's DNS names too.
    const byName = await c.kubectlOk(['exec', 'curl', '--', 'curl', '-sS', '--cacert', '/ca/ca.crt', 'https://kubernetes.default.svc/version']);
    assert.match(byName, /"gitVersion"/);
    // Without a client certificate or token, resources are 401 (as kube-apiserver without anonymous access).
    const anon = await c.kubectlOk(['exec', 'curl', '--', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', '/ca/ca.crt', 'https://kubernetes.default.svc/api/v1/pods']);
    assert.equal(anon, '401');
  });

  it('a NodePort Service answers on the node address', async () => {
    const c = cluster();
    await c.kubectlOk(['expose', 'deployment', 'web', '--name=web-np', '--type=NodePort', '--port=8080', '--target-port=80']);
    const port = await c.kubectlOk(['get', 'svc', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}']);
    assert.ok(Number(port) >= 30000 && Number(port) <= 32767, `node port ${port} in range`);
    const node = await c.kubectlOk(['get', 'node', c.nodeName, '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}']);
    const gateway = (await c.kubectlOk(['get', 'endpoints', 'kubernetes', '-o', 'jsonpath={.subsets[0].addresses[0].ip}'])).trim();
    const target = gateway || node;
    const got = await c.waitFor('node port answers', async () => {
      const r = await run('curl', ['-s', '--max-time', '3', `http://${target}:${port}/`], { timeoutMs: 5000 });
      return WELCOME.test(r.stdout) ? r.stdout : undefined;
    }, 30_000);
    assert.match(got, WELCOME);
    await c.kubectlOk(['delete', 'svc', 'web-np']);
  });

  it('--node-ip: INTERNAL-IP and hostIP are the node IP, and a pod reaches a NodePort and a hostPort on it', async () => {
    const c = cluster();
    const nodes = await c.kubectlOk(['get', 'node', c.nodeName, '-o', 'wide']);
    assert.match(nodes, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s/);
    const row = nodes.split('\n')[1]?.split(/\s+/) ?? [];
    assert.deepEqual([row[0], row[5], row[6]], [c.nodeName, nodeIP, externalIP]);
    assert.equal(await c.kubectlOk(['get', 'pod', 'client', '-o', 'jsonpath={.status.hostIP} {.status.hostIPs[*].ip}']), `${nodeIP} ${nodeIP}`);
    // The API server reaches the kubelet at the InternalIP: logs and exec go through it.
    assert.equal(await c.kubectlOk(['exec', 'client', '--', 'echo', 'via-node-ip']), 'via-node-ip\n');

    await c.kubectlOk(['expose', 'deployment', 'web', '--name=web-node-ip', '--type=NodePort', '--port=8081', '--target-port=80']);
    const nodePort = await c.kubectlOk(['get', 'svc', 'web-node-ip', '-o', 'jsonpath={.spec.ports[0].nodePort}']);
    const t0 = Date.now();
    const viaNodePort = await c.waitFor('a pod reaches NODE_IP:nodePort', async () => {
      // No `wget -T`: Debian's busybox 1.35 wget segfaults with it (exit 139).
      const r = await c.kubectl(['exec', 'client', '--', 'wget', '-qO-', `http://${nodeIP}:${nodePort}/`], { timeoutMs: 8000 });
      return WELCOME.test(r.stdout) ? r.stdout : undefined;
    }, 30_000);
    assert.match(viaNodePort, WELCOME);
    console.log(`# figure: a pod got nginx's page from ${nodeIP}:${nodePort} (NodePort) ${Date.now() - t0} ms after the Service was created`);

    const hostPort = 18081;
    await c.kubectlOk(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'hostport-web', labels: { app: 'hostport-web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, hostPort }] }] },
      }),
    });
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/hostport-web', '--timeout=90s'], { timeoutMs: 100_000 });
    const fromPod = await c.kubectl(['exec', 'client', '--', 'wget', '-qO-', `http://${nodeIP}:${hostPort}/`], { timeoutMs: 15_000 });
    assert.match(fromPod.stdout, WELCOME, `a pod reaches NODE_IP:hostPort: ${fromPod.stderr}`);
    for (const address of [nodeIP, '127.0.0.1']) {
      const fromHost = await run('curl', ['-s', '--max-time', '5', `http://${address}:${hostPort}/`], { timeoutMs: 8000 });
      assert.match(fromHost.stdout, WELCOME, `the host reaches ${address}:${hostPort}`);
    }
    await c.kubectlOk(['delete', 'pod', 'hostport-web', '--grace-period=1']);
    await c.kubectlOk(['delete', 'svc', 'web-node-ip']);
  });

  it('cluster DNS answers Service, headless, SRV, PTR and pod names, and forwards other names to --resolv-conf', async () => {
    const c = cluster();
    const webIP = await c.kubectlOk(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
    const lookup = (name: string, type = 'A') => c.kubectl(['exec', 'client', '--', 'nslookup', `-type=${type}`, name]);
    // (busybox nslookup exits 1 on any NXDOMAIN among the search suffixes, so `web.default` fails with it on any
    // cluster; short names and FQDNs are what the seeds use.)
    for (const name of ['web', 'web.default.svc.cluster.local']) {
      const r = await lookup(name);
      assert.equal(r.code, 0, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`Address:\\s+${webIP.replace(/\./g, '\\.')}\\s`));
    }
    assert.match((await c.kubectlOk(['exec', 'client', '--', 'wget', '-qO-', 'http://web'])), WELCOME, 'wget http://web by name');
    await c.kubectlOk(['create', 'service', 'clusterip', 'web-headless', '--clusterip=None', '--tcp=80:80']);
    await c.kubectlOk(['patch', 'service', 'web-headless', '-p', '{"spec":{"selector":{"app":"web"}}}']);
    const podIPs = (await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).split(' ').sort();
    const headless = await c.waitFor('headless answers', async () => {
      const r = await lookup('web-headless.default.svc.cluster.local');
      const ips = [...r.stdout.matchAll(/Address:\s+(10\.\d+\.\d+\.\d+)\s/g)].map((m) => m[1]).filter((ip) => ip !== undefined && podIPs.includes(ip));
      return ips.length === podIPs.length ? ips.sort() : undefined;
    }, 30_000);
    assert.deepEqual(headless, podIPs);
    const srv = await lookup('_80-80._tcp.web-headless.default.svc.cluster.local', 'SRV');
    // busybox prints SRV as `service = PRIORITY WEIGHT PORT TARGET`; each endpoint is named by its dashed IP.
    assert.equal([...srv.stdout.matchAll(/service = 0 \d+ 80 10-\d+-\d+-\d+\.web-headless\.default\.svc\.cluster\.local/g)].length, podIPs.length, srv.stdout);
    // busybox turns an address into its in-addr.arpa PTR query by itself.
    const ptr = await c.kubectl(['exec', 'client', '--', 'nslookup', webIP]);
    assert.match(ptr.stdout, /name = web\.default\.svc\.cluster\.local/);
    const podName = `${podIPs[0]!.replace(/\./g, '-')}.default.pod.cluster.local`;
    assert.match((await lookup(podName)).stdout, new RegExp(`Address:\\s+${podIPs[0]!.replace(/\./g, '\\.')}\\s`));
    const missing = await lookup('nope.default.svc.cluster.local');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stdout + missing.stderr, /NXDOMAIN/);
    const outside = await lookup('outside.example');
    assert.equal(outside.code, 0, outside.stdout + outside.stderr);
    assert.match(outside.stdout, /Address:\s+192\.0\.2\.77/);
    assert.ok((upstream?.queries ?? []).some((q) => q.startsWith('outside.example')), 'the test upstream was asked');
    await c.kubectlOk(['delete', 'svc', 'web-headless']);
  });

  it('kubectl delete deployment web removes its ReplicaSets and pods (background propagation)', async () => {
    const c = cluster();
    await c.kubectlOk(['delete', 'deployment', 'web']);
    await c.waitFor('ReplicaSets gone', async () => (await c.kubectlOk(['get', 'rs', '-l', 'app=web', '-o', 'name'])).trim() === '', 60_000);
    await c.waitFor('pods gone', async () => (await podNames(c, 'app=web')).length === 0, 90_000);
    await c.waitFor('endpoints emptied', async () => (await c.kubectlOk(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets}'])).trim() === '', 30_000);
    await c.kubectlOk(['delete', 'svc', 'web']);
    await c.waitFor('slices of web gone', async () => (await c.kubectlOk(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'name'])).trim() === '', 30_000);
  });
});
