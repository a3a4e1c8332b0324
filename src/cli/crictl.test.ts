import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containersTable, humanDuration, humanSize, imagesTable, matchId, parseCriLog, podsTable, statsTable } from './crictl.js';
import type { ContainerStats } from '../cri/types.js';
import { UsageError } from './flags.js';

test("humanDuration words durations as crictl's CREATED column does", () => {
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1_000), '1 second');
  assert.equal(humanDuration(42_000), '42 seconds');
  assert.equal(humanDuration(90_000), 'About a minute');
  assert.equal(humanDuration(30 * 60_000), '30 minutes');
  assert.equal(humanDuration(70 * 60_000), 'About an hour');
  assert.equal(humanDuration(5 * 3_600_000), '5 hours');
  assert.equal(humanDuration(3 * 86_400_000), '3 days');
});

test('parseCriLog joins partial lines, keeps each line\'s stream and honours --tail', () => {
  const text = [
    '2024-05-01T10:00:00.000000001Z stdout F one',
    '2024-05-01T10:00:00.000000002Z stderr P tw',
    '2024-05-01T10:00:00.000000003Z stderr F o',
    '2024-05-01T10:00:00.000000004Z stdout F ',
    '2024-05-01T10:00:00.000000005Z stdout F three',
    '',
  ].join('\n');
  assert.deepEqual(parseCriLog(text), [
    { stream: 'stdout', line: 'one' },
    { stream: 'stderr', line: 'two' },
    { stream: 'stdout', line: '' },
    { stream: 'stdout', line: 'three' },
  ]);
  assert.deepEqual(parseCriLog(text, 1), [{ stream: 'stdout', line: 'three' }]);
});

test('matchId takes a unique prefix and refuses none or several', () => {
  const ids = ['abc123', 'abd456', 'ff0000'];
  assert.equal(matchId('abc', ids, 'container'), 'abc123');
  assert.throws(() => matchId('ab', ids, 'container'), (e: unknown) => e instanceof UsageError && /container id "ab" is ambiguous \(2 match\)/.test(e.message));
  assert.throws(() => matchId('00', ids, 'container'), (e: unknown) => e instanceof UsageError && /no container "00"/.test(e.message));
});

test('podsTable, containersTable and imagesTable print crictl\'s columns, newest first', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const ns = (iso: string) => Date.parse(iso) * 1e6;
  const pods = [
    { id: 'a'.repeat(64), metadata: { name: 'old', uid: 'u1', namespace: 'default', attempt: 0 }, state: 'SANDBOX_NOTREADY' as const, createdAt: ns('2024-05-01T09:00:00Z'), labels: {}, annotations: {}, runtimeHandler: '' },
    { id: 'b'.repeat(64), metadata: { name: 'web', uid: 'u2', namespace: 'shop', attempt: 1 }, state: 'SANDBOX_READY' as const, createdAt: ns('2024-05-01T11:58:00Z'), labels: {}, annotations: {}, runtimeHandler: '' },
  ];
  assert.equal(
    podsTable(pods, now),
    [
      'POD ID          CREATED         STATE      NAME   NAMESPACE   ATTEMPT   RUNTIME',
      'bbbbbbbbbbbbb   2 minutes ago   Ready      web    shop        1         (default)',
      'aaaaaaaaaaaaa   3 hours ago     NotReady   old    default     0         (default)',
      '',
    ].join('\n'),
  );
  const containers = [{ id: 'c'.repeat(64), podSandboxId: 'b'.repeat(64), metadata: { name: 'nginx', attempt: 2 }, imageRef: `sha256:${'d'.repeat(64)}`, state: 'CONTAINER_RUNNING' as const, createdAt: ns('2024-05-01T11:59:30Z'), labels: {}, annotations: {} }];
  assert.equal(
    containersTable(containers, pods, now),
    [
      'CONTAINER       IMAGE           CREATED          STATE     NAME    ATTEMPT   POD ID          POD',
      'ccccccccccccc   ddddddddddddd   30 seconds ago   Running   nginx   2         bbbbbbbbbbbbb   web',
      '',
    ].join('\n'),
  );
  const images = [{ id: `sha256:${'e'.repeat(64)}`, repoTags: ['docker.io/library/busybox:1.36', 'localhost:5000/app'], repoDigests: [], size: 1_234_567 }];
  assert.equal(
    imagesTable(images),
    [
      'IMAGE                       TAG      IMAGE ID        SIZE',
      'docker.io/library/busybox   1.36     eeeeeeeeeeeee   1.235MB',
      'localhost:5000/app          <none>   eeeeeeeeeeeee   1.235MB',
      '',
    ].join('\n'),
  );
});

test("humanSize prints sizes as go-units' HumanSize does", () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(1500), '1.5kB');
  assert.equal(humanSize(12_345), '12.35kB');
  assert.equal(humanSize(4_000_000), '4MB');
  assert.equal(humanSize(2_147_483_648), '2.147GB');
});

/** One ContainerStats sample: CPU core-seconds at `t` seconds, working set and writable layer bytes. */
function sample(id: string, name: string, t: number, cpuSeconds: number, mem: number, disk = 0, inodes = 0): ContainerStats {
  return {
    attributes: { id, metadata: { name, attempt: 0 }, labels: {}, annotations: {} },
    cpu: { timestamp: t * 1e9, usageCoreNanoSeconds: { value: cpuSeconds * 1e9 } },
    memory: { timestamp: t * 1e9, workingSetBytes: { value: mem } },
    writableLayer: { timestamp: t * 1e9, usedBytes: { value: disk }, inodesUsed: { value: inodes } },
  };
}

test('statsTable computes CPU % over the sample and prints crictl stats columns, running containers only without -a', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);
  const c = 'c'.repeat(64);
  const before = [sample(b, 'sidecar', 10, 2, 1_000_000), sample(a, 'app', 10, 5, 3_500_000, 12_288, 7), sample(c, 'done', 10, 0, 0)];
  const after = [sample(b, 'sidecar', 12, 2.5, 1_000_000), sample(a, 'app', 12, 7, 3_600_000, 12_288, 7), sample(c, 'done', 12, 0, 0), sample('d'.repeat(64), 'new', 12, 1, 1)];
  assert.equal(
    statsTable(before, after),
    [
      'CONTAINER       NAME      CPU %    MEM     DISK      INODES   SWAP',
      'aaaaaaaaaaaaa   app       100.00   3.6MB   12.29kB   7        0B',
      'bbbbbbbbbbbbb   sidecar   25.00    1MB     0B        0        0B',
      '',
    ].join('\n'),
  );
  assert.equal(statsTable(before, after, true).split('\n')[3], 'ccccccccccccc   done      0.00     0B      0B        0        0B');
  assert.doesNotMatch(statsTable(before, after, true), /ddddd/);
});

test('statsTable refuses a sample whose CPU timestamp did not move', () => {
  const a = 'a'.repeat(64);
  assert.throws(() => statsTable([sample(a, 'app', 10, 1, 1)], [sample(a, 'app', 10, 2, 1)]), /CPU stats of container "aaaaaaaaaaaaa" did not change during the sample/);
});
