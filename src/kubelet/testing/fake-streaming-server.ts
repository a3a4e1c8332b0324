// A stand-in for the runtime's streaming server in kubelet tests: SPDY/3.1 exec and attach sessions served by a test handler.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AttachRequest, ExecRequest } from '../../cri/types.js';
import { acceptSpdy, negotiateSpdyProtocol } from '../server/spdy-remote-command.js';
import type { RemoteCommandStreams, StreamKind } from '../server/stream-session.js';

/** One registered session: what CRI Exec or Attach was asked. */
export type FakeStreamRequest = { kind: 'exec'; request: ExecRequest } | { kind: 'attach'; request: AttachRequest };

/** Serves one session on the client's streams; it must end them with `streams.close()`. */
export type FakeStreamHandler = (session: FakeStreamRequest, streams: RemoteCommandStreams) => Promise<void>;

/**
 * Listens on 127.0.0.1; {@link register} returns a one-time URL (`/exec/<token>`, as containerd's are)
 * whose SPDY upgrade runs `handler` with the session's streams (protocol as the client offers, v4 first).
 * Unknown tokens get 404 before the upgrade.
 */
export class FakeStreamingServer {
  private readonly sessions = new Map<string, FakeStreamRequest>();
  private seq = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly handler: FakeStreamHandler,
  ) {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** Starts a server on a free port. */
  static async start(handler: FakeStreamHandler): Promise<FakeStreamingServer> {
    const server = http.createServer((_req, res) => {
      res.writeHead(400);
      res.end('Upgrade request required');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeStreamingServer(server, handler);
  }

  /** The URL of a new session. */
  register(session: FakeStreamRequest): string {
    const token = `t${++this.seq}`;
    this.sessions.set(token, session);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${session.kind}/${token}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const [kind, token = ''] = new URL(req.url ?? '/', 'http://runtime').pathname.split('/').filter(Boolean) as [StreamKind, string];
    const session = this.sessions.get(token);
    const protocol = negotiateSpdyProtocol(req);
    if (!session || session.kind !== kind || protocol === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.sessions.delete(token);
    const r = session.request;
    const params = { command: session.kind === 'exec' ? session.request.cmd : [], stdin: !!r.stdin, stdout: !!r.stdout, stderr: !!r.stderr && !r.tty, tty: !!r.tty };
    acceptSpdy(socket, head, protocol, params)
      .then((streams) => this.handler(session, streams))
      .catch(() => socket.destroy());
  }
}
