/**
 * The relay of one exec/attach to the runtime's streaming server (containerd's, behind the URL CRI Exec or
 * Attach returns), always over SPDY/3.1 with `v4.channel.k8s.io`: the one transport on which the runtime
 * closes the process's stdin when the stdin stream is half-closed (its WebSocket side has no close signal).
 * Whatever the client speaks, its streams map one to one onto the runtime's; the final status is re-encoded
 * for the client's protocol. Mirrors kube-apiserver's stream translator (WebSocket v5 → SPDY to the kubelet)
 * and client-go's SPDY executor (`v4.go`, `v3.go`, `v2.go`: stream creation order and the resize stream).
 */
import * as http from 'node:http';
import { finished } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { encodeStatus } from './remote-command.js';
import { SpdySession, type SpdyStream } from './spdy/session.js';
import type { ExecParams, RemoteCommandStreams } from './stream-session.js';

/** The protocol asked of the runtime: v4 carries the exit code as a JSON Status. */
const RUNTIME_PROTOCOL = 'v4.channel.k8s.io';

/**
 * Opens a SPDY connection to the streaming `url` (POST with `Upgrade: SPDY/3.1`, as client-go's SPDY
 * round tripper does). Rejects with the server's answer when it does not switch protocols, or when it
 * picks another protocol than `protocol`.
 */
export function dialSpdy(url: string, protocol: string): Promise<SpdySession> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1' };
    if (protocol) headers['X-Stream-Protocol-Version'] = protocol;
    const req = http.request(url, { method: 'POST', headers });
    req.on('upgrade', (res, socket, head) => {
      const got = String(res.headers['x-stream-protocol-version'] ?? '');
      if (protocol && got !== protocol) {
        socket.destroy();
        reject(new Error(`runtime streaming server chose protocol "${got}", want "${protocol}"`));
        return;
      }
      socket.setNoDelay(true);
      if (head.length) socket.unshift(head);
      resolve(new SpdySession(socket, { isServer: false }));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(new Error(`runtime streaming server answered ${res.statusCode ?? 0}: ${Buffer.concat(chunks).toString().trim()}`)));
    });
    req.on('error', (err) => reject(new Error(`error dialing runtime streaming server: ${err.message}`, { cause: err })));
    req.end();
  });
}

/** Resolves once `r` ended or was destroyed (never rejects). */
function drained(r: Readable): Promise<void> {
  return finished(r, { writable: false }).catch(() => undefined);
}

/** Ends `w` and resolves once every write reached its destination (or `w` failed). */
function flushed(w: Writable): Promise<void> {
  if (w.writableFinished || w.destroyed) return Promise.resolve();
  const done = finished(w, { readable: false }).catch(() => undefined);
  if (!w.writableEnded) w.end();
  return done;
}

/** Copies `from` into `to` with back-pressure, leaving `to` open; resolves once `from` is done. */
function forward(from: Readable, to: Writable | undefined): Promise<void> {
  if (to) from.pipe(to, { end: false });
  else from.resume();
  return drained(from);
}

/**
 * Relays the client's streams `s` to the runtime's streaming URL (the pending CRI answer `streamUrl`) until
 * the runtime ends the session: streams are opened in client-go's order (error, stdin, stdout, stderr,
 * resize under tty); stdin and resize flow up with back-pressure, the client's end of stdin becoming the
 * stream's FIN (the runtime then closes the process's stdin: StdinOnce for exec, the container's
 * `stdinOnce` for attach); stdout and stderr flow down with back-pressure; the runtime's status, once every
 * output is delivered, goes on the client's error stream in its encoding; then the client's session is
 * closed. The client leaving ends the runtime session. Rejects when the URL or the dial fails (nothing
 * has been written to the client then).
 */
export async function relayToRuntime(s: RemoteCommandStreams, streamUrl: Promise<string>, p: ExecParams): Promise<void> {
  const url = await streamUrl;
  if (s.signal.aborted) return s.close();
  const up = await dialSpdy(url, RUNTIME_PROTOCOL);
  const opened: SpdyStream[] = [];
  const onAbort = (): void => {
    for (const x of opened) x.destroy();
    up.destroy();
  };
  if (s.signal.aborted) onAbort();
  s.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const open = (type: string): SpdyStream => {
      const x = up.openStream({ streamtype: [type] });
      opened.push(x);
      return x;
    };
    const upError = open('error');
    const upStdin = p.stdin ? open('stdin') : undefined;
    const upStdout = p.stdout ? open('stdout') : undefined;
    const upStderr = p.stderr ? open('stderr') : undefined;
    const upResize = p.tty ? open('resize') : undefined;
    await Promise.race([
      Promise.all([upError, upStdin, upStdout, upStderr, upResize].filter((x): x is SpdyStream => !!x).map((x) => x.waitReply())),
      new Promise((resolve) => up.once('close', resolve)),
    ]);
    if (upStdin) {
      if (s.stdin) s.stdin.pipe(upStdin);
      else upStdin.end();
    }
    if (upResize && s.resize) s.resize.pipe(upResize);
    const status: Buffer[] = [];
    upError.on('data', (c: Buffer) => status.push(c));
    const outputs = [upError.readableEnded ? Promise.resolve() : drained(upError)];
    if (upStdout) outputs.push(forward(upStdout, s.stdout));
    if (upStderr) outputs.push(forward(upStderr, s.stderr));
    await Promise.all(outputs);
    // Everything the runtime sent is handed to the client's streams; let them write it all out before
    // the status (their writes may still be queued) so nothing is cut off by the close.
    await Promise.all([upStdout && s.stdout, upStderr && s.stderr].map((w) => (w ? flushed(w) : Promise.resolve())));
    if (s.signal.aborted) return await s.close();
    const payload = encodeStatus(s.statusEncoding, Buffer.concat(status));
    if (payload) await new Promise<void>((resolve) => s.error.write(payload, () => resolve()));
    await s.close();
  } finally {
    s.signal.removeEventListener('abort', onAbort);
    s.stdin?.unpipe();
    s.resize?.unpipe();
    up.destroy();
  }
}
