// A CRI runtime.v1 gRPC client over a unix socket, implementing the RuntimeService and ImageService of ./types.ts.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type {
  AttachRequest,
  ContainerConfig,
  ContainerFilter,
  ContainerStats,
  ContainerStatsFilter,
  CriContainer,
  CriContainerStatus,
  CriImage,
  ExecRequest,
  ExecSyncResponse,
  ImageService,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStats,
  PodSandboxStatsFilter,
  PodSandboxStatus,
  RuntimeHandler,
  RuntimeService,
} from './types.js';

/** A connected CRI client: both services share one channel; `close()` releases it. */
export interface CriClient {
  runtime: RuntimeService;
  images: ImageService;
  close(): void;
}

/** Options of {@link createCriClient}. */
export interface CriClientOptions {
  /** Deadline of each runtime and image call except PullImage, in ms (kubelet's --runtime-request-timeout is 2 min). */
  timeoutMs?: number;
  /** Deadline of PullImage in ms; 0 = none (kubelet pulls without a deadline, relying on progress). */
  pullTimeoutMs?: number;
}

/**
 * An error returned by a CRI call: keeps the gRPC `code` (numeric, see grpc.status), its name (`NotFound`...),
 * the runtime's `details` and the method, with a message shaped like Go's
 * `rpc error: code = NotFound desc = ...` prefixed by the method.
 */
export class CriError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly details: string;
  readonly method: string;
  constructor(method: string, code: number, details: string, options?: { cause?: unknown }) {
    const codeName = grpc.status[code] ?? String(code);
    const pretty = codeName.split('_').map((w) => w.charAt(0) + w.slice(1).toLowerCase()).join('');
    super(`${method}: rpc error: code = ${pretty} desc = ${details}`, options);
    this.name = 'CriError';
    this.code = code;
    this.codeName = pretty;
    this.details = details;
    this.method = method;
  }
}

/** True when `err` is a CRI/gRPC error with status NOT_FOUND (containerd's answer for unknown ids). */
export function isCriNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === grpc.status.NOT_FOUND;
}

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
};

/**
 * Locates api.proto: beside this module when run from src/, else ../../../src/cri/api.proto from
 * dist/src/cri/client.js, else K1S_CRI_PROTO. Throws listing the places tried.
 */
export function findCriProto(): string {
  const candidates = [
    process.env['K1S_CRI_PROTO'],
    fileURLToPath(new URL('./api.proto', import.meta.url)),
    fileURLToPath(new URL('../../../src/cri/api.proto', import.meta.url)),
    fileURLToPath(new URL('../../src/cri/api.proto', import.meta.url)),
  ].filter((p): p is string => typeof p === 'string' && p !== '');
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(`cannot load CRI API: api.proto not found in ${candidates.map((c) => `"${c}"`).join(', ')}`);
}

type ServiceCtor = grpc.ServiceClientConstructor;
let services: { runtime: ServiceCtor; image: ServiceCtor } | undefined;

function loadServices(): { runtime: ServiceCtor; image: ServiceCtor } {
  if (services) return services;
  const definition = protoLoader.loadSync(findCriProto(), LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    runtime: { v1: { RuntimeService: ServiceCtor; ImageService: ServiceCtor } };
  };
  services = { runtime: pkg.runtime.v1.RuntimeService, image: pkg.runtime.v1.ImageService };
  return services;
}

/** Turns `/run/x.sock`, `unix:/run/x.sock` or `unix:///run/x.sock` into grpc-js's `unix:///run/x.sock` target. */
export function criTarget(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return endpoint;
  if (endpoint.startsWith('unix:')) return `unix://${endpoint.slice('unix:'.length)}`;
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  throw new Error(`invalid CRI endpoint "${endpoint}": expected a unix socket path or unix:// URL`);
}

/** The socket path of a CRI endpoint (`unix:///x` → `/x`). */
export function criSocketPath(endpoint: string): string {
  return criTarget(endpoint).slice('unix://'.length);
}

// Decoded messages are plain objects; we index them by field name.
type Message = Record<string, unknown>;
type UnaryMethod = (req: Message, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Message) => void) => grpc.ClientUnaryCall;

