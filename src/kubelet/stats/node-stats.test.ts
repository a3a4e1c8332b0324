// Tests of the node's root-cgroup stats on cgroup v1, hybrid and v2 layouts (fixture trees), and on this host.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cgroupLayout, parseMeminfo, readNodeStats } from './node-stats.js';

const dir = mkdtempSync(join(tmpdir(), 'k1s-node-stats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A hybrid host as this one: v1 controllers each on its own mount, cgroup2 at /sys/fs/cgroup/unified. */
const HYBRID = (root: string) => `31 23 0:28 / ${root} rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / ${root}/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / ${root}/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / ${root}/memory rw,relatime - cgroup cgroup rw,memory
41 31 0:38 / ${root}/unified rw,relatime - cgroup2 cgroup2 rw
`;

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('cgroupLayout', () => {
  it('finds the v1 cpuacct and memory hierarchies of a hybrid host, ignoring the unified one', () => {
    assert.deepEqual(cgroupLayout(HYBRID('/sys/fs/cgroup')), { version: 1, cpuacct: '/sys/fs/cgroup/cpuacct', memory: '/sys/fs/cgroup/memory' });
  });

  it('finds a co-mounted cpu,cpuacct hierarchy and skips mounts of a sub-cgroup', () => {
    const text = `30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct
31 25 0:27 /kubepods /var/lib/x rw - cgroup cgroup rw,memory
32 25 0:28 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
`;
    assert.deepEqual(cgroupLayout(text), { version: 1, cpuacct: '/sys/fs/cgroup/cpu,cpuacct', memory: '/sys/fs/cgroup/memory' });
  });

  it('is v2 when cgroup2 is mounted at the cgroup root', () => {
    assert.deepEqual(cgroupLayout('29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n'), {
      version: 2,
      unified: '/sys/fs/cgroup',
    });
  });
});

describe('readNodeStats', () => {
  it('v1: cpuacct.usage and memory.usage_in_bytes minus total_inactive_file', async () => {
    const root = join(dir, 'v1');
    write(join(dir, 'v1-mountinfo'), HYBRID(root));
    write(join(root, 'cpuacct', 'cpuacct.usage'), '6454570585116\n');
    write(join(root, 'memory', 'memory.usage_in_bytes'), '1775374336\n');
    write(join(root, 'memory', 'memory.stat'), 'cache 9523200\nrss 11542528\ninactive_file 12288\ntotal_rss 164671488\ntotal_inactive_file 488607744\n');
    const stats = await readNodeStats(1_700_000_000_000, { mountinfo: join(dir, 'v1-mountinfo'), meminfo: join(dir, 'none'), cgroupRoot: root });
    assert.deepEqual(stats, {
      cpu: { time: 1_700_000_000_000, usageCoreNanoSeconds: 6454570585116 },
      memory: { time: 1_700_000_000_000, workingSetBytes: 1775374336 - 488607744 },
    });
  });

  it('v2: cpu.stat usage_usec, and MemTotal − MemFree minus inactive_file for the root without memory.current', async () => {
    const root = join(dir, 'v2');
    write(join(dir, 'v2-mountinfo'), `29 23 0:26 / ${root} rw - cgroup2 cgroup2 rw\n`);
    write(join(root, 'cpu.stat'), 'usage_usec 123456789\nuser_usec 100000000\nsystem_usec 23456789\n');
    write(join(root, 'memory.stat'), 'anon 1000\nfile 5000\ninactive_file 4096000\nactive_file 1000\n');
    write(join(dir, 'v2-meminfo'), 'MemTotal:       24684092 kB\nMemFree:        22503832 kB\nMemAvailable:   24062184 kB\nHugePages_Total:       0\n');
    const stats = await readNodeStats(5, { mountinfo: join(dir, 'v2-mountinfo'), meminfo: join(dir, 'v2-meminfo'), cgroupRoot: root });
    assert.deepEqual(stats, {
      cpu: { time: 5, usageCoreNanoSeconds: 123456789000 },
      memory: { time: 5, workingSetBytes: (24684092 - 22503832) * 1024 - 4096000 },
    });
  });

  it('never reports a negative working set and leaves out what the host lacks', async () => {
    const root = join(dir, 'v1-partial');
    write(join(dir, 'v1p-mountinfo'), `35 31 0:32 / ${root}/memory rw - cgroup cgroup rw,memory\n`);
    write(join(root, 'memory', 'memory.usage_in_bytes'), '100\n');
    write(join(root, 'memory', 'memory.stat'), 'total_inactive_file 4096\n');
    assert.deepEqual(await readNodeStats(1, { mountinfo: join(dir, 'v1p-mountinfo'), meminfo: join(dir, 'none'), cgroupRoot: root }), { memory: { time: 1, workingSetBytes: 0 } });
  });

  it('reads this host: cumulative CPU and a working set below the machine total', async () => {
    const stats = await readNodeStats(Date.now());
    const total = parseMeminfo(await import('node:fs').then((fs) => fs.readFileSync('/proc/meminfo', 'utf8'))).get('MemTotal') ?? 0;
    assert.ok((stats.cpu?.usageCoreNanoSeconds ?? 0) > 0, JSON.stringify(stats));
    assert.ok((stats.memory?.workingSetBytes ?? 0) > 0 && (stats.memory?.workingSetBytes ?? 0) < total, JSON.stringify(stats));
  });
});
