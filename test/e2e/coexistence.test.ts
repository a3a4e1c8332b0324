// End-to-end (root, under /tmp/k1s-e2e.lock): two k1s servers on one machine (own data dir, port, cluster CIDR; the same default service CIDR) each run pods and reach their own Services; `k1s killall --data-dir` of one leaves the other running; `k1s images import` of tag-only OCI, docker and compressed archives; the airgap directory at start.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chainPrefixFor } from '../../src/cli/host-network.js';
import { CNI_CONFLIST_NAME, conflistBridge } from '../../src/containerd/cni.js';
import { buildOciImage, type BuiltImage } from '../../src/containerd/oci-archive.js';
import { runtimePaths } from '../../src/containerd/paths.js';
import { dockerArchive, tagOnlyOciArchive, writeArchive } from '../../src/containerd/testing/archive-forms.js';
import { busyboxImageDescription } from '../images/busybox.js';
import { applyAndWait, e2eSkip, podRow, run, startCluster, type Cluster } from './harness.js';
import { k1sBin } from './paths.js';

/** A busybox httpd pod answering `name` on :8080, and a Service `web` in front of it. */
function webManifest(name: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { app: web }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: web
      image: busybox:1.36
      imagePullPolicy: IfNotPresent
      command: ['sh', '-c', 'mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 8080 -h /www']
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;
}

function bridgeOf(cluster: Cluster): string {
  const bridge = conflistBridge(readFileSync(join(runtimePaths(cluster.dataDir).cniConfDir, CNI_CONFLIST_NAME), 'utf8'));
  assert.ok(bridge, `a bridge in ${cluster.dataDir}'s conflist`);
  return bridge;
}

/** The chains of `prefix` in nat and filter, as "table/chain". */
async function chainsOf(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const table of ['nat', 'filter']) {
    const saved = await run('iptables-save', ['-t', table], { timeoutMs: 10_000 });
    for (const m of saved.stdout.matchAll(new RegExp(`^:(${prefix}-\\S+)`, 'gm'))) out.push(`${table}/${m[1]}`);
  }
  return out;
}

