import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from './flags.js';
import { parseServerFlags } from './server-flags.js';

const inputs = { env: {}, defaultConfigFile: '/nonexistent/k1s-config.yaml' };

test("parseServerFlags reads the e2e harness's command line as before", () => {
  const flags = parseServerFlags(
    ['--data-dir', '/tmp/d', '--https-listen-port', '16443', '--node-name', 'K1S-E2E', '--cluster-cidr', '10.123.0.0/16', '--disable-default-registry-endpoint', '--private-registry', 'regs.yaml', '--cluster-cidr', '10.61.0.0/16'],
    inputs,
  );
  assert.equal(flags.dataDir, '/tmp/d');
  assert.equal(flags.httpsListenPort, 16443);
  assert.equal(flags.nodeName, 'k1s-e2e');
  assert.equal(flags.clusterCidr, '10.61.0.0/16');
  assert.equal(flags.disableDefaultRegistryEndpoint, true);
  assert.equal(flags.privateRegistry, `${process.cwd()}/regs.yaml`);
  assert.equal(flags.containerRuntimeEndpoint, undefined);
});

test("parseServerFlags gives k3s's defaults to the service and DNS flags", () => {
  const flags = parseServerFlags([], inputs);
  assert.deepEqual(
    {
      dataDir: flags.dataDir,
      httpsListenPort: flags.httpsListenPort,
      nodeName: flags.nodeName,
      clusterCidr: flags.clusterCidr,
      serviceCidr: flags.serviceCidr,
      clusterDns: flags.clusterDns,
      clusterDomain: flags.clusterDomain,
      resolvConf: flags.resolvConf,
      serviceNodePortRange: flags.serviceNodePortRange,
      debug: flags.debug,
    },
    {
      dataDir: '/var/lib/k1s',
      httpsListenPort: 6443,
      nodeName: hostname().toLowerCase(),
      clusterCidr: '10.42.0.0/16',
      serviceCidr: '10.43.0.0/16',
      clusterDns: '10.43.0.10',
      clusterDomain: 'cluster.local',
      resolvConf: '/etc/resolv.conf',
      serviceNodePortRange: '30000-32767',
      debug: false,
    },
  );
});

test('parseServerFlags takes the service and DNS flags from the command line and environment', () => {
  const flags = parseServerFlags(['--service-cidr', '10.96.0.0/12', '--cluster-dns', '10.96.0.10', '--cluster-domain', 'k1s.test.', '--resolv-conf', 'r.conf'], {
    ...inputs,
    env: { K1S_SERVICE_NODE_PORT_RANGE: '31000-31999' },
  });
  assert.equal(flags.serviceCidr, '10.96.0.0/12');
  assert.equal(flags.clusterDns, '10.96.0.10');
  assert.equal(flags.clusterDomain, 'k1s.test');
  assert.equal(flags.resolvConf, `${process.cwd()}/r.conf`);
  assert.equal(flags.serviceNodePortRange, '31000-31999');
});

test("parseServerFlags puts the default --cluster-dns at the 10th address of --service-cidr, as k3s does", () => {
  assert.equal(parseServerFlags(['--service-cidr', '10.96.0.0/12'], inputs).clusterDns, '10.96.0.10');
  assert.equal(parseServerFlags([], { ...inputs, env: { K1S_SERVICE_CIDR: '172.20.0.0/16' } }).clusterDns, '172.20.0.10');
});

test('parseServerFlags refuses invalid and contradicting service and DNS flags in one line', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--service-cidr', '10.43.0.0'], /invalid value "10\.43\.0\.0" for --service-cidr: must be an IPv4 CIDR/],
    [['--service-cidr', '10.43.0.0/16,fd00::/108'], /IPv4 single-stack/],
    [['--cluster-dns', '10.43.0.300'], /--cluster-dns: must be an IPv4 address/],
    [['--cluster-dns', '10.44.0.10'], /--cluster-dns 10\.44\.0\.10 is outside --service-cidr 10\.43\.0\.0\/16/],
    [['--cluster-cidr', '10.43.0.0/24'], /--cluster-cidr 10\.43\.0\.0\/24 overlaps --service-cidr 10\.43\.0\.0\/16/],
    [['--service-node-port-range', '32767-30000'], /--service-node-port-range: must be a port range/],
    [['--service-node-port-range', '30000+100'], /--service-node-port-range: must be a port range MIN-MAX/],
    [['--cluster-cidr', '10.042.0.0/16'], /--cluster-cidr: must be an IPv4 CIDR/],
    [['--cluster-domain', 'Bad_Domain'], /--cluster-domain: must be a DNS domain/],
  ];
  for (const [argv, pattern] of cases) {
    assert.throws(() => parseServerFlags(argv, inputs), (err: unknown) => err instanceof UsageError && pattern.test(err.message) && !err.message.includes('\n'), argv.join(' '));
  }
});

