/**
 * `k1s crictl exec -i/-t`: an interactive exec through CRI Exec's streaming URL (containerd's streaming server,
 * SPDY/3.1 with `v4.channel.k8s.io`, as crictl's own exec does), with this terminal in raw mode under `-t` and
 * its size sent on the resize stream (at start and on SIGWINCH). Relays through the kubelet's runtime relay, so
 * the end of this process's stdin closes the command's stdin exactly as for `kubectl exec -i`.
 */
import { PassThrough, Writable } from 'node:stream';
import type { RuntimeService } from '../cri/types.js';
import { relayToRuntime } from '../kubelet/server/runtime-relay.js';

/** What to run: `interactive` is crictl's `-i` (stdin), `tty` its `-t`. */
export interface StreamExecOptions {
  interactive: boolean;
  tty: boolean;
}

/** The exit code in a v4 status payload: 0 for Success, the ExitCode cause for NonZeroExitCode, else 1. */
export function exitCodeOfStatus(payload: string): number {
  if (payload.trim() === '') return 0;
  try {
    const s = JSON.parse(payload) as { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } };
    if (s.status === 'Success') return 0;
    const code = s.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
    if (s.reason === 'NonZeroExitCode' && code !== undefined && /^\d+$/.test(code)) return Number(code);
    return 1;
  } catch {
    return 1;
  }
}

/**
 * Runs `cmd` in container `containerId` with this process's stdin/stdout/stderr and resolves with the command's
 * exit code. Non-exit failures (the runtime's error Status) are written to stderr and give 1. Throws when CRI
 * Exec or the dial to the streaming server fails.
 */
export async function streamExec(runtime: RuntimeService, containerId: string, cmd: string[], o: StreamExecOptions): Promise<number> {
  const url = runtime.exec({ containerId, cmd, tty: o.tty, stdin: o.interactive, stdout: true, stderr: !o.tty });
  const status: Buffer[] = [];
  const error = new Writable({
    write(chunk: Buffer, _enc, cb) {
      status.push(chunk);
      cb();
    },
  });
  const resize = o.tty ? new PassThrough() : undefined;
  const sendSize = (): void => {
    if (resize && process.stdout.isTTY) resize.write(JSON.stringify({ Width: process.stdout.columns, Height: process.stdout.rows }));
  };
  const raw = o.tty && o.interactive && process.stdin.isTTY;
  if (raw) process.stdin.setRawMode(true);
  process.on('SIGWINCH', sendSize);
  sendSize();
  const aborted = new AbortController();
  // Our stdout must not end with the session: leave it open (the relay ends the writables it is given).
  const out = new PassThrough();
  out.pipe(process.stdout, { end: false });
  const err = new PassThrough();
  err.pipe(process.stderr, { end: false });
  try {
    await relayToRuntime(
      {
        protocol: 'v4.channel.k8s.io',
        statusEncoding: 'v4',
        ...(o.interactive ? { stdin: process.stdin } : {}),
        stdout: out,
        ...(o.tty ? {} : { stderr: err }),
        ...(resize ? { resize } : {}),
        error,
        signal: aborted.signal,
        close: async () => undefined,
      },
      url,
      { stdin: o.interactive, stdout: true, stderr: !o.tty, tty: o.tty, command: cmd },
    );
  } finally {
    process.off('SIGWINCH', sendSize);
    if (raw) process.stdin.setRawMode(false);
    process.stdin.pause();
    resize?.end();
  }
  const payload = Buffer.concat(status).toString('utf8');
  const code = exitCodeOfStatus(payload);
  if (code === 1 && payload.trim() !== '' && !/NonZeroExitCode/.test(payload)) {
    const message = (JSON.parse(payload) as { message?: string }).message ?? payload;
    process.stderr.write(`k1s crictl exec: ${message}\n`);
  }
  return code;
}
