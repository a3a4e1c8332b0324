/**
 * The debugging commands against a real node, run as a user runs them: `k1s crictl pods|ps|images|inspect|
 * logs|exec` (also -i and -it) and `k1s ctr` list the pod kubectl created, read its log and run a command in it; a second
 * `k1s server` on the same data dir and port refuses in one line.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, run, useCluster } from './harness.js';
import { k1sBin } from './paths.js';

describe('k1s crictl and ctr on a running node', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-cli' });
  const k1s = (args: string[]) => run(process.execPath, [k1sBin, ...args, '--data-dir', cluster().dataDir]);
  const k1sExec = (args: string[], input?: string) => {
    const flags = args.filter((a) => a === '-i' || a === '-t');
    const rest = args.filter((a) => a !== '-i' && a !== '-t');
    return run(process.execPath, [k1sBin, 'crictl', 'exec', ...flags, '--data-dir', cluster().dataDir, ...rest], input !== undefined ? { input } : {});
  };

  it('lists the pod sandbox and its container, reads its log and runs a command in it', async () => {
    await cluster().kubectlOk(['run', 'talker', '--image=busybox:1.36', '--restart=Never', '--', 'sh', '-c', 'echo out-line; echo err-line >&2; sleep 3600']);
    await cluster().waitFor('pod talker Running', async () => (await cluster().kubectl(['get', 'pod', 'talker', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 60_000);

    const pods = await k1s(['crictl', 'pods']);
    assert.equal(pods.code, 0, pods.stderr);
    assert.match(pods.stdout, /^POD ID +CREATED +STATE +NAME +NAMESPACE +ATTEMPT +RUNTIME$/m);
    const podRow = pods.stdout.split('\n').find((l) => / talker +default +0 /.test(l));
    assert.ok(podRow, pods.stdout);
    assert.match(podRow, /^[0-9a-f]{13} +.* ago +Ready +talker +default +0 +\(default\)$/);

    const ps = await k1s(['crictl', 'ps']);
    assert.equal(ps.code, 0, ps.stderr);
    const row = ps.stdout.split('\n').find((l) => / talker$/.test(l));
    assert.ok(row, ps.stdout);
    assert.match(row, /^[0-9a-f]{13} +[0-9a-f]{13} +.* ago +Running +talker +0 +[0-9a-f]{13} +talker$/);
    const containerId = row.split(/\s+/)[0]!;

    const inspect = await k1s(['crictl', 'inspect', containerId]);
    assert.equal(inspect.code, 0, inspect.stderr);
    const status = (JSON.parse(inspect.stdout) as { status: { state: string; metadata: { name: string } } }).status;
    assert.equal(status.state, 'CONTAINER_RUNNING');
    assert.equal(status.metadata.name, 'talker');

    const logs = await k1s(['crictl', 'logs', containerId]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'out-line\n');
    assert.equal(logs.stderr, 'err-line\n');

    const exec = await k1sExec([containerId, 'sh', '-c', 'echo from-exec; exit 3']);
    assert.equal(exec.code, 3);
    assert.equal(exec.stdout, 'from-exec\n');

    // -i streams stdin (its end closes the command's stdin); -it gives the command a terminal (under script(1),
    // which gives k1s one, as a user's shell would).
    const piped = await k1sExec(['-i', containerId, 'sh', '-c', 'wc -l; exit 2'], 'one\ntwo\nthree\n');
    assert.equal(piped.stdout, '3\n');
    assert.equal(piped.code, 2);
    const dataDir = cluster().dataDir;
    const tty = await run('/usr/bin/script', ['-qec', `${process.execPath} ${k1sBin} crictl exec -it --data-dir ${dataDir} ${containerId} sh`, '/dev/null'], { input: 'tty; exit 5\n', timeoutMs: 30_000 });
    assert.equal(tty.code, 5, tty.stdout + tty.stderr);
    assert.match(tty.stdout, /^\/dev\/pts\/\d+\r?$/m);

    const images = await k1s(['crictl', 'images']);
    assert.match(images.stdout, /^docker\.io\/library\/busybox +1\.36 +[0-9a-f]{13} +\S+$/m);

    const ctr = await run(process.execPath, [k1sBin, 'ctr', '--data-dir', cluster().dataDir, 'containers', 'list', '-q']);
    assert.equal(ctr.code, 0, ctr.stderr);
    assert.ok(ctr.stdout.split('\n').some((id) => id !== '' && id.startsWith(containerId)), ctr.stdout);
  });

  it('a second k1s server on the same data dir and port refuses in one line, exit code 1', async () => {
    const r = await run(process.execPath, [k1sBin, 'server', '--data-dir', cluster().dataDir, '--https-listen-port', String(cluster().port)], { timeoutMs: 20_000 });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^port ${cluster().port}: in use by pid \\d+ \\(.*k1s server.*\\): stop pid \\d+, or choose another port with --https-listen-port$`, 'm'));
  });
});
