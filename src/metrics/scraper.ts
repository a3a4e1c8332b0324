/**
 * The scraper: fetches every node's kubelet `/metrics/resource` over HTTPS and merges the decoded points into
 * one batch.
 *
 * Mirrors metrics-server `pkg/scraper/scraper.go` and `pkg/scraper/client/resource/client.go` with k3s's flags
 * (`--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname`, `--kubelet-use-node-status-port`): the
 * node's first address of the preferred types, its status' kubelet port, the path overridable by the
 * `metrics.k8s.io/resource-metrics-path` annotation; a node that fails (timeout, non-200, bad text) is left
 * out of the batch and reported, the others still count; a pod seen on two nodes keeps the first.
 */
import { request } from 'node:https';
import type { Node } from '../api/types.js';
import { decodeBatch, type MetricsBatch } from './decode.js';

/** The scraper's TLS identity towards kubelets, and the CA their serving certificates are checked against. */
export interface KubeletClientTls {
  certPem: string;
  keyPem: string;
  /** When absent the serving certificate is not verified (metrics-server `--kubelet-insecure-tls`). */
  caPem?: string;
}

/** Where a node's resource metrics are served. */
export interface MetricsLocation {
  host: string;
  port: number;
  path: string;
}

const ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname'];
/** The annotation naming another path than /metrics/resource (AnnotationResourceMetricsPath). */
export const RESOURCE_METRICS_PATH_ANNOTATION = 'metrics.k8s.io/resource-metrics-path';
const DEFAULT_KUBELET_PORT = 10250;

/** The kubelet URL of a node; throws when the node has no address of a preferred type. */
export function metricsLocation(node: Node): MetricsLocation {
  const addresses = node.status?.addresses ?? [];
  const addr = ADDRESS_TYPES.map((t) => addresses.find((a) => a.type === t)).find((a) => a !== undefined);
  if (!addr) throw new Error(`node "${node.metadata.name ?? ''}" has no address of type ${ADDRESS_TYPES.join(', ')}`);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  const path = node.metadata.annotations?.[RESOURCE_METRICS_PATH_ANNOTATION] || '/metrics/resource';
  return { host: addr.address, port, path };
}

/** GETs a node's exposition; rejects on connection errors, non-200 answers (`request failed, status: "404 Not Found"`) and timeouts. */
export function fetchResourceMetrics(loc: MetricsLocation, tls: KubeletClientTls, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: loc.host,
        port: loc.port,
        path: loc.path,
        method: 'GET',
        cert: tls.certPem,
        key: tls.keyPem,
        ...(tls.caPem ? { ca: tls.caPem, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { rejectUnauthorized: false }),
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`request failed, status: "${res.statusCode ?? 0} ${res.statusMessage ?? ''}"`));
          else resolve(Buffer.concat(chunks).toString('utf8'));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Options of {@link scrape}. */
export interface ScrapeOptions {
  tls: KubeletClientTls;
  /** Per-node request timeout, ms (metrics-server `--kubelet-request-timeout`, 10 s). */
  timeoutMs: number;
  /** The request time, ms since the epoch (for samples without a timestamp). */
  now: () => number;
  /** Fetches one node (default: HTTPS to its kubelet); tests substitute it. */
  fetch?: (node: Node) => Promise<string>;
  /** Reports a node that could not be scraped. */
  onNodeError?: (node: Node, err: Error) => void;
}

/** Scrapes `nodes` concurrently into one batch (Scrape). Never rejects. */
export async function scrape(nodes: Node[], options: ScrapeOptions): Promise<MetricsBatch> {
  const fetchNode = options.fetch ?? ((n: Node) => fetchResourceMetrics(metricsLocation(n), options.tls, options.timeoutMs));
  const results = await Promise.all(
    nodes.map(async (node) => {
      const requestTime = options.now();
      try {
        return decodeBatch(await fetchNode(node), requestTime, node.metadata.name ?? '');
      } catch (err) {
        options.onNodeError?.(node, err instanceof Error ? err : new Error(String(err)));
        return undefined;
      }
    }),
  );
  const batch: MetricsBatch = { nodes: new Map(), pods: new Map() };
  for (const r of results) {
    if (!r) continue;
    for (const [name, p] of r.nodes) if (!batch.nodes.has(name)) batch.nodes.set(name, p);
    for (const [key, p] of r.pods) if (!batch.pods.has(key)) batch.pods.set(key, p);
  }
  return batch;
}
