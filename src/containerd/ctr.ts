// Runs /usr/bin/ctr against k1s's containerd socket in the CRI namespace (k8s.io).

import { spawn } from 'node:child_process';
import { criSocketPath } from '../cri/client.js';

/** containerd namespace of everything CRI manages. */
export const CRI_NAMESPACE = 'k8s.io';

/** Options of {@link runCtr}. */
export interface CtrOptions {
  /** Default /usr/bin/ctr. */
  ctrPath?: string;
  /** containerd namespace; default k8s.io. */
  namespace?: string;
  /** Kill ctr after this many ms; default 120 000. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Piped to ctr's stdin (e.g. a decompressed archive for `ctr images import -`); default: none. */
  stdin?: NodeJS.ReadableStream;
}

/**
 * Runs `ctr -a <socket> -n <namespace> ...args` and resolves with its stdout. `endpointOrSocket` is a
 * socket path or unix:// URL. Throws `ctr <args>: <stderr> (exit code N)` on failure.
 */
export async function runCtr(endpointOrSocket: string, args: string[], options: CtrOptions = {}): Promise<string> {
  const socket = criSocketPath(endpointOrSocket);
  const argv = ['-a', socket, '-n', options.namespace ?? CRI_NAMESPACE, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(options.ctrPath ?? '/usr/bin/ctr', argv, {
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (options.stdin && child.stdin) {
      child.stdin.on('error', () => undefined); // ctr exiting early (bad archive) closes its stdin: its exit says why
      options.stdin.pipe(child.stdin);
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.once('error', (e) => reject(new Error(`ctr ${args.join(' ')}: ${e.message}`, { cause: e })));
    child.once('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else {
        const stderr = Buffer.concat(err).toString('utf8').trim() || stdout.trim();
        reject(new Error(`ctr ${args.join(' ')}: ${stderr} (${signal ? `signal ${signal}` : `exit code ${code}`})`));
      }
    });
  });
}
