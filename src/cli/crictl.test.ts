import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containersTable, humanDuration, imagesTable, matchId, parseCriLog, podsTable } from './crictl.js';
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