test('--kube-controller-manager-arg takes the LegacyServiceAccountTokenNoAutoGeneration feature gate, as k3s passes it on', () => {
  assert.equal(parseServerFlags([], inputs).legacyServiceAccountTokenAutoGeneration, false);
  const on = parseServerFlags(['--kube-controller-manager-arg=feature-gates=LegacyServiceAccountTokenNoAutoGeneration=false'], inputs);
  assert.equal(on.legacyServiceAccountTokenAutoGeneration, true);
  const off = parseServerFlags(['--kube-controller-manager-arg', 'feature-gates=LegacyServiceAccountTokenNoAutoGeneration=true'], inputs);
  assert.equal(off.legacyServiceAccountTokenAutoGeneration, false);
  const fromEnv = parseServerFlags([], { ...inputs, env: { K1S_KUBE_CONTROLLER_MANAGER_ARG: 'feature-gates=LegacyServiceAccountTokenNoAutoGeneration=false' } });
  assert.equal(fromEnv.legacyServiceAccountTokenAutoGeneration, true);
});

test('--kube-controller-manager-arg refuses any other controller-manager flag or gate in one line', () => {
  for (const value of ['node-monitor-grace-period=20s', 'feature-gates=SomeOtherGate=false', 'feature-gates=LegacyServiceAccountTokenNoAutoGeneration=maybe']) {
    assert.throws(
      () => parseServerFlags([`--kube-controller-manager-arg=${value}`], inputs),
      (err: unknown) => err instanceof UsageError && /kube-controller-manager-arg.*takes only feature-gates=LegacyServiceAccountTokenNoAutoGeneration=false/.test(err.message) && !err.message.includes('\n'),
      value,
    );
  }
});

test("--node-ip defaults to 127.0.0.1 (k3s's default-route address is not taken) and --node-external-ip to none", () => {
  const flags = parseServerFlags([], inputs);
  assert.equal(flags.nodeIP, '127.0.0.1');
  assert.equal(flags.nodeExternalIP, undefined);
});

test('--node-ip and --node-external-ip come from the command line (-i too), the environment and the config file', () => {
  const long = parseServerFlags(['--node-ip', '10.42.0.1', '--node-external-ip', '203.0.113.9'], inputs);
  assert.deepEqual([long.nodeIP, long.nodeExternalIP], ['10.42.0.1', '203.0.113.9']);
  assert.equal(parseServerFlags(['-i', '192.168.50.2'], inputs).nodeIP, '192.168.50.2');
  const env = parseServerFlags([], { ...inputs, env: { K1S_NODE_IP: '192.168.50.3', K1S_NODE_EXTERNAL_IP: '198.51.100.4' } });
  assert.deepEqual([env.nodeIP, env.nodeExternalIP], ['192.168.50.3', '198.51.100.4']);
  const dir = mkdtempSync(join(tmpdir(), 'k1s-node-ip-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'node-ip: 192.168.50.5\nnode-external-ip: 198.51.100.6\n');
    const fromFile = parseServerFlags(['--config', file], inputs);
    assert.deepEqual([fromFile.nodeIP, fromFile.nodeExternalIP], ['192.168.50.5', '198.51.100.6']);
    assert.equal(parseServerFlags(['--config', file, '--node-ip', '192.168.50.7'], inputs).nodeIP, '192.168.50.7');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--node-ip takes the pod gateway of --cluster-cidr but no other address of it, nor of --service-cidr', () => {
  assert.equal(parseServerFlags(['--cluster-cidr', '10.150.0.0/16', '--node-ip', '10.150.0.1'], inputs).nodeIP, '10.150.0.1');
  const cases: Array<[string[], RegExp]> = [
    [['--node-ip', '10.42.0.7'], /--node-ip 10\.42\.0\.7 is inside --cluster-cidr 10\.42\.0\.0\/16, .* the pod bridge's gateway 10\.42\.0\.1$/],
    [['--node-ip', '10.43.0.5'], /--node-ip 10\.43\.0\.5 is inside --service-cidr 10\.43\.0\.0\/16/],
    [['--node-ip', '10.42.0.1,fd00::1'], /--node-ip: k1s is IPv4 single-stack/],
    [['--node-ip', '0.0.0.0'], /--node-ip: must not be the unspecified address/],
    [['--node-ip', '224.0.0.5'], /--node-ip: must not be a multicast address/],
    [['--node-ip', '169.254.1.1'], /--node-ip: must not be a link-local address/],
    [['--node-ip', 'eth0'], /--node-ip: must be an IPv4 address/],
    [['--node-external-ip', '255.255.255.255'], /--node-external-ip: must not be the broadcast address/],
  ];
  for (const [argv, pattern] of cases) {
    assert.throws(() => parseServerFlags(argv, inputs), (err: unknown) => err instanceof UsageError && pattern.test(err.message) && !err.message.includes('\n'), argv.join(' '));
  }
  // Outside this cluster's CIDR, another range's gateway is an ordinary address (its locality is checked at start).
  assert.equal(parseServerFlags(['--cluster-cidr', '10.150.0.0/16', '--node-ip', '10.42.0.1'], inputs).nodeIP, '10.42.0.1');
});
