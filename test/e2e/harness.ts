/**
 * End-to-end harness: starts a real `k1s server` (bin/k1s, which runs containerd + runc + CNI) on a temporary
 * data dir and port, imports the busybox test images, serves the other test images (nginx, curl, a postgres
 * stand-in: test/images/test-images.ts) from a local mirror of docker.io, drives it with the real kubectl
 * binary, and on teardown
 * deletes every pod, stops the server by pid, runs `k1s killall`, and reports anything left behind.
 * With `K1S_E2E_DATASTORE=etcd` in the environment every cluster keeps its state in an etcd of its own
 * (Debian's /usr/bin/etcd on 127.0.0.1, `--datastore-endpoint`), so any suite can be run against etcd.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { existsSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CNI_CONFLIST_NAME, conflistBridge } from '../../src/containerd/cni.js';
import { runtimePaths } from '../../src/containerd/paths.js';
import { chainPrefixFor } from '../../src/cli/host-network.js';
import { startEtcd, type EtcdProcess } from '../../src/storage/testing/etcd-process.js';
import { freeLocalPort } from '../../src/containerd/supervisor.js';
import { testImages, type TestImages } from '../images/test-images.js';
import { startOciRegistry, type OciRegistry } from '../registry/oci-registry.js';
import { k1sBin } from './paths.js';

/** Path of the real kubectl, or undefined when the machine has none. */
export const kubectlPath = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

/** `kubectl.1.NN` binaries beside the default kubectl (`readlink -f "$(command -v kubectl)"`), oldest first. */
export function versionedKubectls(): { version: string; path: string }[] {
  if (!kubectlPath) return [];
  const dir = dirname(realpathSync(kubectlPath));
  return readdirSync(dir)
    .map((f) => /^kubectl\.(1\.(\d+))$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[2]) - Number(b[2]))
    .map((m) => ({ version: m[1]!, path: join(dir, m[0]) }));
}

/** True when this process can run containers (root, containerd installed). */
export const canRunContainers = process.getuid?.() === 0 && existsSync('/usr/bin/containerd') && existsSync('/usr/sbin/runc');

/** The `skip` option of an e2e suite: why it cannot run here, or false. */
export const e2eSkip: string | false = !canRunContainers ? 'needs root, containerd and runc' : !kubectlPath ? 'needs kubectl' : false;

