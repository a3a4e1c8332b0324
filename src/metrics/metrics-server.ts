/**
 * metrics-server's role in k1s: an API client that watches pods and nodes, scrapes every node's kubelet
 * `/metrics/resource` once a resolution (15 s), keeps the last two points of each node and container, and
 * offers the metrics.k8s.io/v1beta1 resources for the API server to install.
 *
 * Mirrors metrics-server `pkg/server/server.go` (RunUntil: a tick at start, then one every metric resolution,
 * each bounded by the resolution) with k3s's deployment flags (`--metric-resolution=15s`,
 * `--kubelet-use-node-status-port`, `--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname`).
 */
import type { Node, Pod } from '../api/types.js';
import { runInformer, type Informer } from '../client/informer.js';
import type { ApiClient } from '../client/types.js';
import type { ReadOnlyResource } from '../registry/read-only.js';
import { nodeMetricsResource, podMetricsResource } from './metrics-api.js';
import { scrape, type KubeletClientTls } from './scraper.js';
import { MetricsStorage, type NodeRef, type PodRef } from './storage.js';
import { RESOURCES, resourcePath } from '../api/paths.js';

/** metrics-server's default `--metric-resolution`, which k3s deploys it with. */
export const DEFAULT_METRIC_RESOLUTION_MS = 15_000;

/** Options of {@link createMetricsServer}. */
export interface MetricsServerOptions {
  /** The identity it scrapes kubelets with. */
  kubeletTls: KubeletClientTls;
  /** Scrape period, ms (default 15 s). */
  resolutionMs?: number;
  /** Per-kubelet request timeout, ms (default 10 s, metrics-server `--kubelet-request-timeout`). */
  kubeletRequestTimeoutMs?: number;
  /** Clock for request times and creationTimestamps (default `() => new Date()`). */
  clock?: () => Date;
  /** Fetches a node's exposition (default: HTTPS to its kubelet); tests substitute it. */
  fetch?: (node: Node) => Promise<string>;
  log?: (msg: string) => void;
}

/** A metrics server: its resources exist from creation (answering 503 until started and synced), the work starts with `start`. */
export interface MetricsServer {
  /** PodMetrics and NodeMetrics, for the API server's `readOnly` option. */
  resources: ReadOnlyResource[];
  /**
   * Starts watching pods and nodes through `client` and, once nodes are known, scraping at once and on every
   * resolution tick. Throws when already started.
   */
  start(client: ApiClient): void;
  /** Scrapes every node now and stores the batch (what a tick does); resolves when stored. */
  scrapeNow(): Promise<void>;
  /** Stops scraping and watching; resolves when the informers have ended. A server never started stops at once. */
  stop(): Promise<void>;
}

/** Creates a metrics server; nothing runs until {@link MetricsServer.start}. */
export function createMetricsServer(options: MetricsServerOptions): MetricsServer {
  const resolutionMs = options.resolutionMs ?? DEFAULT_METRIC_RESOLUTION_MS;
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => {});
  const storage = new MetricsStorage(resolutionMs);
  const abort = new AbortController();
  const pods = new Map<string, PodRef>();
  const nodes = new Map<string, NodeRef & { node: Node }>();
  let podsSynced = false;
  let nodesSynced = false;

  let firstNodes: () => void = () => {};
  const nodesKnown = new Promise<void>((resolve) => (firstNodes = resolve));
  let running: Promise<unknown> | undefined;

  const tick = async (): Promise<void> => {
    const batch = await scrape(
      [...nodes.values()].map((n) => n.node),
      {
        tls: options.kubeletTls,
        timeoutMs: Math.min(options.kubeletRequestTimeoutMs ?? 10_000, resolutionMs),
        now: () => clock().getTime(),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        onNodeError: (node, err) => log(`failed to scrape node "${node.metadata.name ?? ''}": ${err.message}`),
      },
    );
    storage.store(batch);
  };

  let timer: NodeJS.Timeout | undefined;
  const loop = async (): Promise<void> => {
    await nodesKnown;
    while (!abort.signal.aborted) {
      const started = Date.now();
      await tick().catch((err: unknown) => log(`scrape: ${(err as Error).message}`));
      if (abort.signal.aborted) break;
      // A ticker's period: the next tick at start + resolution (a late tick is not doubled up).
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, resolutionMs - (Date.now() - started)));
        abort.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  };

  const sources = {
    storage,
    pods: () => (podsSynced ? pods : undefined),
    nodes: () => (nodesSynced ? nodes : undefined),
    now: clock,
  };
  return {
    resources: [podMetricsResource(sources), nodeMetricsResource(sources)],
    start(client) {
      if (running) throw new Error('metrics server already started');
      const podInformer: Informer<Pod> = runInformer<Pod>({
        client,
        path: resourcePath(RESOURCES.pods),
        signal: abort.signal,
        handlers: {
          onEvent(type, pod, old) {
            const ref = (p: Pod): string => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`;
            if (old) pods.delete(ref(old));
            if (type !== 'DELETED') pods.set(ref(pod), { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}) });
          },
          onSynced: () => (podsSynced = true),
          onError: (err) => log(`pods informer: ${(err as Error).message}`),
        },
      });
      const nodeInformer: Informer<Node> = runInformer<Node>({
        client,
        path: resourcePath(RESOURCES.nodes),
        signal: abort.signal,
        handlers: {
          onEvent(type, node, old) {
            if (old) nodes.delete(old.metadata.name ?? '');
            if (type !== 'DELETED') nodes.set(node.metadata.name ?? '', { name: node.metadata.name ?? '', ...(node.metadata.labels ? { labels: node.metadata.labels } : {}), node });
          },
          onSynced: () => {
            nodesSynced = true;
            firstNodes();
          },
          onError: (err) => log(`nodes informer: ${(err as Error).message}`),
        },
      });
      running = Promise.all([loop(), podInformer.done, nodeInformer.done]);
    },
    scrapeNow: tick,
    async stop() {
      abort.abort();
      if (timer) clearTimeout(timer);
      firstNodes();
      await running;
    },
  };
}
