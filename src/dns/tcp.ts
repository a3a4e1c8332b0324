/**
 * The TCP listener of the cluster DNS (RFC 7766): two-byte length-prefixed messages, several a connection,
 * answered as they complete; idle connections close after a timeout.
 */
import { createServer, type Socket } from 'node:net';
import type { AcceptFrom, MessageHandler } from './udp.js';

/** A listening TCP server. */
export interface TcpListener {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Idle time after which a client connection is closed, ms (RFC 7766 §6.2.3 suggests seconds). */
const IDLE_MS = 10_000;

function serve(socket: Socket, handle: MessageHandler, onError: (err: unknown) => void): void {
  let buf = Buffer.alloc(0);
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 2) {
      const n = buf.readUInt16BE(0);
      if (buf.length < 2 + n) break;
      const msg = Buffer.from(buf.subarray(2, 2 + n));
      buf = buf.subarray(2 + n);
      handle(msg).then(
        (reply) => {
          if (!reply || socket.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length, 0);
          socket.write(Buffer.concat([len, reply]));
        },
        (err: unknown) => onError(err),
      );
    }
  });
}

/** Listens on `address:port` and answers each framed message of an accepted client with `handle`; rejects when the listen fails. */
export function listenTcp(address: string, port: number, handle: MessageHandler, onError: (err: unknown) => void, accept: AcceptFrom = () => true): Promise<TcpListener> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      if (!accept(socket.remoteAddress ?? '')) {
        socket.destroy();
        return;
      }
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      serve(socket, handle, onError);
    });
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', onError);
      const bound = server.address() as { address: string; port: number };
      resolve({
        address: bound.address,
        port: bound.port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
