/** The UDP listener of the cluster DNS: one socket an address, each datagram answered by the query handler. */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Answers one message; undefined drops it. */
export type MessageHandler = (msg: Buffer) => Promise<Buffer | undefined>;

/** A bound UDP listener. */
export interface UdpListener {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Whether to answer a client at this address (others are ignored). */
export type AcceptFrom = (remoteAddress: string) => boolean;

/**
 * Binds `address:port` (port 0: any free port) and answers every datagram from an accepted client with
 * `handle`; rejects when the bind fails.
 */
export function listenUdp(address: string, port: number, handle: MessageHandler, onError: (err: unknown) => void, accept: AcceptFrom = () => true): Promise<UdpListener> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    socket.once('error', reject);
    socket.on('message', (msg, rinfo) => {
      if (!accept(rinfo.address)) return;
      handle(msg).then(
        (reply) => {
          if (reply) socket.send(reply, rinfo.port, rinfo.address, (err) => err && onError(err));
        },
        (err: unknown) => onError(err),
      );
    });
    socket.bind(port, address, () => {
      socket.off('error', reject);
      socket.on('error', onError);
      const bound = socket.address();
      resolve({
        address: bound.address,
        port: bound.port,
        close: () => new Promise<void>((r) => socket.close(() => r())),
      });
    });
  });
}