/** GET http://ip:port/ from the host; the body, trimmed. */
function httpGet(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port, timeout: 5_000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${ip}:${port}/ timed out`)));
    req.on('error', reject);
  });
}

describe('two servers on one machine', { skip: e2eSkip, timeout: 240_000 }, () => {
  let a: Cluster | undefined;
  let b: Cluster | undefined;
  let image: BuiltImage;
  let work = '';
  const t0 = Date.now();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'k1s-coexist-'));
    image = await buildOciImage(await busyboxImageDescription(undefined, ['docker.io/library/busybox:1.36']));
    // A's airgap directory: a tag-only OCI archive (zstd) named after its file, and a docker archive.
    const fillAirgap = async (dataDir: string): Promise<void> => {
      const dir = join(dataDir, 'agent', 'images');
      await mkdir(dir, { recursive: true });
      await writeArchive(join(dir, 'airgap-box.tar.zst'), await tagOnlyOciArchive(image, 'v1'));
      await writeArchive(join(dir, 'saved.tar'), await dockerArchive(image, ['airgap/docker:2']));
    };
    [a, b] = await Promise.all([
      startCluster({ nodeName: 'coexist-a', clusterCidr: '10.181.0.0/16', beforeStart: fillAirgap }),
      startCluster({ nodeName: 'coexist-b', clusterCidr: '10.182.0.0/16' }),
    ]);
    console.log(`# figure: two servers ready (started in parallel) in ${Date.now() - t0} ms`);
  });

  after(async () => {
    const left = [...((await a?.stop()) ?? []), ...((await b?.stop()) ?? [])];
    await rm(work, { recursive: true, force: true });
    console.log(`# figure: coexistence suite ${Date.now() - t0} ms`);
    assert.deepEqual(left, [], 'nothing is left behind');
  });

  it('imports the airgap directory at start: a tag-only OCI archive named after its file, a docker archive by its RepoTags', async () => {
    const list = await run(process.execPath, [k1sBin, 'images', 'list', '--data-dir', a!.dataDir]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^docker\.io\/library\/airgap-box:v1\s/m);
    assert.match(list.stdout, /^docker\.io\/airgap\/docker:2\s/m);
    const lines = a!.serverLog().split('\n').filter((l) => l.includes('airgap images: imported'));
    assert.equal(lines.length, 2, lines.join('\n'));
    for (const l of lines) console.log(`# figure: ${l.replace(/^\S+ INFO\s+/, '')}`);
  });

  it('gives each server its own bridge and chain prefix', () => {
    assert.notEqual(bridgeOf(a!), bridgeOf(b!));
    assert.notEqual(chainPrefixFor(a!.dataDir), chainPrefixFor(b!.dataDir));
  });

  it('runs a pod on each, each reaching its own pod IP and its own Service (same service CIDR on both)', async () => {
    const ms = await Promise.all([applyAndWait(a!, webManifest('from-a'), 'web', /^Running$/), applyAndWait(b!, webManifest('from-b'), 'web', /^Running$/)]);
    console.log(`# figure: web pods Running in ${ms.join(' / ')} ms`);
    for (const [cluster, name, cidr] of [[a!, 'from-a', /^10\.181\./], [b!, 'from-b', /^10\.182\./]] as const) {
      const podIP = (await cluster.kubectlOk(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).trim();
      assert.match(podIP, cidr);
      assert.equal(await httpGet(podIP, 8080), name, `host → ${cluster.nodeName} pod IP`);
      // Through the Service's cluster IP, then by name through the cluster DNS (10.43.0.10 on both servers).
      const clusterIP = (await cluster.kubectlOk(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
      for (const url of [`http://${clusterIP}/`, 'http://web.default.svc.cluster.local/']) {
        const got = await cluster.waitFor(`${cluster.nodeName}'s Service answering at ${url}`, async () => {
          const r = await cluster.kubectl(['exec', 'web', '--', 'timeout', '5', 'wget', '-qO-', url]);
          return r.code === 0 ? r.stdout.trim() : undefined;
        }, 20_000);
        assert.equal(got, name, `${cluster.nodeName}'s pod → its own Service at ${url}`);
      }
    }
  });

  it('imports a tag-only OCI archive (gzip, --name), a docker archive (zstd) and refuses a non-image in one line', async () => {
    const tagOnly = join(work, 'tagonly.tar.gz');
    const docker = join(work, 'saved-app.tar.zst');
    const plain = join(work, 'coexist-box.tar');
    await writeArchive(tagOnly, await tagOnlyOciArchive(image, '1.0'));
    await writeArchive(docker, await dockerArchive(image, ['busybox-docker:1.35']));
    await writeArchive(plain, await tagOnlyOciArchive(image, '3'));
    const t = Date.now();
    const imp = await run(process.execPath, [k1sBin, 'images', 'import', '--data-dir', b!.dataDir, '--name', 'registry.local/team/app', tagOnly, docker]);
    const importMs = Date.now() - t;
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /^imported registry\.local\/team\/app:1\.0 /m);
    assert.match(imp.stdout, /^imported docker\.io\/library\/busybox-docker:1\.35$/m);
    const t2 = Date.now();
    const imp2 = await run(process.execPath, [k1sBin, 'images', 'import', '--data-dir', b!.dataDir, plain]);
    assert.equal(imp2.code, 0, imp2.stderr);
    assert.match(imp2.stdout, /^imported docker\.io\/library\/coexist-box:3 /m);
    // Progress on stderr (not a terminal: plain lines): each archive, and each layer once it has passed.
    const esc = (f: string) => f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    for (const [r, f] of [[imp, tagOnly], [imp, docker], [imp2, plain]] as const) {
      assert.match(r.stderr, new RegExp(`^importing ${esc(f)} \\(\\S+\\)$`, 'm'));
      assert.match(r.stderr, new RegExp(`^${esc(f)}: layer (sha256:[0-9a-f]{12}|[^/ ]+/layer\\.tar) \\S+$`, 'm'));
    }
    console.log(`# figure: k1s images import of a 1 MB .tar.gz + .tar.zst: ${importMs} ms; of a plain tag-only .tar: ${Date.now() - t2} ms`);

    // The imported names are what CRI resolves: a pod runs them with imagePullPolicy Never.
    const containers = ['registry.local/team/app:1.0', 'busybox-docker:1.35', 'coexist-box:3'].map(
      (img, i) => `    - { name: c${i}, image: "${img}", imagePullPolicy: Never, command: ['sleep', '3600'] }`,
    );
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: { name: imported }\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n${containers.join('\n')}\n`;
    await applyAndWait(b!, pod, 'imported', /^Running$/, 60_000);

    // A bigger archive (the ~11 MB nginx test image): plain, then zstd-compressed (decompressed into ctr's stdin).
    const nginx = b!.images.archives.find((x) => x.name === 'nginx');
    assert.ok(nginx);
    const nginxZst = join(work, 'nginx.tar.zst');
    await writeArchive(nginxZst, readFileSync(nginx.file));
    const timed = async (file: string): Promise<number> => {
      const t1 = Date.now();
      const r = await run(process.execPath, [k1sBin, 'images', 'import', '--data-dir', b!.dataDir, file]);
      assert.equal(r.code, 0, r.stderr);
      return Date.now() - t1;
    };
    const zstMs = await timed(nginxZst);
    const plainMs = await timed(nginx.file);
    console.log(`# figure: k1s images import of nginx (${(nginx.bytes / 1e6).toFixed(1)} MB): .tar.zst (new content) ${zstMs} ms, then plain .tar (content present) ${plainMs} ms`);

    const notImage = join(work, 'notes.tar');
    await writeFile(notImage, 'no tar at all');
    const refused = await run(process.execPath, [k1sBin, 'images', 'import', '--data-dir', b!.dataDir, notImage]);
    assert.notEqual(refused.code, 0);
    assert.equal(refused.stderr, `k1s images import: cannot import image archive "${notImage}": not a tar archive (plain, gzip or zstd compressed)\n`);
  });

  it('k1s killall --data-dir of one server leaves the other its pods, bridge and chains', async () => {
    const bridgeA = bridgeOf(a!);
    const bridgeB = bridgeOf(b!);
    const prefixA = chainPrefixFor(a!.dataDir);
    const prefixB = chainPrefixFor(b!.dataDir);
    const chainsB = await chainsOf(prefixB);
    assert.ok(chainsB.includes(`nat/${prefixB}-SERVICES`) && chainsB.includes(`filter/${prefixB}-SERVICE-GUARD`), chainsB.join(' '));
    assert.ok((await chainsOf(prefixA)).includes(`filter/${prefixA}-SERVICE-GUARD`));

    // Stop A as a user would (its pods keep running in their shims), then killall its data dir.
    const pid = a!.serverPid();
    assert.ok(pid);
    process.kill(pid, 'SIGTERM');
    await a!.waitFor('server A to exit', async () => a!.serverPid() === undefined).catch(() => undefined);
    const t = Date.now();
    const killall = await run(process.execPath, [k1sBin, 'killall', '--data-dir', a!.dataDir], { timeoutMs: 60_000 });
    console.log(`# figure: k1s killall --data-dir A with one pod running: ${Date.now() - t} ms`);
    assert.equal(killall.code, 0, killall.stderr);

    assert.equal(existsSync(`/sys/class/net/${bridgeA}`), false, `A's bridge ${bridgeA} is gone`);
    assert.deepEqual(await chainsOf(prefixA), [], `A's chains are gone`);
    assert.equal(existsSync(`/sys/class/net/${bridgeB}`), true, `B's bridge ${bridgeB} is still there`);
    assert.deepEqual((await chainsOf(prefixB)).sort(), [...chainsB].sort(), `B's chains are untouched`);
    assert.equal((await podRow(b!, 'web'))?.status, 'Running');
    assert.equal((await podRow(b!, 'imported'))?.status, 'Running');
    const r = await b!.kubectl(['exec', 'web', '--', 'timeout', '5', 'wget', '-qO-', 'http://web.default.svc.cluster.local/']);
    assert.equal(r.stdout.trim(), 'from-b', r.stderr);
  });
});
