/**
 * Test harness: starts the API server on 127.0.0.1:0 over a temporary SQLite file with freshly generated
 * certificates, writes an admin kubeconfig, and runs the real kubectl against it.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, renderKubeconfig, type ClusterPki } from '../../pki/pki.js';
import { createApiClient } from '../../client/rest-client.js';
import { startNamespaceController } from '../../controllers/namespace.js';
import type { ReadOnlyResource } from '../../registry/read-only.js';
import { startServiceAccountsController } from '../../controllers/serviceaccounts.js';
import { startRootCAPublisher } from '../../controllers/root-ca.js';
import { startClusterRoleAggregation } from '../../controllers/clusterrole-aggregation.js';
import { startResourceQuotaController } from '../../controllers/resourcequota/controller.js';
import { coreStrategies, DEFAULT_REGISTRY_CONFIG } from '../../registry/index.js';
import { ServiceAccountTokens } from '../authn/service-account-tokens.js';
import type { Strategy } from '../../registry/strategy.js';
import { SqliteStore } from '../../storage/sqlite.js';
import { startApiServer, type ApiServer } from '../server.js';

/** Result of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running test server with its kubeconfig. */
export interface TestServer {
  server: ApiServer;
  store: SqliteStore;
  pki: ClusterPki;
  dir: string;
  kubeconfig: string;
  url: string;
  strategies: Strategy[];
  /** The ServiceAccount token signer, with `access: true`. */
  tokens?: ServiceAccountTokens;
  /** Runs /usr/bin/kubectl with the test kubeconfig and cache dir; `stdin` is piped when given. */
  kubectl(args: string[], stdin?: string, timeoutMs?: number): Promise<KubectlResult>;
  /** Starts kubectl and returns the child (for `get -w`). */
  kubectlSpawn(args: string[]): ReturnType<typeof spawn>;
  close(): Promise<void>;
}

/** The registry's real strategies (coreStrategies()): API-server tests run what the server runs. */
export async function strategiesForTest(): Promise<Strategy[]> {
  return coreStrategies();
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** Also run the namespace controller (src/controllers/namespace.ts) against the server, so deleted namespaces go away. */
  namespaceController?: boolean;
  /** Read-only resources to serve (ApiServerOptions.readOnly). */
  readOnly?: ReadOnlyResource[];
  /**
   * Access control as `k1s server` runs it: ServiceAccount tokens (serviceaccounts/token, bearer authentication),
   * Node,RBAC authorization with the default policy, ServiceAccount admission, and the ServiceAccount, root-CA and
   * ClusterRole aggregation controllers. Overrides `strategies`.
   */
  access?: boolean;
  /** ApiServerOptions.onServerError: called with each 5xx answer's request line and message. */
  onServerError?: (line: string) => void;
}

/** Starts a server for tests. */
export async function startTestServer(strategies?: Strategy[], options: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'k1s-apiserver-'));
  const pki = await ensurePki(join(dir, 'pki'), 'node1');
  const store = new SqliteStore(join(dir, 'state.db'), { compactIntervalMs: 0 });
  const tokens = options.access ? new ServiceAccountTokens({ keyPem: pki.serviceAccount.keyPem, issuer: 'https://kubernetes.default.svc.cluster.local' }) : undefined;
  const strats = tokens ? coreStrategies({ ...DEFAULT_REGISTRY_CONFIG, serviceAccountTokens: tokens }) : (strategies ?? (await strategiesForTest()));
  const server = await startApiServer({
    store,
    strategies: strats,
    port: 0,
    tls: { caPem: pki.caPem, certPem: pki.apiserver.certPem, keyPem: pki.apiserver.keyPem },
    kubeletClient: { ...pki.apiserverKubeletClient, caPem: pki.caPem },
    ...(options.readOnly ? { readOnly: options.readOnly } : {}),
    ...(options.onServerError ? { onServerError: options.onServerError } : {}),
    ...(tokens ? { serviceAccountTokens: tokens, authorizationMode: 'Node,RBAC' as const, admissionPlugins: ['LimitRanger' as const, 'ServiceAccount' as const, 'DefaultStorageClass' as const, 'PodSecurity' as const, 'RuntimeClass' as const, 'ResourceQuota' as const] } : {}),
  });
  const url = `https://127.0.0.1:${server.port}`;
  const client = options.namespaceController || tokens ? createApiClient({ server: url, caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem }) : undefined;
  const namespaceController = client && options.namespaceController ? startNamespaceController({ client, retryDelayMs: 50 }) : undefined;
  const controllers = client && tokens
    ? [startServiceAccountsController({ client, retryDelayMs: 50 }), startRootCAPublisher({ client, rootCA: pki.caPem, retryDelayMs: 50 }), startClusterRoleAggregation({ client, retryDelayMs: 50 }), startResourceQuotaController({ client, retryDelayMs: 50 })]
    : [];
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, renderKubeconfig(url, pki.caPem, pki.admin));
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  const baseArgs = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')];
  const kubectlSpawn = (args: string[]): ReturnType<typeof spawn> => spawn('/usr/bin/kubectl', [...baseArgs, ...args], { env });
  const kubectl = (args: string[], stdin?: string, timeoutMs = 20000): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = kubectlSpawn(args);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      if (stdin !== undefined) child.stdin?.end(stdin);
      else child.stdin?.end();
    });
  return {
    server,
    store,
    pki,
    dir,
    kubeconfig,
    url,
    strategies: strats,
    ...(tokens ? { tokens } : {}),
    kubectl,
    kubectlSpawn,
    close: async () => {
      await namespaceController?.stop();
      for (const c of controllers) await c.stop();
      client?.close();
      await server.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A raw HTTP reply of {@link call}. */
export interface Reply {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => Record<string, unknown>;
}

/** Sends one HTTPS request to the test server as admin (or anonymously); JSON-encodes a non-string body. */
export function call(t: TestServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, anonymous = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port: t.server.port,
        method,
        path,
        ca: t.pki.caPem,
        ...(anonymous ? {} : { cert: t.pki.admin.certPem, key: t.pki.admin.keyPem }),
        headers: { ...(text !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) } : {}), ...headers },
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: data, json: () => JSON.parse(data) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}
