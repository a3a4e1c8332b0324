/**
 * One DNS message exchange with an upstream server over UDP or TCP (RFC 1035 §4.2: TCP messages carry a
 * two-byte length prefix). Used by the forwarder; each UDP exchange uses its own socket, so the source
 * port is random and a reply is accepted only from the server asked and with the ID sent.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { isIPv6 } from 'node:net';

/** An upstream server address. */
export interface Upstream {
  address: string;
  port: number;
}

/** Sends `query` over UDP and resolves the first reply from `server` with the same ID; rejects after `timeoutMs`. */
export function udpExchange(server: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server.address) ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (err: Error | undefined, reply?: Buffer): void => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => done(new Error(`udp ${server.address}:${server.port}: no reply in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err) => done(err));
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== server.address || rinfo.port !== server.port || msg.length < 12 || msg.readUInt16BE(0) !== id) return;
      done(undefined, msg);
    });
    socket.send(query, server.port, server.address, (err) => {
      if (err) done(err);
    });
  });
}

/** Sends `query` over a new TCP connection and resolves the reply with the same ID; rejects after `timeoutMs`. */
export function tcpExchange(server: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.address, port: server.port });
    const id = query.readUInt16BE(0);
    let buf = Buffer.alloc(0);
    let settled = false;
    const done = (err: Error | undefined, reply?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => done(new Error(`tcp ${server.address}:${server.port}: no reply in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err) => done(err));
    socket.on('close', () => done(new Error(`tcp ${server.address}:${server.port}: closed before a reply`)));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length, 0);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const n = buf.readUInt16BE(0);
        if (buf.length < 2 + n) return;
        const msg = buf.subarray(2, 2 + n);
        buf = buf.subarray(2 + n);
        if (msg.length >= 12 && msg.readUInt16BE(0) === id) return done(undefined, Buffer.from(msg));
      }
    });
  });
}
