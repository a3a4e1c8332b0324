import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearStaleConntrack, conntrackDeleteArgs, parseConntrackList, staleConntrackFilters } from './conntrack.js';
import type { CommandResult } from './iptables.js';
import { buildServicePorts } from './service-ports.js';
import { endpoint, service, slice } from './testing/builders.js';

const LIST = [
  'udp      17 29 src=10.42.0.7 dst=10.43.0.10 sport=40000 dport=53 src=10.42.0.5 dst=10.42.0.7 sport=53 dport=40000 mark=0 use=1',
  'udp      17 25 src=10.42.0.7 dst=10.43.0.10 sport=40001 dport=53 src=10.42.0.9 dst=10.42.0.7 sport=53 dport=40001 mark=0 use=1',
  'udp      17 20 src=10.42.0.8 dst=10.43.0.10 sport=40002 dport=53 [UNREPLIED] src=10.43.0.10 dst=10.42.0.8 sport=53 dport=40002 mark=0 use=1',
  'udp      17 21 src=192.168.1.20 dst=192.168.1.10 sport=5000 dport=30053 src=10.42.0.9 dst=10.42.0.1 sport=53 dport=5000 mark=0 use=1',
  'udp      17 22 src=10.42.0.7 dst=10.43.0.99 sport=40003 dport=53 src=10.42.0.9 dst=10.42.0.7 sport=53 dport=40003 mark=0 use=1',
  'tcp      6 431999 ESTABLISHED src=10.42.0.7 dst=10.43.0.10 sport=40004 dport=53 src=10.42.0.9 dst=10.42.0.7 sport=53 dport=40004 [ASSURED] mark=0 use=1',
  '',
].join('\n');

/** kube-dns at 10.43.0.10:53/UDP, node port 30053, one serving endpoint 10.42.0.5 (10.42.0.9 is gone). */
function dnsPorts(ips = ['10.42.0.5']) {
  const svc = service('kube-system', 'kube-dns', '10.43.0.10', [{ name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }], { type: 'NodePort' });
  return buildServicePorts([svc], [slice('kube-system', 'kube-dns', [{ name: 'dns', port: 53, protocol: 'UDP' }], ips.map((ip) => endpoint(ip)))]);
}

describe('conntrack', () => {
  it('parses the original destination and the reply source of conntrack -L lines', () => {
    const entries = parseConntrackList(LIST);
    assert.equal(entries.length, 6);
    assert.deepEqual(entries[0], { protocol: 'udp', origSrc: '10.42.0.7', origDst: '10.43.0.10', origDstPort: 53, replySrc: '10.42.0.5' });
    assert.deepEqual(entries[2], { protocol: 'udp', origSrc: '10.42.0.8', origDst: '10.43.0.10', origDstPort: 53, replySrc: '10.43.0.10' });
  });

  it('deletes UDP flows to a Service that go to an endpoint no longer serving, or were never DNATed', () => {
    const filters = staleConntrackFilters(parseConntrackList(LIST), dnsPorts());
    assert.deepEqual(filters.map(conntrackDeleteArgs).map((a) => a.join(' ')), [
      '-D -f ipv4 -p udp --orig-dst 10.43.0.10 --orig-port-dst 53 --reply-src 10.42.0.9',
      '-D -f ipv4 -p udp --orig-dst 10.43.0.10 --orig-port-dst 53 --reply-src 10.43.0.10',
      '-D -f ipv4 -p udp --orig-port-dst 30053 --reply-src 10.42.0.9',
    ]);
  });

  it('leaves flows alone when every one goes to a serving endpoint, or the Service has none', () => {
    assert.deepEqual(staleConntrackFilters(parseConntrackList(LIST).slice(0, 1), dnsPorts()), []);
    assert.deepEqual(staleConntrackFilters(parseConntrackList(LIST), dnsPorts([])), []);
  });

  it('runs nothing when no Service port is UDP', async () => {
    const calls: string[] = [];
    const run = async (cmd: string, args: string[]): Promise<CommandResult> => (calls.push(`${cmd} ${args.join(' ')}`), { code: 0, stdout: '', stderr: '' });
    const tcp = buildServicePorts([service('ns', 'web', '10.43.0.20', [{ port: 80 }])], []);
    assert.equal(await clearStaleConntrack(run, tcp), 0);
    assert.deepEqual(calls, []);
  });

  it('lists UDP entries once and deletes each stale flow', async () => {
    const calls: string[] = [];
    const run = async (cmd: string, args: string[]): Promise<CommandResult> => {
      calls.push(`${cmd} ${args.join(' ')}`);
      return args[0] === '-L' ? { code: 0, stdout: LIST, stderr: '' } : { code: 1, stdout: '', stderr: '0 flow entries have been deleted.' };
    };
    assert.equal(await clearStaleConntrack(run, dnsPorts()), 3);
    assert.equal(calls[0], 'conntrack -L -f ipv4 -p udp');
    assert.equal(calls.length, 4);
  });
});
