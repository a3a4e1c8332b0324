// exec and attach sessions written once against transport-neutral streams (stdin, stdout, stderr, resize, error), relayed to the runtime.

import type { Readable, Writable } from 'node:stream';
import type { RuntimeService } from '../../cri/types.js';
import { queryBool } from '../../api/query.js';
import { errorStatusPayload, type StatusEncoding } from './remote-command.js';
import { relayToRuntime } from './runtime-relay.js';

/** What the client asked for (query of `/exec/...` and `/attach/...`): kubelet remotecommand `Options`. */
export interface ExecParams {
  /** Empty for attach. */
  command: string[];
  stdin: boolean;
  stdout: boolean;
  /** Always false under `tty` (a terminal has one output stream). */
  stderr: boolean;
  tty: boolean;
}

/**
 * Parses `command=..&command=..&stdin=1&tty=true` (kubelet `NewOptions`; booleans as apimachinery reads
 * them). Throws when none of stdin, stdout and stderr is asked for, with the kubelet's message.
 */
export function parseExecQuery(q: URLSearchParams): ExecParams {
  const bool = (k: string): boolean => queryBool(q, k);
  const tty = bool('tty');
  const p = { command: q.getAll('command'), stdin: bool('stdin'), stdout: bool('stdout'), stderr: (bool('stderr') || bool('error')) && !tty, tty };
  if (!p.stdin && !p.stdout && !p.stderr) throw new Error('you must specify at least 1 of stdin, stdout, stderr');
  return p;
}

/**
 * The client's streams of one exec/attach, whatever carries them: a SPDY stream each (kubelet remotecommand
 * `httpstream.go`) or the channels of one WebSocket (`websocket.go`). `stdin` ends when the client closes it
 * (SPDY half-close, v5 close signal); `resize` yields terminal size messages, JSON `{"Width":80,"Height":24}`;
 * `error` takes the final status, written in `statusEncoding`; `close()` ends every stream and the connection.
 */
export interface RemoteCommandStreams {
  /** Negotiated protocol name, e.g. `v4.channel.k8s.io`. */
  protocol: string;
  statusEncoding: StatusEncoding;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  resize?: Readable;
  error: Writable;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  close(): Promise<void>;
}

function write(w: Writable, data: Buffer): Promise<void> {
  return new Promise((resolve) => w.write(data, () => resolve()));
}

/** Writes the status payload (if any) on the error stream, then closes the session. */
export async function finish(s: RemoteCommandStreams, status: Buffer | undefined): Promise<void> {
  if (status && status.length) await write(s.error, status);
  await s.close();
}

/** Which session: `exec` runs `command`, `attach` joins the container's own process. */
export type StreamKind = 'exec' | 'attach';

/**
 * Runs one exec or attach: asks the runtime for a streaming URL (CRI Exec or Attach, as the kubelet's
 * `GetExec`/`GetAttach` do) and relays the client's streams to it until the runtime ends the session.
 * A failure of the runtime (refused call, unreachable streaming server) is reported on the error stream
 * as an InternalError Status, as the kubelet's `ServeExec` does; `log` gets it too. Never rejects.
 */
export async function runStreamSession(kind: StreamKind, s: RemoteCommandStreams, runtime: RuntimeService, containerId: string, p: ExecParams, log: (msg: string) => void): Promise<void> {
  try {
    const request = { containerId, tty: p.tty, stdin: p.stdin, stdout: p.stdout, stderr: p.stderr };
    const url = kind === 'exec' ? runtime.exec({ ...request, cmd: p.command }) : runtime.attach(request);
    await relayToRuntime(s, url, p);
  } catch (err) {
    const e = err as { details?: string; message?: string };
    const message = e.details || e.message || String(err);
    log(`${kind} ${containerId}: ${message}`);
    const what = kind === 'exec' ? 'error executing command in container' : 'error attaching to container';
    await finish(s, errorStatusPayload(s.statusEncoding, `${what}: ${message}`)).catch(() => undefined);
  }
}
