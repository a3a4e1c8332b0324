/**
 * Test support: starts Debian's /usr/bin/etcd on 127.0.0.1 with a temp data dir and free ports, and stops it by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running etcd member started by {@link startEtcd}. */
export interface EtcdProcess {
  /** Client URL, `http://127.0.0.1:PORT`. */
  endpoint: string;
  pid: number;
  /** Kills the process (SIGTERM, SIGKILL after 3 s) and removes its data dir. */
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a single-member etcd listening only on 127.0.0.1 and resolves once `/health` answers healthy.
 * Throws when etcd exits or is not healthy within `timeoutMs` (default 20 s); the process is then killed.
 */
export async function startEtcd(options: { bin?: string; timeoutMs?: number } = {}): Promise<EtcdProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-etcd-'));
  const client = await freePort();
  const peer = await freePort();
  const endpoint = `http://127.0.0.1:${client}`;
  const child: ChildProcess = spawn(
    options.bin ?? '/usr/bin/etcd',
    [
      '--name', 'k1s-test',
      '--data-dir', join(dir, 'data'),
      '--listen-client-urls', endpoint,
      '--advertise-client-urls', endpoint,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `k1s-test=http://127.0.0.1:${peer}`,
      '--listen-metrics-urls', '',
      '--log-level', 'error',
      '--logger', 'zap',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid ?? 0;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      const t = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      }, 3000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const r = await fetch(`${endpoint}/health`);
      const body = (await r.json()) as { health?: string };
      if (body.health === 'true') return { endpoint, pid, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`cannot start etcd on ${endpoint}: not healthy (stderr: ${stderr.trim()})`);
}
