/**
 * Reads the current context of a kubeconfig file into what the dashboard needs to reach that cluster's API
 * server: its URL, CA, and the user's client certificate or bearer token (client-go clientcmd's subset).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

/** The credentials of one kubeconfig context, PEM texts decoded from `*-data` fields or read from their files. */
export interface ClusterAccess {
  /** `https://host:port` of the API server. */
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTlsVerify: boolean;
  /** The context's default namespace (`default` when unset). */
  namespace: string;
}



const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function find(list: unknown, name: string, what: string, field: string): Record<string, unknown> {
  const entry = (Array.isArray(list) ? (list as unknown[]) : []).find((e) => rec(e)['name'] === name);
  if (!entry) throw new Error(`kubeconfig: no ${what} "${name}"`);
  return rec(rec(entry)[field]);
}

/** `field-data` (base64) or `field` (a path, relative to the kubeconfig's folder), decoded to text. */
function pem(section: Record<string, unknown>, field: string, base: string): string | undefined {
  const data = section[`${field}-data`];
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64').toString('utf8');
  const file = section[field];
  if (typeof file === 'string' && file) return readFileSync(isAbsolute(file) ? file : join(base, file), 'utf8');
  return undefined;
}

/**
 * Parses kubeconfig `text` (whose file lies in folder `base`) and returns the access of `context`, default its
 * current-context. Throws an Error naming what is missing: no current-context, an unknown context, cluster or
 * user, a cluster without `server`.
 */
export function clusterAccessFrom(text: string, base: string, context?: string): ClusterAccess {
  const config = rec(parse(text));
  const name = context ?? (typeof config['current-context'] === 'string' ? config['current-context'] : '');
  if (!name) throw new Error('kubeconfig: no current-context');
  const ctx = find(config['contexts'], name, 'context', 'context');
  const cluster = find(config['clusters'], String(ctx['cluster'] ?? ''), 'cluster', 'cluster');
  const user = ctx['user'] ? find(config['users'], String(ctx['user']), 'user', 'user') : {};
  const server = cluster['server'];
  if (typeof server !== 'string' || !server) throw new Error(`kubeconfig: cluster "${String(ctx['cluster'])}" has no server`);
  const access: ClusterAccess = { server: server.replace(/\/+$/, ''), insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true, namespace: typeof ctx['namespace'] === 'string' && ctx['namespace'] ? ctx['namespace'] : 'default' };
  const ca = pem(cluster, 'certificate-authority', base);
  const cert = pem(user, 'client-certificate', base);
  const key = pem(user, 'client-key', base);
  if (ca !== undefined) access.caPem = ca;
  if (cert !== undefined) access.certPem = cert;
  if (key !== undefined) access.keyPem = key;
  const token = typeof user['token'] === 'string' ? user['token'] : typeof user['tokenFile'] === 'string' ? readFileSync(user['tokenFile'], 'utf8').trim() : undefined;
  if (token) access.token = token;
  return access;
}

/** Reads and parses the kubeconfig file at `path` (see clusterAccessFrom); throws as readFileSync does. */
export function loadClusterAccess(path: string, context?: string): ClusterAccess {
  return clusterAccessFrom(readFileSync(path, 'utf8'), dirname(path), context);
}
