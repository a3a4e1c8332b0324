/** Tests of the shell reading the lint relies on: written paths, commands that never exit, localhost ports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerProgram, localhostPorts, neverExits, programWrites, tokenize } from './shell.js';

const sh = (script: string) => containerProgram(['sh', '-c'], [script])!;

test('tokenize keeps quoted text and $(…) in one word, drops comments and reads an fd before a redirection', () => {
  const words = tokenize(`echo "a b" 'c d' /x/$(date +%s).log 2>/dev/null # comment`).map((t) => t.text);
  assert.deepEqual(words, ['echo', 'a b', 'c d', '/x/$(date +%s).log', '>', '/dev/null']);
});

const writeCases: [string, string, string[]][] = [
  ['append redirection', 'while true; do date >> /data/log.txt; sleep 5; done', ['/data/log.txt']],
  ['redirection without a space, and a pipe into tee -a', 'echo hi >/a/x; cat /in | tee -a /b/y /c/z', ['/a/x', '/b/y', '/c/z']],
  ['stderr to stdout is no file', 'run 2>&1 >&2', []],
  ['cp and mv destinations, not their sources', 'cp /config/nginx.conf /etc/nginx/conf.d/ && mv -f /s/a /t/b', ['/etc/nginx/conf.d/', '/t/b']],
  ['mkdir -p and touch operands', 'mkdir -p /data/uploads /data/cache; touch /data/ready', ['/data/uploads', '/data/cache', '/data/ready']],
  ['downloads and clones', 'curl -o /shared/app.json http://x/y; wget -O /w/f http://z; git clone https://g/r.git /work', ['/shared/app.json', '/w/f', '/work']],
  ['dd of=', 'dd if=/dev/zero of=/scratch/blob bs=1M count=1', ['/scratch/blob']],
  ['relative and variable paths are not read', 'echo x > out.txt; echo y > $DIR/f', []],
  ['a path with a command substitution', 'pg_dump db | gzip > /backup/backup-$(date +%Y%m%d-%H%M%S).sql.gz', ['/backup/backup-$(date +%Y%m%d-%H%M%S).sql.gz']],
  ['exec prefixes and env assignments', 'exec env A=1 tee /logs/out', ['/logs/out']],
];
for (const [what, script, want] of writeCases) {
  test(`programWrites: ${what}`, () => assert.deepEqual(programWrites(sh(script)), want));
}

test('programWrites of an exec-form command reads its argv without a shell', () => {
  assert.deepEqual(programWrites(containerProgram(['touch', '/tmp/ready'], [])!), ['/tmp/ready']);
  assert.deepEqual(programWrites(containerProgram(['echo', '>', '/not/a/redirect'], [])!), []);
});

const exitCases: [string, string[], string[], string | undefined][] = [
  ['tail -f in a shell', ['sh', '-c'], ['tail -f /var/log/app.log'], 'tail -f /var/log/app.log'],
  ['tail -F exec form', ['tail', '-F', '/logs/a'], [], 'tail -F /logs/a'],
  ['sleep infinity', ['sleep'], ['infinity'], 'sleep infinity'],
  ['an endless while true loop', ['sh', '-c'], ['while true; do echo x >> /l/f; sleep 1; done'], 'while true; do ...; done'],
  ['while : over several lines', ['/bin/sh', '-c'], ['\nwhile :\ndo\n  ship /logs\n  sleep 5\ndone\n'], 'while :; do ...; done'],
  ['until false', ['sh', '-c'], ['until false; do sleep 1; done'], 'until false; do ...; done'],
  ['python while True without break', ['python3', '-c'], ['import time\nwhile True:\n    time.sleep(1)\n'], 'while True: ...'],
  ['a loop that waits for a service', ['sh', '-c'], ['until nc -z db 5432; do sleep 2; done'], undefined],
  ['while true with a break', ['sh', '-c'], ['while true; do [ -f /x ] && break; sleep 1; done; echo ready'], undefined],
  ['a backgrounded follower', ['sh', '-c'], ['tail -f /x & sleep 5'], undefined],
  ['a backgrounded endless loop', ['sh', '-c'], ['while true; do sleep 1; done & sleep 3'], undefined],
  ['tail without follow', ['sh', '-c'], ['tail -n 5 /var/log/app.log'], undefined],
  ['a bounded sleep', ['sh', '-c'], ['echo init && sleep 5'], undefined],
  ['timeout around tail -f', ['timeout', '10', 'tail', '-f', '/x'], [], undefined],
  ['a for loop over a range', ['sh', '-c'], ['for i in $(seq 1 10); do echo $i >> /d/m; sleep 3; done'], undefined],
];
for (const [what, command, args, want] of exitCases) {
  test(`neverExits: ${what}`, () => assert.equal(neverExits(containerProgram(command, args)!), want));
}

test('containerProgram is undefined when the container runs its image default', () => {
  assert.equal(containerProgram([], []), undefined);
});

test('localhostPorts finds host:port and nc-style host port', () => {
  assert.deepEqual(localhostPorts('until nc -z localhost 15000; do sleep 1; done; curl http://127.0.0.1:8080/ready'), [15000, 8080]);
  assert.deepEqual(localhostPorts('curl http://db.example:5432/'), []);
});
