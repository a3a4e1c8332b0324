/**
 * pods/proxy: where the API server sends a proxied request for a pod — its pod IP, on the port the request names
 * or else the first port a container declares.
 *
 * Mirrors kube-apiserver `pkg/registry/core/pod/strategy.go` ResourceLocation (and `proxyutil.IsProxyableIP`:
 * a pod without an IP, or with a loopback or link-local one, gets 400 `address not allowed`).
 */
import { badRequest } from '../../api/errors.js';
import type { Pod } from '../../api/types.js';
import type { ProxyLocation, ProxySubresource } from '../strategy.js';

/** The pod's proxy target for a request naming `scheme` and `port` ('' when not given). Throws 400 as upstream. */
export function podProxyLocation(pod: Pod, id: { scheme: string; port: string }): ProxyLocation {
  let port = id.port;
  if (port === '') {
    const declared = pod.spec.containers.find((c) => (c.ports ?? []).length > 0)?.ports?.[0]?.containerPort;
    if (declared !== undefined) port = String(declared);
  }
  const ip = pod.status?.podIP ?? '';
  if (ip === '' || ip.startsWith('127.') || ip.startsWith('169.254.') || ip === '::1') throw badRequest('address not allowed');
  const scheme = id.scheme === 'https' ? 'https' : 'http';
  if (port === '') return { scheme, host: ip };
  const number = Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    // A port name: the container port of that name.
    const named = pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === port)?.containerPort;
    if (named === undefined) throw badRequest(`invalid port "${port}" for pod ${pod.metadata.name ?? ''}`);
    return { scheme, host: ip, port: named };
  }
  return { scheme, host: ip, port: number };
}

/** The pods/proxy subresource handler. */
export const podProxy: ProxySubresource = {
  kind: 'proxy',
  location: async (_ctx, obj, id) => podProxyLocation(obj as Pod, id),
};