function caller(client: grpc.Client, service: string, defaultTimeoutMs: number) {
  return (method: string, request: Message, timeoutMs: number = defaultTimeoutMs): Promise<Message> =>
    new Promise((resolve, reject) => {
      const fn = (client as unknown as Record<string, UnaryMethod>)[method.charAt(0).toLowerCase() + method.slice(1)];
      if (!fn) {
        reject(new Error(`CRI method ${service}/${method} not in api.proto`));
        return;
      }
      const opts: grpc.CallOptions = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
      fn.call(client, request, new grpc.Metadata(), opts, (err, res) => {
        if (err) reject(new CriError(`${service}/${method}`, err.code, err.details || err.message, { cause: err }));
        else resolve(res ?? {});
      });
    });
}

/**
 * Connects (lazily) to a CRI runtime at `endpoint` (a unix socket path or unix:// URL).
 * Calls reject with {@link CriError}. Mirrors the kubelet's remote runtime/image services
 * (k8s.io/cri-client pkg/remote_runtime.go, remote_image.go).
 */
export function createCriClient(endpoint: string, options: CriClientOptions = {}): CriClient {
  const { runtime: RuntimeCtor, image: ImageCtor } = loadServices();
  const target = criTarget(endpoint);
  const channelOptions: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
    // When containerd is restarted on the same socket path, the channel goes TRANSIENT_FAILURE and
    // reconnects with exponential back-off (grpc-js default: 1 s growing to 120 s). Cap it at 1 s so a
    // restarted runtime is reached again within about a second (the kubelet's own sync loops retry).
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 1_000,
  };
  const runtimeClient = new RuntimeCtor(target, grpc.credentials.createInsecure(), channelOptions);
  // Share the channel so both services use one connection.
  const imageClient = new ImageCtor(target, grpc.credentials.createInsecure(), {
    ...channelOptions,
    channelOverride: runtimeClient.getChannel(),
  });
  const timeout = options.timeoutMs ?? 120_000;
  const rt = caller(runtimeClient, 'runtime.v1.RuntimeService', timeout);
  const img = caller(imageClient, 'runtime.v1.ImageService', timeout);
  const pullTimeout = options.pullTimeoutMs ?? 0;

  const runtime: RuntimeService = {
    async version() {
      const r = await rt('Version', { version: 'v1' });
      return r as unknown as Awaited<ReturnType<RuntimeService['version']>>;
    },
    async runPodSandbox(config: PodSandboxConfig, runtimeHandler = '') {
      const r = await rt('RunPodSandbox', { config, runtimeHandler } as unknown as Message);
      return r['podSandboxId'] as string;
    },
    async stopPodSandbox(podSandboxId) {
      await rt('StopPodSandbox', { podSandboxId });
    },
    async removePodSandbox(podSandboxId) {
      await rt('RemovePodSandbox', { podSandboxId });
    },
    async podSandboxStatus(podSandboxId) {
      const r = await rt('PodSandboxStatus', { podSandboxId, verbose: false });
      if (!r['status']) throw new CriError('runtime.v1.RuntimeService/PodSandboxStatus', grpc.status.NOT_FOUND, `sandbox "${podSandboxId}" has no status`);
      return r['status'] as PodSandboxStatus;
    },
    async listPodSandbox(filter?: PodSandboxFilter) {
      const r = await rt('ListPodSandbox', filter ? ({ filter } as unknown as Message) : {});
      return (r['items'] ?? []) as PodSandbox[];
    },
    async createContainer(podSandboxId, config: ContainerConfig, sandboxConfig: PodSandboxConfig) {
      const r = await rt('CreateContainer', { podSandboxId, config, sandboxConfig } as unknown as Message);
      return r['containerId'] as string;
    },
    async startContainer(containerId) {
      await rt('StartContainer', { containerId });
    },
    async stopContainer(containerId, timeoutSeconds) {
      // The call itself may take the whole grace period; give the deadline room beyond it.
      await rt('StopContainer', { containerId, timeout: timeoutSeconds }, Math.max(timeout, (timeoutSeconds + 30) * 1000));
    },
    async removeContainer(containerId) {
      await rt('RemoveContainer', { containerId });
    },
    async listContainers(filter?: ContainerFilter) {
      const r = await rt('ListContainers', filter ? ({ filter } as unknown as Message) : {});
      return (r['containers'] ?? []) as CriContainer[];
    },
    async containerStatus(containerId) {
      const r = await rt('ContainerStatus', { containerId, verbose: false });
      if (!r['status']) throw new CriError('runtime.v1.RuntimeService/ContainerStatus', grpc.status.NOT_FOUND, `container "${containerId}" has no status`);
      return r['status'] as CriContainerStatus;
    },
    async execSync(containerId, cmd, timeoutSeconds): Promise<ExecSyncResponse> {
      const deadline = timeoutSeconds > 0 ? Math.max(timeout, (timeoutSeconds + 10) * 1000) : 0;
      const r = await rt('ExecSync', { containerId, cmd, timeout: timeoutSeconds }, deadline);
      return {
        stdout: Buffer.from((r['stdout'] as Uint8Array | undefined) ?? []),
        stderr: Buffer.from((r['stderr'] as Uint8Array | undefined) ?? []),
        exitCode: (r['exitCode'] as number | undefined) ?? 0,
      };
    },
    async exec(request: ExecRequest) {
      const r = await rt('Exec', request as unknown as Message);
      return r['url'] as string;
    },
    async attach(request: AttachRequest) {
      const r = await rt('Attach', request as unknown as Message);
      return r['url'] as string;
    },
    async portForward(podSandboxId, ports) {
      const r = await rt('PortForward', { podSandboxId, port: ports });
      return r['url'] as string;
    },
    async status() {
      const r = await rt('Status', { verbose: false });
      const st = (r['status'] ?? { conditions: [] }) as { conditions: { type: string; status: boolean; reason: string; message: string }[] };
      return { conditions: st.conditions ?? [], runtimeHandlers: (r['runtimeHandlers'] ?? []) as RuntimeHandler[] };
    },
    async listContainerStats(filter?: ContainerStatsFilter) {
      const r = await rt('ListContainerStats', filter ? ({ filter } as unknown as Message) : {});
      return (r['stats'] ?? []) as ContainerStats[];
    },
    async listPodSandboxStats(filter?: PodSandboxStatsFilter) {
      const r = await rt('ListPodSandboxStats', filter ? ({ filter } as unknown as Message) : {});
      return (r['stats'] ?? []) as PodSandboxStats[];
    },
  };

  const images: ImageService = {
    async listImages() {
      const r = await img('ListImages', {});
      return ((r['images'] ?? []) as Message[]).map(toImage);
    },
    async imageStatus(image) {
      const r = await img('ImageStatus', { image: { image }, verbose: false });
      const found = r['image'] as Message | null | undefined;
      return found && found['id'] ? toImage(found) : undefined;
    },
    async pullImage(image, sandboxConfig, auth) {
      const req: Message = { image: { image } };
      if (sandboxConfig) req['sandboxConfig'] = sandboxConfig;
      if (auth) req['auth'] = { ...auth };
      const r = await img('PullImage', req, pullTimeout);
      return r['imageRef'] as string;
    },
    async removeImage(image) {
      await img('RemoveImage', { image: { image } });
    },
  };

  return {
    runtime,
    images,
    close() {
      imageClient.close();
      runtimeClient.close();
    },
  };
}