/** Result of one command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never rejects (the code tells). */
export function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolveRun) => {
    const child = execFile(
      file,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolveRun({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** A running test cluster. */
export interface Cluster {
  dataDir: string;
  port: number;
  kubeconfig: string;
  nodeName: string;
  /** Runs kubectl against the cluster. */
  kubectl(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<CommandResult>;
  /** Runs kubectl and throws (with its stderr) unless it exits 0; returns stdout. */
  kubectlOk(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** Polls `fn` every 250 ms until it returns a truthy value or `timeoutMs` passes (then throws with `what`). */
  waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  /** Deletes all pods, stops the server and the runtime, removes the data dir; returns what was left behind. */
  stop(): Promise<string[]>;
  /** The server's log so far (stderr and stdout). */
  serverLog(): string;
  /**
   * Stops the server with SIGTERM (pods keep running) and starts it again on the same data dir and port.
   * Resolves with how long the old process took to exit after SIGTERM, ms.
   */
  restart(): Promise<{ stopMs: number }>;
  /**
   * Kills the server with SIGKILL (no shutdown step runs: containerd, the shims and the SQLite file are left
   * exactly as they were at that instant) and starts it again at once on the same data dir and port. Resolves
   * with how long the new process took to be ready, ms.
   */
  crash(): Promise<{ readyMs: number }>;
  /** Pid of the running `k1s server` process (for /proc/<pid>/stat), or undefined when it is not running. */
  serverPid(): number | undefined;
  /** The test images the cluster's docker.io mirror serves (busybox is also imported at start). */
  images: TestImages;
}

function shimPidsFor(socket: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(socket)) pids.push(Number(entry));
    } catch {
      // process ended
    }
  }
  return pids;
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === dir || p.startsWith(dir + '/'));
}

function netnsList(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

/** How to start a test cluster. */
export interface ClusterOptions {
  nodeName?: string;
  extraArgs?: string[];
  /** More registries.yaml mirrors (host → endpoints) besides docker.io's local mirror; read when the cluster starts. */
  mirrors?: Record<string, string[]>;
  /** `--cluster-cidr`; default a random 10.1xx.0.0/16. */
  clusterCidr?: string;
  /** Runs on the fresh data dir before the server starts (e.g. to fill DATA_DIR/agent/images). */
  beforeStart?: (dataDir: string) => Promise<void>;
  /** More server flags that name paths in the data dir (after `extraArgs`). */
  argsFor?: (dataDir: string) => string[];
}

/**
 * Starts a cluster; the busybox images (1.36, 1.35, latest) are imported before it resolves, and every test
 * image (busybox, nginx, nginx:alpine, curlimages/curl, postgres:alpine stand-in; see TEST_IMAGE_REFS) can be
 * pulled from the local docker.io mirror. The archives are built once and cached (test-images.ts).
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'k1s-e2e-'));
  const port = await freeLocalPort();
  const nodeName = options.nodeName ?? 'k1s-e2e';
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  const netnsBefore = new Set(netnsList());
  const logFile = join(dataDir, 'server.log');
  // Images built from Debian packages (test/images/): busybox:1.36/1.35/latest are imported with
  // `k1s images import`; `image: busybox` (pull policy Always), nginx, curl and the rest pull from this local
  // mirror of docker.io.
  const images = await testImages();
  if (images.buildMs > 0) console.log(`# figure: test images built in ${images.buildMs} ms (${images.archives.map((a) => `${a.name} ${(a.bytes / 1e6).toFixed(1)} MB`).join(', ')})`);
  const archive = images.busybox;
  const registry: OciRegistry = await startOciRegistry(images.archives.map((a) => a.file));
  const registriesYaml = join(dataDir, 'registries.yaml');
  const extraMirrors = Object.entries(options.mirrors ?? {})
    .map(([host, endpoints]) => `  "${host}":\n    endpoint:\n${endpoints.map((e) => `      - "${e}"\n`).join('')}`)
    .join('');
  writeFileSync(registriesYaml, `mirrors:\n  docker.io:\n    endpoint:\n      - "${registry.url}"\n${extraMirrors}`);
  const out = openSync(logFile, 'a');
  // A /16 of its own, so that two clusters on this machine never share a bridge subnet.
  const cidr = options.clusterCidr ?? `10.${100 + Math.floor(Math.random() * 100)}.0.0/16`;
  await options.beforeStart?.(dataDir);
  const args = [
    k1sBin,
    'server',
    '--data-dir',
    dataDir,
    '--https-listen-port',
    String(port),
    '--node-name',
    nodeName,
    '--cluster-cidr',
    cidr,
    '--disable-default-registry-endpoint',
    '--private-registry',
    registriesYaml,
    ...(options.extraArgs ?? []),
    ...(options.argsFor?.(dataDir) ?? []),
  ];
  let etcd: EtcdProcess | undefined;
  if (process.env['K1S_E2E_DATASTORE'] === 'etcd' && !args.includes('--datastore-endpoint')) {
    etcd = await startEtcd();
    args.push('--datastore-endpoint', etcd.endpoint);
  }
  let server: ChildProcess | undefined;
  let exited = false;
  let lastStopMs = 0;
  const spawnServer = () => {
    exited = false;
    rmSync(join(dataDir, 'ready'), { force: true });
    const child = spawn(process.execPath, args, { stdio: ['ignore', out, out] });
    child.once('exit', () => {
      if (server === child) exited = true;
    });
    server = child;
  };
  const stopServer = async (): Promise<string | undefined> => {
    const s = server;
    if (!s || exited) return undefined;
    const done = new Promise((r) => s.once('exit', r));
    const t0 = Date.now();
    s.kill('SIGTERM');
    await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))]);
    lastStopMs = Date.now() - t0;
    let problem: string | undefined;
    if (s.exitCode === null && s.signalCode === null) {
      problem = `k1s server pid ${s.pid} did not stop on SIGTERM`;
      s.kill('SIGKILL');
      await done;
    }
    server = undefined;
    return problem;
  };
  spawnServer();

  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const kubectlArgs = (a: string[]) => [`--cache-dir=${join(dataDir, 'kube-cache')}`, ...a];
  const cluster: Cluster = {
    dataDir,
    port,
    kubeconfig,
    nodeName,
    images,
    serverLog: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async kubectl(a, o = {}) {
      if (!kubectlPath) throw new Error('kubectl is not installed');
      return run(kubectlPath, kubectlArgs(a), { env, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
    },
    async kubectlOk(a, o = {}) {
      const r = await cluster.kubectl(a, o);
      if (r.code !== 0) throw new Error(`kubectl ${a.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async waitFor(what, fn, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        try {
          const v = await fn();
          if (v) return v as never;
        } catch (err) {
          last = err;
        }
        if (exited) throw new Error(`k1s server exited while waiting for ${what}\n${cluster.serverLog().slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async restart() {
      const problem = await stopServer();
      if (problem) throw new Error(problem);
      const stopMs = lastStopMs;
      spawnServer();
      await cluster.waitFor('the server to be ready again', async () => existsSync(join(dataDir, 'ready')), 120_000);
      return { stopMs };
    },
    async crash() {
      const s = server;
      if (!s || exited) throw new Error('k1s server is not running');
      const done = new Promise((r) => s.once('exit', r));
      s.kill('SIGKILL');
      await done;
      const t0 = Date.now();
      spawnServer();
      await cluster.waitFor('the server to be ready after SIGKILL', async () => existsSync(join(dataDir, 'ready')), 120_000);
      return { readyMs: Date.now() - t0 };
    },
    serverPid: () => (server && !exited ? server.pid : undefined),
    async stop() {
      const left: string[] = [];
      if (server && !exited) {
        await cluster.kubectl(['delete', 'pods', '--all', '--all-namespaces', '--grace-period=1', '--wait=true', '--timeout=60s'], { timeoutMs: 90_000 });
        const problem = await stopServer();
        if (problem) left.push(problem);
      }
      await registry.close();
      const bridge = conflistBridge(existsSync(join(runtimePaths(dataDir).cniConfDir, CNI_CONFLIST_NAME)) ? readFileSync(join(runtimePaths(dataDir).cniConfDir, CNI_CONFLIST_NAME), 'utf8') : '');
      const killall = await run(process.execPath, [k1sBin, 'killall', '--data-dir', dataDir], { timeoutMs: 60_000 });
      if (killall.code !== 0) left.push(`k1s killall failed: ${killall.stderr}`);
      await etcd?.stop();
      const socket = runtimePaths(dataDir).socket;
      for (const pid of shimPidsFor(socket)) left.push(`process ${pid} still uses ${socket}`);
      for (const m of mountsUnder(dataDir)) left.push(`mount ${m}`);
      // k1s's containerd mounts pod netns under its state dir (covered by the mount check above); a `cni-*` entry
      // in /run/netns is one a runtime made outside it. Other names there belong to other tests (netns labs).
      for (const ns of netnsList()) if (!netnsBefore.has(ns) && ns.startsWith('cni-')) left.push(`netns ${ns}`);
      // This data dir's chains only (KUBE-* for /var/lib/k1s, K1Sxxxx-* otherwise): other servers may be running.
      const prefix = chainPrefixFor(dataDir);
      for (const table of ['nat', 'filter']) {
        const saved = await run('iptables-save', ['-t', table], { timeoutMs: 10_000 });
        for (const chain of saved.stdout.match(new RegExp(`^:${prefix}-\\S+`, 'gm')) ?? []) left.push(`iptables ${table} chain ${chain.slice(1)}`);
      }
      if (bridge !== undefined && existsSync(`/sys/class/net/${bridge}`)) left.push(`bridge ${bridge}`);
      if (left.length === 0) await rm(dataDir, { recursive: true, force: true });
      return left;
    },
  };

  try {
    await cluster.waitFor('the server to be ready', async () => existsSync(join(dataDir, 'ready')), 120_000);
    const imp = await run(process.execPath, [k1sBin, 'images', 'import', '--data-dir', dataDir, archive], { timeoutMs: 120_000 });
    if (imp.code !== 0) throw new Error(`k1s images import failed: ${imp.stderr}`);
    await cluster.waitFor('node Ready', async () => {
      const r = await cluster.kubectl(['get', 'node', nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
      return r.stdout.trim() === 'True';
    });
  } catch (err) {
    const log = cluster.serverLog();
    await cluster.stop().catch(() => []);
    throw new Error(`${String(err)}\n--- server log (tail) ---\n${log.slice(-6000)}`);
  }
  return cluster;
}

/** Pod manifest text → `kubectl apply -f -`, then waits until `kubectl get pod NAME` STATUS matches. Returns ms taken. */
export async function applyAndWait(cluster: Cluster, manifest: string, name: string, status: RegExp, timeoutMs = 90_000): Promise<number> {
  const t0 = Date.now();
  await cluster.kubectlOk(['apply', '-f', '-'], { input: manifest });
  await cluster.waitFor(`pod ${name} STATUS ${status}`, async () => {
    const row = await podRow(cluster, name);
    return row && status.test(row.status) ? row : undefined;
  }, timeoutMs);
  return Date.now() - t0;
}

/** One row of `kubectl get pod NAME` (human output, parsed). */
export interface PodRow {
  name: string;
  ready: string;
  status: string;
  restarts: string;
  age: string;
}

/** Reads `kubectl get pod NAME --no-headers` as the user sees it. */
export async function podRow(cluster: Cluster, name: string, namespace = 'default'): Promise<PodRow | undefined> {
  const r = await cluster.kubectl(['get', 'pod', name, '-n', namespace, '--no-headers']);
  if (r.code !== 0) return undefined;
  const cols = r.stdout.trim().split(/\s{2,}/);
  if (cols.length < 5) return undefined;
  return { name: cols[0]!, ready: cols[1]!, status: cols[2]!, restarts: cols[3]!, age: cols[cols.length - 1]! };
}

/** A row of `kubectl get pod --watch` and when it was printed (ms since the watch started). */
export interface WatchedRow extends PodRow {
  atMs: number;
}

/**
 * Runs `kubectl get pod NAME --watch` as the user types it (the pod must exist) and collects every row it
 * prints until one's STATUS matches `until`; then stops kubectl (by its pid) and resolves with the rows, header
 * left out. Rejects, with the rows so far, when kubectl exits first or `timeoutMs` passes.
 */
export function watchPod(cluster: Cluster, name: string, until: RegExp, timeoutMs = 90_000): Promise<WatchedRow[]> {
  if (!kubectlPath) return Promise.reject(new Error('kubectl is not installed'));
  const child = spawn(kubectlPath, [`--cache-dir=${join(cluster.dataDir, 'kube-cache')}`, 'get', 'pod', name, '--watch'], {
    env: { ...process.env, KUBECONFIG: cluster.kubeconfig },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const t0 = Date.now();
  const rows: WatchedRow[] = [];
  let stderr = '';
  let buffered = '';
  return new Promise<WatchedRow[]>((resolveWatch, rejectWatch) => {
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      if (child.exitCode === null) child.kill('SIGTERM');
      if (err) rejectWatch(err);
      else resolveWatch(rows);
    };
    const timer = setTimeout(() => finish(new Error(`timed out watching pod ${name} for STATUS ${until}: ${JSON.stringify(rows)}`)), timeoutMs);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const cols = line.trim().split(/\s{2,}/);
        if (cols[0] === 'NAME' || cols.length < 5) continue;
        const row = { name: cols[0]!, ready: cols[1]!, status: cols[2]!, restarts: cols[3]!, age: cols[cols.length - 1]!, atMs: Date.now() - t0 };
        rows.push(row);
        if (until.test(row.status)) return finish();
      }
    });
    child.once('exit', (code) => finish(new Error(`kubectl get pod ${name} --watch exited (${code}) before STATUS ${until}: ${stderr}${JSON.stringify(rows)}`)));
  });
}

/**
 * Registers, inside a `describe`, a `before` that starts a cluster and an `after` that stops it and asserts that
 * nothing was left behind. Returns a getter for the running cluster (valid inside the suite's tests).
 */
export function useCluster(options: ClusterOptions = {}): () => Cluster {
  let cluster: Cluster | undefined;
  before(async () => {
    cluster = await startCluster(options);
  });
  after(async () => {
    if (!cluster) return;
    const left = await cluster.stop();
    assert.deepEqual(left, [], 'nothing is left behind');
  });
  return () => {
    if (!cluster) throw new Error('the cluster is not running');
    return cluster;
  };
}
