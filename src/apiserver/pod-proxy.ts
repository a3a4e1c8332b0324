/**
 * Pod subresources served by the node's kubelet: pods/log is proxied as a streamed HTTPS GET to
 * `/containerLogs/{ns}/{pod}/{container}` (served as plain HTTP or, when asked, as a WebSocket), pods/exec and pods/attach upgrade requests (WebSocket or SPDY) are
 * piped byte for byte to `/exec/...` and `/attach/...` after the request line and headers are rewritten.
 *
 * Mirrors kube-apiserver `pkg/registry/core/pod/strategy.go` (LogLocation, ExecLocation, AttachLocation,
 * container defaulting and messages), `pkg/registry/generic/rest/streamer.go` (LocationStreamer, non-2xx
 * kubelet answers become a Status carrying the kubelet's text) and apimachinery `proxy/upgradeaware.go`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { badRequest, internalError, notFound, StatusError } from '../api/errors.js';
import { queryBool } from '../api/query.js';
import type { KubeObject, Node, Pod, StatusReason } from '../api/types.js';
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

function names(list: { name: string }[] | undefined): string[] {
  return (list ?? []).map((c) => c.name);
}

/**
 * Picks the container of a log/exec/attach request (pod strategy `validateContainer`): the only app container
 * when unnamed, else 400 listing the choices; 400 for an unknown name.
 */
