// exec and attach sessions written once against transport-neutral streams (stdin, stdout, stderr, resize, error).

import type { Readable, Writable } from 'node:stream';
import type { RuntimeService } from '../../cri/types.js';
import type { ExecParams } from './exec.js';
import { streamLogFile } from './log-stream.js';
import { errorStatusPayload, exitStatusPayload, type RemoteCommandProtocol } from './remote-command.js';

/**
 * The client's streams of one exec/attach, whatever carries them (a SPDY stream each, as kubelet's
 * remotecommand `httpstream.go` receives them). `stdin` ends when the client half-closes it; `error` takes
 * the final status; `close()` ends every stream and the connection. `statusProtocol` says how the status
 * is written: v4 JSON Status, or the v1–v3 plain failure text (nothing on success).
 */
export interface RemoteCommandStreams {
  /** Negotiated protocol name, e.g. `v4.channel.k8s.io`. */
  protocol: string;
  statusProtocol: RemoteCommandProtocol;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Terminal size messages, JSON `{"Width":80,"Height":24}` (tty, v3+). */
  resize?: Readable;
  error: Writable;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  close(): Promise<void>;
}

function write(w: Writable | undefined, data: Buffer): Promise<void> {
  if (!w || data.length === 0) return Promise.resolve();
  return new Promise((resolve) => w.write(data, () => resolve()));
}

/** Writes the status payload (if any) on the error stream, then closes the session. */
export async function finish(s: RemoteCommandStreams, status: Buffer | undefined): Promise<void> {
  if (status) await write(s.error, status);
  await s.close();
}

/** A non-interactive exec via CRI ExecSync: stdout, stderr (merged into stdout under tty), then the exit status. */
export async function execSyncStreams(s: RemoteCommandStreams, runtime: RuntimeService, containerId: string, p: ExecParams): Promise<void> {
  try {
    const res = await runtime.execSync(containerId, p.command, 0);
    if (p.stdout) await write(s.stdout, res.stdout);
    if (p.stderr) await write(p.tty ? s.stdout : s.stderr, res.stderr);
    await finish(s, exitStatusPayload(s.statusProtocol, res.exitCode, p.command));
  } catch (err) {
    const e = err as { details?: string; message?: string };
    await finish(s, errorStatusPayload(s.statusProtocol, e.details || e.message || String(err)));
  }
}

/**
 * Attach without CRI Attach: the container's output from now on (followed from its log file) until it
 * stops, then Success. With stdin the attach is refused on the error stream, as over WebSocket.
 */
export async function attachStreams(s: RemoteCommandStreams, runtime: RuntimeService, containerId: string, p: ExecParams): Promise<void> {
  if (p.stdin) return finish(s, errorStatusPayload(s.statusProtocol, 'attach with stdin is not supported by this node'));
  const status = await runtime.containerStatus(containerId);
  const out = s.stdout ?? s.stderr;
  if (out) {
    await streamLogFile(status.logPath, { follow: true, timestamps: false, tailLines: 0 }, out, {
      signal: s.signal,
      isRunning: async () => (await runtime.containerStatus(containerId).catch(() => undefined))?.state === 'CONTAINER_RUNNING',
    });
  }
  if (!s.signal.aborted) await finish(s, s.statusProtocol === 'channel.k8s.io' ? undefined : Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' })));
}
