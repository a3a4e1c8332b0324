/**
 * services/proxy: where the API server sends a proxied request for a Service — one ready address of its Endpoints,
 * on the endpoint port of the Service port the request names (by number or name; unnamed for a single-port Service).
 *
 * Mirrors kube-apiserver `pkg/registry/core/service/storage/storage.go` ResourceLocation: a port number is mapped to
 * the Service port's name first (`no service port N found for service "S"` otherwise, 503), then a random subset and
 * a random address of it that carries that port name; 503 `no endpoints available for service "S"` when none has.
 */
import { serviceUnavailable } from '../../api/errors.js';
import type { Endpoints, Service } from '../../api/services.js';
import type { ProxyLocation, ProxySubresource, SubresourceContext } from '../strategy.js';

/** Picks the target among `endpoints` for a request on `svc` naming `scheme` and `port` ('' when not given). */
export function serviceProxyLocation(svc: Service, endpoints: Endpoints | undefined, id: { scheme: string; port: string }, random: () => number = Math.random): ProxyLocation {
  const name = svc.metadata.name ?? '';
  let portName = id.port;
  if (/^\d+$/.test(portName)) {
    const number = Number(portName);
    const declared = (svc.spec?.ports ?? []).find((p) => p.port === number);
    if (!declared) throw serviceUnavailable(`no service port ${number} found for service "${name}"`);
    portName = declared.name ?? '';
  }
  const subsets = endpoints?.subsets ?? [];
  if (subsets.length === 0) throw serviceUnavailable(`no endpoints available for service "${name}"`);
  const start = Math.floor(random() * subsets.length);
  for (let i = 0; i < subsets.length; i++) {
    const subset = subsets[(start + i) % subsets.length]!;
    const addresses = subset.addresses ?? [];
    if (addresses.length === 0) continue;
    const port = (subset.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (!port) continue;
    const address = addresses[Math.floor(random() * addresses.length)]!;
    return { scheme: id.scheme === 'https' ? 'https' : 'http', host: address.ip, port: port.port };
  }
  const asked = [id.scheme, name, id.port].filter((x, i) => x !== '' || i === 1).join(':');
  throw serviceUnavailable(`no endpoints available for service "${asked}"`);
}

async function endpointsOf(ctx: SubresourceContext, svc: Service): Promise<Endpoints | undefined> {
  try {
    return (await ctx.lookup?.('', 'endpoints', ctx.namespace, svc.metadata.name ?? '')) as Endpoints | undefined;
  } catch {
    return undefined;
  }
}

/** The services/proxy subresource handler. */
export const serviceProxy: ProxySubresource = {
  kind: 'proxy',
  location: async (ctx, obj, id) => serviceProxyLocation(obj as Service, await endpointsOf(ctx, obj as Service), id),
};