export function resolveContainer(pod: Pod, container: string): string {
  const spec = pod.spec ?? { containers: [] };
  const name = pod.metadata.name ?? '';
  if (container === '') {
    const apps = names(spec.containers);
    if (apps.length === 1) return apps[0] ?? '';
    if (apps.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${apps.join(' ')}]`;
    const inits = names(spec.initContainers);
    if (inits.length) msg += ` or one of the init containers: [${inits.join(' ')}]`;
    throw badRequest(msg);
  }
  const all = [...names(spec.containers), ...names(spec.initContainers), ...names(spec.ephemeralContainers as { name: string }[] | undefined)];
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

/**
 * The kubelet's answer for logs of a container that has not started (kubelet `validateContainerLogStatus`),
 * checked here from the pod status so the message is right whichever kubelet serves the node.
 */
export function checkLogStatus(pod: Pod, container: string, previous: boolean): void {
  const podName = pod.metadata.name ?? '';
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const cs = statuses.find((s) => s.name === container);
  if (previous) {
    if (!cs?.lastState?.terminated?.containerID) {
      throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    }
    return;
  }
  if (!cs) throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
  const st = cs.state ?? {};
  if (st.running || st.terminated || cs.lastState?.terminated) return;
  const reason = st.waiting?.reason ?? '';
  if (reason === 'ErrImagePull') throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
  if (reason === 'ImagePullBackOff') throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
  if (st.waiting) throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  throw badRequest(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}

/** The kubelet endpoint of a Node: its InternalIP (else Hostname) and daemonEndpoints kubelet port. */
export function kubeletLocation(node: Node): KubeletLocation {
  const addrs = node.status?.addresses ?? [];
  const addr = addrs.find((a) => a.type === 'InternalIP') ?? addrs.find((a) => a.type === 'Hostname');
  if (!addr) throw internalError(`node "${node.metadata.name ?? ''}" has no address`);
  return { host: addr.address, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? DEFAULT_KUBELET_PORT };
}

const LOG_PARAMS = ['follow', 'previous', 'timestamps', 'sinceSeconds', 'sinceTime', 'tailLines', 'limitBytes'];
const LOG_BOOL_PARAMS = new Set(['follow', 'previous', 'timestamps']);

function statusFromKubelet(code: number, body: string): StatusError {
  const reasons: Record<number, StatusReason> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict' };
  const message = body.trim() || `the server responded with the status code ${code} but did not return more information`;
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: reasons[code] ?? 'InternalError', code });
}

/** Serves the kubelet-backed pod subresources. */
export class PodProxy {
  constructor(
    private readonly tls: KubeletClientTls,
    private readonly getNode: (name: string) => Promise<KubeObject | undefined>,
  ) {}

  private async locate(pod: Pod): Promise<KubeletLocation | undefined> {
    const nodeName = pod.spec?.nodeName ?? '';
    if (!nodeName) return undefined;
    const node = await this.getNode(nodeName);
    if (!node) throw notFound({ group: '', resource: 'nodes' }, nodeName);
    return kubeletLocation(node as Node);
  }

  /**
   * Opens the kubelet's log stream for a pods/log request (LocationStreamer.InputStream): resolves the container,
   * checks it has logs, and GETs `/containerLogs/...` with the log options. Resolves with the kubelet's 2xx
   * response (still streaming), or undefined when the pod has no node yet; rejects with a StatusError (4xx of
   * validation, the kubelet's non-2xx answer with its text, or 500 `error dialing backend`).
   */
  async openLogStream(pod: Pod, url: URL): Promise<IncomingMessage | undefined> {
    const q = url.searchParams;
    const container = resolveContainer(pod, q.get('container') ?? '');
    const loc = await this.locate(pod);
    if (!loc) return undefined;
    checkLogStatus(pod, container, queryBool(q, 'previous'));
    const params = new URLSearchParams();
    for (const p of LOG_PARAMS) {
      const v = q.get(p);
      if (v === null || v === '') continue;
      if (LOG_BOOL_PARAMS.has(p)) {
        if (queryBool(q, p)) params.set(p, 'true');
      } else params.set(p, v);
    }
    const ns = pod.metadata.namespace ?? '';
    const path = `/containerLogs/${encodeURIComponent(ns)}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}`;
    const query = params.toString();
    return new Promise<IncomingMessage>((resolve, reject) => {
      const upstream = httpsRequest(
        { ...this.tlsOptions(), host: loc.host, port: loc.port, method: 'GET', path: query ? `${path}?${query}` : path },
        (kres) => {
          const code = kres.statusCode ?? 500;
          if (code < 200 || code > 299) {
            const chunks: Buffer[] = [];
            kres.on('data', (c: Buffer) => chunks.push(c));
            kres.on('end', () => reject(statusFromKubelet(code, Buffer.concat(chunks).toString('utf8').slice(0, 4096))));
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

  /** GET pods/log: streams the kubelet's container log as text/plain. */
  async logs(_req: IncomingMessage, res: ServerResponse, pod: Pod, url: URL): Promise<void> {
    const kres = await this.openLogStream(pod, url);
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
   * GET pods/log as a WebSocket (apiserver `StreamObject` with `wsstream.NewReader(out, true, ...)`): the log
   * stream is opened first, so validation and kubelet errors are plain HTTP Status answers; then the stream is
   * copied as `binary.k8s.io` / `base64.binary.k8s.io` messages until it ends (follow keeps it open). A pod
   * without a node answers 204 No Content, as upstream does for an empty stream.
   */
  async logsWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, pod: Pod, url: URL): Promise<void> {
    const kres = await this.openLogStream(pod, url);
    if (!kres) {
      socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n');
      return;
    }
    await copyToWebSocket(req, socket, head, kres);
  }

  /**
   * exec/attach over an upgraded connection: after defaulting the container, writes the rewritten request
   * head to the kubelet over TLS and pipes both sockets (the kubelet answers the 101 itself).
   */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pod: Pod, sub: 'exec' | 'attach', url: URL): Promise<void> {
    const q = url.searchParams;
    const container = resolveContainer(pod, q.get('container') ?? '');
    if (sub === 'exec' && q.getAll('command').length === 0) throw badRequest('you must specify at least one command for the container');
    if (!['stdin', 'stdout', 'stderr'].some((s) => queryBool(q, s))) {
      throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
    }
    const loc = await this.locate(pod);
    if (!loc) throw badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
    const params = new URLSearchParams(q);
    params.delete('container');
    const path = `/${sub}/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}?${params.toString()}`;
    const backend = tlsConnect({ ...this.tlsOptions(), host: loc.host, port: loc.port });
    await new Promise<void>((resolve, reject) => {
      backend.once('secureConnect', resolve);
      backend.once('error', (err) => reject(internalError(`error dialing backend: ${err.message}`, err)));
    });
    const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${loc.host}:${loc.port}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const k = req.rawHeaders[i] ?? '';
      const lk = k.toLowerCase();
      if (lk === 'host' || lk === 'authorization' || lk === 'content-length') continue;
      lines.push(`${k}: ${req.rawHeaders[i + 1] ?? ''}`);
    }
    backend.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length) backend.write(head);
    backend.on('error', () => socket.destroy());
    socket.on('error', () => backend.destroy());
    backend.on('close', () => socket.destroy());
    socket.on('close', () => backend.destroy());
    backend.pipe(socket);
    socket.pipe(backend);
  }

  private tlsOptions(): Record<string, unknown> {
    return {
      cert: this.tls.certPem,
      key: this.tls.keyPem,
      ...(this.tls.caPem ? { ca: this.tls.caPem, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { rejectUnauthorized: false }),
    };
  }
}
