/**
 * The kubelet proxy of connect subresources (pods/log, exec, attach, portforward): a log location is fetched
 * as a streamed HTTPS GET (served as plain HTTP or, when asked, as a WebSocket); exec, attach and portforward
 * upgrade requests (WebSocket or SPDY) are piped byte for byte to the kubelet after the request line and
 * headers are rewritten, and a WebSocket tunnelling SPDY (port-forward from kubectl ≥ 1.31) becomes a SPDY
 * upgrade towards the kubelet (stream-tunnel.ts). Which container and which node is the registry's decision
 * (`ConnectSubresource.location`, src/registry/pods/subresources.ts).
 *
 * Mirrors kube-apiserver `pkg/registry/generic/rest/streamer.go` (LocationStreamer, non-2xx kubelet answers
 * become a Status carrying the kubelet's text), `pkg/kubelet/client` (the node's kubelet address) and
 * apimachinery `proxy/upgradeaware.go`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { internalError, notFound, statusErrorFromText } from '../api/errors.js';
import type { KubeObject, Node } from '../api/types.js';
import type { ConnectLocation } from '../registry/strategy.js';
import { joinConnections } from '../netutil/join-connections.js';
import { tunnelSpdyOverWebSocket } from './stream-tunnel.js';
import { copyToWebSocket } from './wsstream.js';

/** The API server's TLS identity towards kubelets. */
export interface KubeletClientTls {
  certPem: string;
  keyPem: string;
  /** CA that signed the kubelets' serving certificates; when absent the serving certificate is not verified. */
  caPem?: string;
}

/** Where a kubelet listens. */
export interface KubeletLocation {
  host: string;
  port: number;
}

const DEFAULT_KUBELET_PORT = 10250;

/** The kubelet endpoint of a Node: its InternalIP (else Hostname) and daemonEndpoints kubelet port. */
export function kubeletLocation(node: Node): KubeletLocation {
  const addrs = node.status?.addresses ?? [];
  const addr = addrs.find((a) => a.type === 'InternalIP') ?? addrs.find((a) => a.type === 'Hostname');
  if (!addr) throw internalError(`node "${node.metadata.name ?? ''}" has no address`);
  return { host: addr.address, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? DEFAULT_KUBELET_PORT };
}

/** Serves connect subresources at their kubelet locations. */
export class KubeletProxy {
  constructor(
    private readonly tls: KubeletClientTls,
    private readonly getNode: (name: string) => Promise<KubeObject | undefined>,
  ) {}

  /** The kubelet of a location's node; 404 NotFound when the node is gone. */
  private async locate(loc: ConnectLocation): Promise<KubeletLocation> {
    const node = await this.getNode(loc.nodeName);
    if (!node) throw notFound({ group: '', resource: 'nodes' }, loc.nodeName);
    return kubeletLocation(node as Node);
  }

  /**
   * Opens the kubelet's stream at `loc` (LocationStreamer.InputStream): GETs `path?query`. Resolves with the
   * kubelet's 2xx response (still streaming), or undefined for no location (no node yet); rejects with a
   * StatusError (the kubelet's non-2xx answer with its text, 404 for a missing node, or 500 `error dialing backend`).
   */
  async openStream(loc: ConnectLocation | undefined): Promise<IncomingMessage | undefined> {
    if (!loc) return undefined;
    const kubelet = await this.locate(loc);
    const query = loc.query.toString();
    return new Promise<IncomingMessage>((resolve, reject) => {
      const upstream = httpsRequest(
        { ...this.tlsOptions(), host: kubelet.host, port: kubelet.port, method: 'GET', path: query ? `${loc.path}?${query}` : loc.path },
        (kres) => {
          const code = kres.statusCode ?? 500;
          if (code < 200 || code > 299) {
            const chunks: Buffer[] = [];
            kres.on('data', (c: Buffer) => chunks.push(c));
            kres.on('end', () => reject(statusErrorFromText(code, Buffer.concat(chunks).toString('utf8').slice(0, 4096))));
            kres.on('error', reject);
            return;
          }
          resolve(kres);
        },
      );
      upstream.on('error', (err) => reject(internalError(`error dialing backend: ${err.message}`, err)));
      upstream.end();
    });
  }

