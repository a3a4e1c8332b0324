// exec and attach sessions over WebSocket: ExecSync for plain commands, a relay to the runtime's streaming server otherwise.

import WebSocket from 'ws';
import type { RuntimeService } from '../../cri/types.js';
import { queryBool } from '../../api/query.js';
import { CLOSE, ERROR, errorStatusPayload, exitStatusPayload, frame, STDERR, STDOUT, unframe, type RemoteCommandProtocol } from './remote-command.js';

/** What the client asked for (query of `/exec/...`). */
export interface ExecParams {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Parses `command=..&command=..&stdin=1&tty=true` (kubelet `NewOptions`). */
export function parseExecQuery(q: URLSearchParams): ExecParams {
  const bool = (k: string): boolean => queryBool(q, k);
  return { command: q.getAll('command'), stdin: bool('stdin'), stdout: bool('stdout'), stderr: bool('stderr') || bool('error'), tty: bool('tty') };
}

/**
 * Sends `frames` one at a time (each after the previous one reached the socket, then a turn of the event
 * loop), then closes. Frames written in one burst travel in one TLS record, and clients that poll the raw
 * socket before each frame (the Python client's WSClient) then leave the last frames and the close in
 * OpenSSL's buffer until the server's close timeout (30 s) ends the connection.
 */
function sendAndClose(ws: WebSocket, frames: Buffer[]): void {
  void (async () => {
    for (const f of frames) {
      if (ws.readyState !== WebSocket.OPEN) return;
      await new Promise<void>((resolve) => ws.send(f, () => setTimeout(resolve, 1)));
    }
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  })();
}

/**
 * Runs a non-interactive command with CRI ExecSync and answers in channel frames: an empty first frame on the
 * lowest writable stream (readiness), stdout/stderr content, then the exit Status on the error stream.
 */
export async function execSyncSession(ws: WebSocket, protocol: RemoteCommandProtocol, runtime: RuntimeService, containerId: string, p: ExecParams): Promise<void> {
  ws.send(frame(p.stdout ? STDOUT : p.stderr ? STDERR : ERROR));
  try {
    const res = await runtime.execSync(containerId, p.command, 0);
    const frames: Buffer[] = [];
    if (p.stdout && res.stdout.length) frames.push(frame(STDOUT, res.stdout));
    if (p.stderr && res.stderr.length) frames.push(frame(p.tty ? STDOUT : STDERR, res.stderr));
    const status = exitStatusPayload(protocol, res.exitCode, p.command);
    if (status) frames.push(frame(ERROR, status));
    sendAndClose(ws, frames);
  } catch (err) {
    const e = err as { details?: string; message?: string };
    sendAndClose(ws, [frame(ERROR, errorStatusPayload(protocol, e.details || e.message || String(err)))]);
  }
}

/** The runtime protocol to ask for: v4 when the client speaks v4/v5 (same framing), else the legacy one. */
function upstreamProtocols(protocol: RemoteCommandProtocol): string[] {
  return protocol === 'channel.k8s.io' ? ['channel.k8s.io'] : ['v4.channel.k8s.io', 'channel.k8s.io'];
}

/**
 * Relays an interactive session (stdin and/or tty) between the client and the runtime's streaming URL
 * (containerd serves WebSocket `v4.channel.k8s.io`/`channel.k8s.io`). Frames pass through unchanged; the v5
 * close frame has no v4 equivalent and is dropped (stdin EOF is not propagated — a known limit).
 * `streamUrl` is the pending CRI Exec answer: the client's frames are listened for at once and queued until
 * the runtime's stream is open, so stdin sent right after the upgrade is never lost. Rejects when the
 * CRI Exec call fails (the caller reports it on the error channel).
 */
export async function relaySession(ws: WebSocket, protocol: RemoteCommandProtocol, streamUrl: Promise<string>): Promise<void> {
  const queued: Buffer[] = [];
  let upstream: WebSocket | undefined;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const msg = isBinary ? data : Buffer.from(data);
    const f = unframe(msg);
    if (f && f.stream === CLOSE) return;
    if (upstream?.readyState === WebSocket.OPEN) upstream.send(msg);
    else queued.push(msg);
  });
  ws.on('close', () => upstream?.close());
  ws.on('error', () => upstream?.close());
  const url = await streamUrl;
  if (ws.readyState !== WebSocket.OPEN) return;
  const up = new WebSocket(url, upstreamProtocols(protocol));
  upstream = up;
  up.on('open', () => {
    for (const m of queued.splice(0)) up.send(m);
  });
  up.on('message', (data: Buffer) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(data);
  });
  up.on('close', () => ws.close(1000));
  up.on('error', (err) => {
    if (ws.readyState === WebSocket.OPEN) sendAndClose(ws, [frame(ERROR, errorStatusPayload(protocol, `error streaming from runtime: ${err.message}`))]);
  });
}
