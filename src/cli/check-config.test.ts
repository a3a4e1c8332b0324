import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupLayout, kernelVersion, preflight, renderChecks, runChecks, type Host } from './check-config.js';
import { StartupError } from './error-line.js';
import { parseServerFlags } from './server-flags.js';

const inputs = { env: {}, defaultConfigFile: '/nonexistent/k1s-config.yaml' };
const V1_MOUNTS = [
  'tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0',
  'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0',
  'cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,relatime,memory 0 0',
  'cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0',
  'cgroup /sys/fs/cgroup/devices cgroup rw,relatime,devices 0 0',
  'cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0',
].join('\n');
const V2_MOUNTS = 'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime 0 0';

/** A machine with everything k1s needs; `change` takes things away. */
function fakeHost(change: Partial<Host> & { files?: Record<string, string | undefined> } = {}): Host {
  const files: Record<string, string | undefined> = {
    '/proc/self/mounts': V2_MOUNTS,
    '/sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n',
    '/proc/filesystems': 'nodev\tsysfs\nnodev\toverlay\n',
    '/proc/sys/net/ipv4/ip_forward': '1\n',
    '/proc/self/status': 'Name:\tnode\nCapEff:\t000001ffffffffff\n',
    '/etc/resolv.conf': 'nameserver 127.0.0.53\n',
    ...change.files,
  };
  const present = new Set(['/usr/bin/containerd', '/usr/bin/ctr', '/usr/sbin/runc', '/usr/bin/catatonit', '/usr/sbin/iptables', '/proc/self/ns/net', '/proc/sys/net/bridge/bridge-nf-call-iptables', ...['bridge', 'host-local', 'portmap', 'loopback'].map((p) => `/usr/lib/cni/${p}`)]);
  return {
    uid: () => 0,
    kernelRelease: () => '6.1.0-18-amd64',
    readFile: (path) => files[path],
    exists: (path) => present.has(path) || files[path] !== undefined,
    writable: () => true,
    run: async (path) => (present.has(path) ? `${path.split('/').pop()} version 1.2.3\n` : undefined),
    portFree: async () => true,
    portOwner: () => undefined,
    ...change,
  };
}

test('runChecks passes a machine that has everything, and names the versions it found', async () => {
  const results = await runChecks(parseServerFlags(['--data-dir', '/tmp/k1s-check'], inputs), fakeHost());
  assert.deepEqual(results.filter((r) => r.status !== 'pass'), []);
  const byName = new Map(results.map((r) => [r.name, r]));
  assert.equal(byName.get('containerd')?.detail, '/usr/bin/containerd: containerd version 1.2.3');
  assert.equal(byName.get('cgroups')?.detail, 'cgroup v2, controllers: cpuset cpu io memory hugetlb pids rdma misc');
  assert.equal(byName.get('kernel')?.detail, '6.1.0-18-amd64');
  assert.match(renderChecks(results), /^\d+ passed, 0 warnings, 0 failed$/m);
});

test('runChecks fails a missing containerd with the apt-get line, fatal only when k1s starts containerd itself', async () => {
  const host = fakeHost({ exists: (p) => p !== '/usr/bin/containerd' && fakeHost().exists(p) });
  const own = (await runChecks(parseServerFlags([], inputs), host)).find((r) => r.name === 'containerd');
  assert.deepEqual(own, { name: 'containerd', status: 'fail', detail: '/usr/bin/containerd not found', fix: 'apt-get install -y containerd', fatal: true });
  const external = (await runChecks(parseServerFlags(['--container-runtime-endpoint', '/run/other.sock'], inputs), host)).find((r) => r.name === 'containerd');
  assert.equal(external?.status, 'warn');
  assert.equal(external?.fatal, false);
});

test('runChecks warns about what degrades pods and fails missing cgroup controllers, with the fixing command', async () => {
  const results = await runChecks(
    parseServerFlags([], inputs),
    fakeHost({
      kernelRelease: () => '5.4.0',
      files: { '/proc/sys/net/ipv4/ip_forward': '0\n', '/sys/fs/cgroup/cgroup.controllers': 'cpu memory\n', '/proc/filesystems': 'nodev\tsysfs\n' },
    }),
  );
  const byName = new Map(results.map((r) => [r.name, r]));
  assert.equal(byName.get('kernel')?.status, 'warn');
  assert.equal(byName.get('ip forwarding')?.fix, 'sysctl -w net.ipv4.ip_forward=1');
  assert.equal(byName.get('overlayfs')?.fix, 'modprobe overlay');
  assert.equal(byName.get('cgroups')?.status, 'fail');
  assert.match(byName.get('cgroups')!.detail, /missing pids$/);
  assert.match(renderChecks(results), /^\[warn\] ip forwarding: net\.ipv4\.ip_forward = 0: .*\n {7}fix: sysctl -w net\.ipv4\.ip_forward=1$/m);
});

test('preflight refuses a busy port in one line naming the process holding it', async () => {
  const host = fakeHost({ portFree: async () => false, portOwner: () => ({ pid: 4242, command: 'k1s server --data-dir /var/lib/k1s' }) });
  await assert.rejects(
    preflight(parseServerFlags(['--https-listen-port', '16443'], inputs), host),
    (err: unknown) =>
      err instanceof StartupError &&
      err.message === 'port 16443: in use by pid 4242 (k1s server --data-dir /var/lib/k1s): stop pid 4242, or choose another port with --https-listen-port',
  );
});

test('preflight refuses a non-root user when k1s would start containerd, and a registries file with a YAML error at its line', async () => {
  await assert.rejects(preflight(parseServerFlags([], inputs), fakeHost({ uid: () => 1000 })), /^StartupError: root: running as uid 1000: containerd, mounts and iptables need root: run k1s as root \(sudo\)$/);
  const host = fakeHost({ files: { '/etc/k1s/registries.yaml': 'mirrors:\n  docker.io:\n    endpoint: [unclosed\n' } });
  await assert.rejects(preflight(parseServerFlags(['--private-registry', '/etc/k1s/registries.yaml'], inputs), host), /^StartupError: private registry: \/etc\/k1s\/registries\.yaml:\d+:\d+: invalid YAML: /);
});

test('preflight refuses a data dir a live server holds, and passes a machine that has everything', async () => {
  const host = fakeHost({ files: { '/srv/k1s/k1s.pid': '777\n', '/proc/777': '' } });
  await assert.rejects(preflight(parseServerFlags(['--data-dir', '/srv/k1s'], inputs), host), /data dir: \/srv\/k1s is in use by a running k1s server \(pid 777\): stop it \(kill 777\)/);
  await preflight(parseServerFlags(['--data-dir', '/srv/k1s'], inputs), fakeHost());
});

test('cgroupLayout reads v1 controllers from mounts and v2 from cgroup.controllers', () => {
  assert.deepEqual(cgroupLayout(V1_MOUNTS, undefined), { version: 1, controllers: ['cpu', 'devices', 'memory', 'pids'] });
  assert.deepEqual(cgroupLayout(V2_MOUNTS, 'cpu memory pids\n'), { version: 2, controllers: ['cpu', 'memory', 'pids'] });
  assert.deepEqual(kernelVersion('6.18.44-fc'), [6, 18]);
});
