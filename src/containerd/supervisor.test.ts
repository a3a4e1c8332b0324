import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCriClient, findCriProto } from '../cri/client.js';
import { DEFAULT_RESTART_BACKOFF, RestartBackoff, startContainerd } from './supervisor.js';

describe('RestartBackoff', () => {
  it('starts at 1 s and doubles up to 30 s while containerd keeps exiting quickly', () => {
    const b = new RestartBackoff();
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map(() => b.next(500)), [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over at 1 s after containerd ran for the reset period', () => {
    const b = new RestartBackoff();
    b.next(100);
    b.next(100);
    assert.equal(b.next(100), 4_000);
    assert.equal(b.next(DEFAULT_RESTART_BACKOFF.resetAfterMs), 1_000);
    assert.equal(b.next(100), 2_000);
  });

  it('takes its timing from options', () => {
    const b = new RestartBackoff({ initialMs: 10, maxMs: 25, resetAfterMs: 100 });
    assert.deepEqual([b.next(0), b.next(99), b.next(99), b.next(100)], [10, 20, 25, 10]);
  });
});

/**
 * A stand-in for /usr/bin/containerd: a node script that reads `--config FILE`, takes the first grpc
 * `address` in it and serves CRI RuntimeService/Version there (runtimeVersion = its pid).
 */
function fakeContainerdScript(): string {
  const require = createRequire(import.meta.url);
  const grpcPath = require.resolve('@grpc/grpc-js');
  const loaderPath = require.resolve('@grpc/proto-loader');
  return `#!${process.execPath}
const grpc = require(${JSON.stringify(grpcPath)});
const loader = require(${JSON.stringify(loaderPath)});
const fs = require('node:fs');
const config = fs.readFileSync(process.argv[process.argv.indexOf('--config') + 1], 'utf8');
const socket = JSON.parse(/address = ("[^"]+")/.exec(config)[1]);
const pkg = grpc.loadPackageDefinition(loader.loadSync(${JSON.stringify(findCriProto())}, { keepCase: false, defaults: true }));
const server = new grpc.Server();
server.addService(pkg.runtime.v1.RuntimeService.service, {
  version: (_call, cb) => cb(null, { version: '0.1.0', runtimeName: 'fake', runtimeVersion: String(process.pid), runtimeApiVersion: 'v1' }),
});
try { fs.rmSync(socket, { force: true }); } catch {}
server.bindAsync('unix://' + socket, grpc.ServerCredentials.createInsecure(), (err) => { if (err) { console.error(err); process.exit(1); } });
process.on('SIGTERM', () => process.exit(0));
`;
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startContainerd supervision (fake containerd)', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('restarts containerd after SIGKILL on the same socket, and never after stop()', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'k1s-supervisor-'));
    dirs.push(dataDir);
    const fake = join(dataDir, 'fake-containerd');
    await writeFile(fake, fakeContainerdScript(), { mode: 0o755 });
    const events: string[] = [];
    const restarted: number[] = [];
    const containerd = await startContainerd({
      dataDir,
      containerdPath: fake,
      restartBackoff: { initialMs: 50 },
      onEvent: (m) => events.push(m),
      onRestart: (pid) => restarted.push(pid),
    });
    const cri = createCriClient(containerd.endpoint, { timeoutMs: 1_000 });
    try {
      const firstPid = containerd.pid;
      assert.equal((await cri.runtime.version()).runtimeVersion, String(firstPid));
      const pidFile = join(containerd.paths.base, 'containerd.pid');
      assert.equal((await readFile(pidFile, 'utf8')).trim(), String(firstPid));

      process.kill(firstPid, 'SIGKILL');
      const answer = await until('the restarted containerd to answer', () =>
        cri.runtime.version().then((v) => (v.runtimeVersion !== String(firstPid) ? v.runtimeVersion : undefined), () => undefined),
      );
      const secondPid = containerd.pid;
      assert.notEqual(secondPid, firstPid);
      assert.equal(answer, String(secondPid));
      assert.deepEqual(restarted, [secondPid]);
      assert.equal(containerd.restarts, 1);
      assert.equal((await readFile(pidFile, 'utf8')).trim(), String(secondPid));
      assert.deepEqual(events, [
        `containerd (pid ${firstPid}) exited unexpectedly (signal SIGKILL); restarting it in 50 ms`,
        `containerd restarted (pid ${secondPid}, restart 1)`,
      ]);

      await containerd.stop();
      assert.equal(alive(secondPid), false);
      assert.equal(await containerd.exited, 0);
      await new Promise((r) => setTimeout(r, 300)); // several back-off periods: nothing comes back
      assert.equal(containerd.restarts, 1);
      assert.equal(existsSync(pidFile), false);
      assert.equal(events.length, 2);
    } finally {
      cri.close();
      await containerd.stop();
    }
  });
});