  /** A streamed GET (pods/log): the kubelet's answer as text/plain; an empty 200 for no location. */
  async stream(res: ServerResponse, loc: ConnectLocation | undefined): Promise<void> {
    const kres = await this.openStream(loc);
    if (!kres) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end();
      return;
    }
    if (res.destroyed) {
      // The client went away while the kubelet was answering.
      kres.destroy();
      return;
    }
    await new Promise<void>((resolve) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
      kres.pipe(res);
      kres.on('end', resolve);
      kres.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        kres.destroy();
        resolve();
      });
    });
  }

  /**
   * A streamed GET as a WebSocket (apiserver `StreamObject` with `wsstream.NewReader(out, true, ...)`): the
   * stream is opened first, so validation and kubelet errors are plain HTTP Status answers; then it is copied
   * as `binary.k8s.io` / `base64.binary.k8s.io` messages until it ends (follow keeps it open). No location
   * answers 204 No Content, as upstream does for an empty stream.
   */
  async streamWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, loc: ConnectLocation | undefined): Promise<void> {
    const kres = await this.openStream(loc);
    if (!kres) {
      socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n');
      return;
    }
    await copyToWebSocket(req, socket, head, kres);
  }

  /** A TLS connection to the kubelet of `loc`; rejects with 500 `error dialing backend` when it cannot be made. */
  private async dial(loc: ConnectLocation): Promise<{ backend: TLSSocket; kubelet: KubeletLocation }> {
    const kubelet = await this.locate(loc);
    const backend = tlsConnect({ ...this.tlsOptions(), host: kubelet.host, port: kubelet.port });
    await new Promise<void>((resolve, reject) => {
      backend.once('secureConnect', resolve);
      backend.once('error', (err) => reject(internalError(`error dialing backend: ${err.message}`, err)));
    });
    backend.setNoDelay(true);
    return { backend, kubelet };
  }

  /**
   * exec/attach/portforward over an upgraded connection: writes the rewritten request head (`loc.path?query`)
   * to the kubelet over TLS and pipes both sockets (the kubelet answers the 101 itself).
   */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, loc: ConnectLocation): Promise<void> {
    const { backend, kubelet } = await this.dial(loc);
    const path = `${loc.path}?${loc.query.toString()}`;
    const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${kubelet.host}:${kubelet.port}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const k = req.rawHeaders[i] ?? '';
      const lk = k.toLowerCase();
      if (lk === 'host' || lk === 'authorization' || lk === 'content-length') continue;
      lines.push(`${k}: ${req.rawHeaders[i + 1] ?? ''}`);
    }
    backend.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length) backend.write(head);
    (socket as Partial<TLSSocket>).setNoDelay?.(true);
    joinConnections(socket, backend);
  }

  /**
   * A WebSocket carrying SPDY (subprotocols `SPDY/3.1+<p>`, `spdyProtocols` = the `<p>`s): a SPDY upgrade to
   * the kubelet at `loc`, then the tunnel (stream-tunnel.ts). Rejects with 500 when the kubelet cannot be
   * reached or closes before answering.
   */
  async tunnel(req: IncomingMessage, socket: Duplex, head: Buffer, loc: ConnectLocation, spdyProtocols: string[]): Promise<void> {
    const { backend, kubelet } = await this.dial(loc);
    const query = loc.query.toString();
    (socket as Partial<TLSSocket>).setNoDelay?.(true);
    try {
      await tunnelSpdyOverWebSocket(req, socket, head, backend, query ? `${loc.path}?${query}` : loc.path, `${kubelet.host}:${kubelet.port}`, spdyProtocols);
    } catch (err) {
      backend.destroy();
      throw internalError(`error proxying to the kubelet: ${(err as Error).message}`, err);
    }
  }

  private tlsOptions(): Record<string, unknown> {
    return {
      cert: this.tls.certPem,
      key: this.tls.keyPem,
      ...(this.tls.caPem ? { ca: this.tls.caPem, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { rejectUnauthorized: false }),
    };
  }
}
