/**
 * Hands an upgrade request to a runtime streaming URL and joins the two connections byte for byte (the
 * kubelet's `proxyStream`: an upgrade-aware proxy whose location is the URL CRI returned, so the request's
 * own path and query are replaced by the URL's and the runtime answers the upgrade itself).
 */
import type { IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { joinConnections } from '../../netutil/join-connections.js';

/** Request headers never forwarded to the runtime: hop-specific or credentials meant for the kubelet. */
const DROPPED = new Set(['host', 'authorization', 'content-length']);

/** The request head sent to `url`: `METHOD path?query HTTP/1.1`, `Host` of the URL, then the client's headers in order. */
export function upgradeRequestHead(req: IncomingMessage, url: URL): string {
  const lines = [`${req.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    if (DROPPED.has(name.toLowerCase())) continue;
    lines.push(`${name}: ${req.rawHeaders[i + 1] ?? ''}`);
  }
  return lines.join('\r\n') + '\r\n\r\n';
}

/**
 * Connects to `url` (http: TCP, https: TLS verified against the system CAs), writes the rewritten request
 * head and the bytes the client already sent (`head`), then pipes both connections (with backpressure, a
 * half-close passing through as the other side's end) until either closes. Resolves once connected;
 * rejects when the connection cannot be made (the client socket is left untouched then).
 */
export async function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const backend: Socket =
    url.protocol === 'https:' ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
  await new Promise<void>((resolve, reject) => {
    backend.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      backend.off('error', reject);
      resolve();
    });
    backend.once('error', reject);
  });
  backend.setNoDelay(true);
  (socket as Partial<Socket>).setNoDelay?.(true);
  backend.write(upgradeRequestHead(req, url));
  if (head.length) backend.write(head);
  joinConnections(socket, backend);
}
