/**
 * The kubelet's /portForward endpoint: checks the request, asks the runtime for a port-forward streaming URL
 * (CRI PortForward on the pod's newest sandbox) and hands the client's upgrade request to that URL unchanged,
 * so the runtime's streaming server (containerd's) speaks SPDY/3.1 `portforward.k8s.io` or the WebSocket
 * channel protocol with the client and dials the port inside the sandbox's network namespace.
 *
 * Mirrors kubelet `pkg/kubelet/server/server.go` (getPortForward, proxyStream),
 * `pkg/kubelet/cri/streaming/portforward/websocket.go` (NewV4Options) and `pkg/kubelet/kuberuntime`
 * (GetPortForward, getSandboxIDByPodUID).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from '../../api/types.js';
import type { RuntimeService } from '../../cri/types.js';
import { POD_UID_LABEL } from '../container/labels.js';
import { proxyUpgrade } from './stream-proxy.js';

/** A refusal before the upgrade: HTTP status code and plain-text body, as the kubelet writes them. */
export class PortForwardError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** True for a WebSocket upgrade request (`Connection: Upgrade` + `Upgrade: websocket`), as wsstream.IsWebSocketRequest. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const connection = String(req.headers.connection ?? '').toLowerCase();
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  return connection.split(',').some((t) => t.trim() === 'upgrade') && upgrade.split(',').some((t) => t.trim() === 'websocket');
}

/**
 * The ports of a port-forward request (portforward `NewV4Options`): a WebSocket client must name them in
 * `port` parameters (repeated or comma-separated); a SPDY client names one on each stream, so none are read.
 * Throws the kubelet's messages for a missing, empty, unparsable or zero port.
 */
export function portForwardPorts(query: URLSearchParams, webSocket: boolean): number[] {
  if (!webSocket) return [];
  const raw = query.getAll('port');
  if (raw.length === 0) throw new Error('query parameter "port" is required');
  const ports: number[] = [];
  for (const s of raw) {
    if (s === '') throw new Error('query parameter "port" cannot be empty');
    for (const p of s.split(',')) {
      const n = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!Number.isInteger(n)) throw new Error(`unable to parse "${s}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax`);
      if (n > 65535) throw new Error(`unable to parse "${s}" as a port: strconv.ParseUint: parsing "${p}": value out of range`);
      if (n < 1) throw new Error(`port "${s}" must be > 0`);
      ports.push(n);
    }
  }
  return ports;
}

/** `name_namespace(uid)`, the kubelet's `format.PodDesc`. */
function podDesc(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}

/** The pod's newest sandbox (getSandboxIDByPodUID: any state, newest first); 500 when it has none. */
export async function newestSandboxId(runtime: RuntimeService, pod: Pod): Promise<string> {
  let sandboxes;
  try {
    sandboxes = await runtime.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: pod.metadata.uid ?? '' } });
  } catch (err) {
    throw new PortForwardError(500, `failed to find sandboxID for pod ${podDesc(pod)}: ${(err as { details?: string }).details || (err as Error).message}`);
  }
  const newest = sandboxes.sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!newest) throw new PortForwardError(500, `failed to find sandboxID for pod ${podDesc(pod)}`);
  return newest.id;
}

/** What {@link servePortForward} needs of the kubelet. */
export interface PortForwardHost {
  runtime: RuntimeService;
  getPod(namespace: string, name: string): Pod | undefined;
}

/**
 * Serves `/portForward/{namespace}/{pod}[/{uid}]` on an upgrade request. Resolves once the request has been
 * handed to the runtime's streaming server (which answers the 101 itself and then carries the session);
 * rejects with a {@link PortForwardError} to be answered before any upgrade: 400 for bad ports, 404 for an
 * unknown pod or a uid that is not the pod's, 404/500 for CRI failures (gRPC NotFound → 404, as
 * streaming.WriteError), 500 when the streaming server cannot be reached.
 */
export async function servePortForward(host: PortForwardHost, req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[], query: URLSearchParams): Promise<void> {
  const [namespace = '', podName = '', uid = ''] = parts;
  let ports: number[];
  try {
    ports = portForwardPorts(query, isWebSocketUpgrade(req));
  } catch (err) {
    throw new PortForwardError(400, (err as Error).message);
  }
  const pod = host.getPod(namespace, podName);
  if (!pod) throw new PortForwardError(404, 'pod does not exist');
  if (uid && pod.metadata.uid !== uid) throw new PortForwardError(404, 'pod not found');
  const sandboxId = await newestSandboxId(host.runtime, pod);
  let url: string;
  try {
    url = await host.runtime.portForward(sandboxId, ports);
  } catch (err) {
    const e = err as { code?: number; details?: string; message?: string };
    throw new PortForwardError(e.code === 5 ? 404 : 500, e.details || e.message || String(err));
  }
  try {
    await proxyUpgrade(req, socket, head, new URL(url));
  } catch (err) {
    throw new PortForwardError(500, `error dialing the runtime's streaming server: ${(err as Error).message}`);
  }
}