function toImage(m: Message): CriImage {
  const out: CriImage = {
    id: (m['id'] as string | undefined) ?? '',
    repoTags: (m['repoTags'] as string[] | undefined) ?? [],
    repoDigests: (m['repoDigests'] as string[] | undefined) ?? [],
    size: Number(m['size'] ?? 0),
  };
  const uid = m['uid'] as { value?: number | string } | null | undefined;
  if (uid && uid.value !== undefined) out.uid = Number(uid.value);
  const username = m['username'] as string | undefined;
  if (username) out.username = username;
  return out;
}

/**
 * Polls `Version` on `endpoint` every `intervalMs` (default 100) until it answers or `timeoutMs`
 * (default 30 000) passes; resolves with the version answer. Throws the last error, wrapped, on
 * timeout or abort. Used after spawning containerd (kubelet's getRuntimeAndImageServices waits similarly).
 */
export async function waitForCri(
  endpoint: string,
  options: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<Awaited<ReturnType<RuntimeService['version']>>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    const client = createCriClient(endpoint, { timeoutMs: Math.max(500, Math.min(2_000, deadline - Date.now())) });
    try {
      if (existsSync(criSocketPath(endpoint))) return await client.runtime.version();
      lastError = new Error(`socket "${criSocketPath(endpoint)}" does not exist`);
    } catch (err) {
      lastError = err;
    } finally {
      client.close();
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`timed out after ${timeoutMs}ms waiting for CRI runtime at "${endpoint}": ${reason}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
