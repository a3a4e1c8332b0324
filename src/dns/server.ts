/**
 * Starts the cluster DNS: informers on the API feeding the records, and a UDP socket plus a TCP
 * listener on each listen address, all on one port. It is an API client like any other component.
 */
import type { ApiClient } from '../client/types.js';
import type { ClusterRecordSource } from './cluster-records.js';
import { createForwarder } from './forwarder.js';
import { handleQuery, type QueryContext } from './handler.js';
import { watchClusterRecords } from './informers.js';
import { normalizeName } from './query-name.js';
import { listenTcp, type TcpListener } from './tcp.js';
import { listenUdp, type AcceptFrom, type UdpListener } from './udp.js';

/** Options of {@link startClusterDns}. */
export interface ClusterDnsOptions {
  /** API client the informers use (needs list/watch on namespaces, services, endpointslices). */
  client?: ApiClient;
  /** Records to answer from instead of informers (tests); always ready. One of `client`/`records` is required. */
  records?: ClusterRecordSource;
  /** Listen addresses (default `['127.0.0.1']`). */
  listen?: string[];
  /** Port for UDP and TCP on every address (default 53; 0 picks a free port). */
  port?: number;
  /** Cluster domain (default `cluster.local`, k3s's `--cluster-domain`). */
  clusterDomain?: string;
  /** resolv.conf naming the upstream nameservers (default `/etc/resolv.conf`, k3s's `--resolv-conf`). */
  resolvConf?: string;
  /** Port of the upstream nameservers (default 53). */
  upstreamPort?: number;
  /** Wait for one upstream reply, ms (default 2000). */
  upstreamTimeoutMs?: number;
  /** Errors the server survives (informer failures, socket errors). */
  onError?: (err: unknown) => void;
  /**
   * Which clients are answered (default: all). An address pods reach, such as the bridge gateway, can
   * limit itself to the cluster CIDR so the node is no open resolver.
   */
  acceptFrom?: (remoteAddress: string) => boolean;
  /** See ResolveConfig.noDataForSearchSuffixes (resolve.ts): busybox nslookup of short names; default false. */
  noDataForSearchSuffixes?: boolean;
  /** Informer retry delay, ms (default 1000). */
  retryDelayMs?: number;
}

/** A running cluster DNS. */
export interface ClusterDns {
  /** The first listen address and the port bound. */
  readonly address: { address: string; port: number };
  /** Every address listened on, each on UDP and TCP. */
  readonly addresses: { address: string; port: number }[];
  /** Settles once the records hold a complete list (until then cluster names get SERVFAIL). */
  readonly synced: Promise<void>;
  /** Closes the listeners and stops the informers. */
  stop(): Promise<void>;
}

type Handle = (t: 'udp' | 'tcp') => (m: Buffer) => Promise<Buffer | undefined>;

async function bindPair(address: string, port: number, handle: Handle, onError: (err: unknown) => void, accept?: AcceptFrom): Promise<[UdpListener, TcpListener]> {
  for (let attempt = 0; ; attempt++) {
    const udp = await listenUdp(address, port, handle('udp'), onError, accept);
    try {
      return [udp, await listenTcp(address, udp.port, handle('tcp'), onError, accept)];
    } catch (err) {
      await udp.close();
      // a free UDP port whose TCP twin is taken: pick another when the port was ours to choose
      if (port !== 0 || attempt >= 10 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

/**
 * Starts the cluster DNS and resolves once every listener is bound (the records may still be syncing,
 * see {@link ClusterDns.synced}). Throws when a listener cannot bind (EADDRINUSE, EACCES for port 53
 * without privilege) or neither `client` nor `records` is given.
 */
export async function startClusterDns(options: ClusterDnsOptions): Promise<ClusterDns> {
  const onError = options.onError ?? (() => {});
  const zone = normalizeName(options.clusterDomain ?? 'cluster.local');
  const abort = new AbortController();
  let records: ClusterRecordSource;
  let ready: () => boolean;
  let synced: Promise<void>;
  let informersDone: Promise<void> = Promise.resolve();
  if (options.records) {
    records = options.records;
    ready = () => true;
    synced = Promise.resolve();
  } else if (options.client) {
    const watch = watchClusterRecords(options.client, abort.signal, onError, options.retryDelayMs);
    records = watch.records;
    ready = watch.synced;
    synced = watch.whenSynced;
    informersDone = watch.done;
  } else {
    throw new Error('cannot start the cluster DNS: neither a client nor records given');
  }

  const listen = options.listen?.length ? options.listen : ['127.0.0.1'];
  const self = listen.map((address) => ({ address, port: options.port ?? 53 }));
  const forwarder = createForwarder({
    resolvConf: options.resolvConf ?? '/etc/resolv.conf',
    self,
    ...(options.upstreamPort !== undefined ? { upstreamPort: options.upstreamPort } : {}),
    ...(options.upstreamTimeoutMs !== undefined ? { timeoutMs: options.upstreamTimeoutMs } : {}),
  });
  const ctx: QueryContext = { records, resolve: { zone, noDataForSearchSuffixes: options.noDataForSearchSuffixes === true }, forwarder, ready };
  const handle = (t: 'udp' | 'tcp') => (msg: Buffer) => handleQuery(msg, t, ctx);

  const listeners: (UdpListener | TcpListener)[] = [];
  const stopAll = async (): Promise<void> => {
    abort.abort();
    await Promise.all(listeners.map((l) => l.close()));
    await informersDone;
  };
  try {
    let port = options.port ?? 53;
    for (const address of listen) {
      const pair = await bindPair(address, port, handle, onError, options.acceptFrom);
      listeners.push(...pair);
      port = pair[0].port;
      for (const s of self) s.port = port;
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  const addresses = listeners.filter((_, i) => i % 2 === 0).map((l) => ({ address: l.address, port: l.port }));
  return { address: addresses[0]!, addresses, synced, stop: stopAll };
}
