/**
 * Test helpers for `kubectl port-forward`: start it as a user would, wait for its "Forwarding from" lines,
 * and talk through the forwarded ports (echo round trips, bulk reads) with plain TCP on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

/** A running `kubectl port-forward`. */
export interface PortForwardProcess {
  child: ChildProcess;
  /** Local port of each remote port, from kubectl's `Forwarding from 127.0.0.1:L -> R` lines. */
  local: Map<number, number>;
  stdout(): string;
  stderr(): string;
  /** Resolves with kubectl's exit code once it exited by itself or was stopped (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM (by pid), then resolves with the exit code once kubectl exited. */
  stop(): Promise<number | null>;
}

/**
 * Runs `kubectl ARGS` (`port-forward ...`) with `env` and resolves once it printed a forwarding line for each of
 * `remotePorts` (a port listed twice waits for two lines: `:80 0:80` forwards two local ports to 80); rejects (after killing it) when it exits first or 30 s pass, with what it printed.
 */
export function startPortForward(kubectl: string, args: string[], env: NodeJS.ProcessEnv, remotePorts: number[]): Promise<PortForwardProcess> {
  const child = spawn(kubectl, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const local = new Map<number, number>();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: PortForwardProcess = {
    child,
    local,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubectl ${args.join(' ')} printed no forwarding line in 30 s: ${out}${err}`));
    }, 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = [...out.matchAll(/^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)$/gm)];
      for (const m of lines) local.set(Number(m[2]), Number(m[1]));
      if (lines.length >= remotePorts.length && remotePorts.every((p) => local.has(p))) {
        clearTimeout(timer);
        resolve(proc);
      }
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl ${args.join(' ')} exited (${code}) before forwarding: ${out}${err}`));
    });
  });
}

/** Where and how long: `host` defaults to 127.0.0.1, `timeoutMs` to 30 s. */
export interface ExchangeOptions {
  host?: string;
  timeoutMs?: number;
}

/**
 * Connects to `host`:`port`, writes `data` and resolves with what was read once `done(chunk, bytesSoFar)` says
 * it is complete (then closes, as a client that got its answer does) or the other side closes. The connection is
 * not half-closed: containerd ends a forwarded connection 1 s after the client stops sending. Rejects on a
 * connection error or after the timeout.
 */
export function tcpExchange(port: number, data: Buffer | string, done: (chunk: Buffer, total: number) => boolean = () => false, options: ExchangeOptions = {}): Promise<Buffer> {
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const chunks: Buffer[] = [];
    let n = 0;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from ${host}:${port} in ${timeoutMs} ms (read ${n} bytes)`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks));
    };
    sock.on('connect', () => sock.write(data));
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      n += c.length;
      if (done(c, n)) finish();
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('close', finish);
  });
}

/** A parsed HTTP answer. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A `done` for {@link tcpExchange}: true once a whole HTTP response with a Content-Length body was read. */
function completeHttp(): (chunk: Buffer, total: number) => boolean {
  let head = Buffer.alloc(0);
  let want = -1;
  return (chunk, total) => {
    if (want < 0) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return false;
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head.subarray(0, end).toString('latin1'));
      // Without Content-Length the body ends when the server closes.
      want = m ? end + 4 + Number(m[1]) : Infinity;
      head = Buffer.alloc(0);
    }
    return total >= want;
  };
}

/**
 * An HTTP/1.1 GET of `path` on `host` (127.0.0.1):`port`, read as curl reads it: up to Content-Length (or the
 * server's close), then the connection is closed. Rejects on a connection error or an unparsable answer.
 */
export async function httpGet(port: number, path: string, options: ExchangeOptions = {}): Promise<HttpAnswer> {
  const raw = await tcpExchange(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, completeHttp(), options);
  const end = raw.indexOf('\r\n\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw.toString('latin1', 0, Math.max(0, end)));
  if (end === -1 || !m) throw new Error(`not an HTTP answer from ${options.host ?? '127.0.0.1'}:${port}: ${JSON.stringify(raw.toString('latin1', 0, 200))}`);
  const headers: Record<string, string> = {};
  for (const line of raw.toString('latin1', 0, end).split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(m[1]), headers, body: raw.subarray(end + 4) };
}
