// An in-memory CRI RuntimeService + ImageService for kubelet unit tests: records calls, lets tests exit containers.

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type {
  AttachRequest,
  ContainerConfig,
  ContainerFilter,
  ContainerState,
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
  PodSandboxStatus,
  RuntimeHandler,
  RuntimeService,
} from '../../cri/types.js';
import type { RemoteCommandStreams } from '../server/stream-session.js';
import type { Clock } from '../../api/clock.js';
import { FakeStreamingServer, type FakeStreamRequest } from './fake-streaming-server.js';

/** A fake sandbox. */
export interface FakeSandbox {
  id: string;
  config: PodSandboxConfig;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  createdAt: number;
  ip: string;
  /** The runtime handler RunPodSandbox was called with (`''` = the default). */
  runtimeHandler: string;
}

/** Cumulative usage a test gives a fake container: CPU core-nanoseconds and working-set bytes. */
export interface FakeUsage {
  cpuCoreNanoSeconds: number;
  workingSetBytes: number;
}

/** A fake container instance. */
export interface FakeContainer {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  logPath: string;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  /** Usage ListContainerStats reports while running; absent = zero. */
  usage?: FakeUsage;
}

function matches(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

function grpcNotFound(what: string): Error {
  return Object.assign(new Error(`${what} not found`), { code: 5, details: `${what} not found` });
}

/**
 * A fake runtime. Time comes from `clock` (ns = ms × 1e6, strictly increasing per creation). `onStart` lets a
 * test decide what a started container does (e.g. exit at once); `stopExitCode` is the code StopContainer
 * leaves (137 by default). `calls` lists every mutating call as `Method name`.
 */
export class FakeRuntime implements RuntimeService, ImageService {
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  readonly imageStore = new Map<string, CriImage>();
  readonly calls: string[] = [];
  readonly pullFailures = new Map<string, string>();
  onStart: (c: FakeContainer) => void = () => {};
  /** What a command does, for ExecSync and for streamed exec sessions (`stdin`: all the client sent, up to its end). */
  execHandler: (c: FakeContainer, cmd: string[], stdin: Buffer) => ExecSyncResponse = () => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 });
  /** Streamed sessions served so far: the CRI Exec/Attach requests, in order. */
  readonly streamRequests: FakeStreamRequest[] = [];
  private streaming: FakeStreamingServer | undefined;
  stopExitCode = 137;
  failRunSandbox: string | undefined;
  /**
   * The handlers RunPodSandbox accepts (k1s's containerd config: the default `''` and `runc`); any other fails as
   * containerd's does: gRPC Unknown `failed to get sandbox runtime: no runtime for "x" is configured`.
   */
  readonly runtimeHandlers = new Set(['', 'runc']);
  /** What Status reports as runtime_handlers (a CRI v1.30 runtime); undefined = none, as containerd 1.6. */
  reportedHandlers: RuntimeHandler[] | undefined;
  /** While true, Version, Status and the List calls fail as a dead containerd's socket does (gRPC UNAVAILABLE). */
  down = false;
  private seq = 0;
  private tick = 0;

  constructor(private readonly clock: Clock) {}

  private ns(): number {
    // strictly increasing nanoseconds so "newest first" ordering is stable within one ms
    return this.clock.now() * 1e6 + ++this.tick * 1000;
  }

  private nextId(prefix: string): string {
    return `${prefix}${(++this.seq).toString().padStart(4, '0')}`;
  }

  /** Adds a present image. */
  addImage(ref: string, size = 1000): void {
    this.imageStore.set(ref, { id: `sha256:${ref}`, repoTags: [ref], repoDigests: [], size });
  }

  /** Newest instance of container `name` (optionally of pod `uid`). */
  latest(name: string, uid?: string): FakeContainer | undefined {
    return [...this.containers.values()]
      .filter((c) => c.config.metadata.name === name && (!uid || c.config.labels?.['io.kubernetes.pod.uid'] === uid))
      .sort((a, b) => b.createdAt - a.createdAt)[0];
  }

  /** Makes the newest running instance of `name` exit with `code` (reason Completed/Error). */
  exit(name: string, code: number): void {
    const c = this.latest(name);
    if (!c || c.state !== 'CONTAINER_RUNNING') throw new Error(`container ${name} is not running`);
    this.finish(c, code);
  }

  finish(c: FakeContainer, code: number): void {
    c.state = 'CONTAINER_EXITED';
    c.exitCode = code;
    c.reason = code === 0 ? 'Completed' : 'Error';
    c.finishedAt = this.ns();
  }

  /** Appends a CRI log line to the container's log file. */
  writeLog(c: FakeContainer, stream: 'stdout' | 'stderr', text: string, partial = false): void {
    mkdirSync(dirname(c.logPath), { recursive: true });
    appendFileSync(c.logPath, `${new Date(this.clock.now()).toISOString().replace('Z', '000000Z')} ${stream} ${partial ? 'P' : 'F'} ${text}\n`);
  }

  private assertUp(): void {
    if (this.down) throw Object.assign(new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED'), { code: 14, details: 'No connection established. Last error: connect ECONNREFUSED' });
  }

  async version() {
    this.assertUp();
    return { version: '0.1.0', runtimeName: 'containerd', runtimeVersion: '1.6.20', runtimeApiVersion: 'v1' };
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    this.calls.push(`RunPodSandbox ${config.metadata.name}`);
    if (this.failRunSandbox) throw Object.assign(new Error(this.failRunSandbox), { details: this.failRunSandbox });
    if (!this.runtimeHandlers.has(runtimeHandler)) {
      const details = `failed to get sandbox runtime: no runtime for ${JSON.stringify(runtimeHandler)} is configured`;
      throw Object.assign(new Error(details), { code: 2, codeName: 'Unknown', details });
    }
    const id = this.nextId('sb');
    this.sandboxes.set(id, { id, config, state: 'SANDBOX_READY', createdAt: this.ns(), ip: `10.88.0.${this.seq}`, runtimeHandler });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    this.calls.push(`StopPodSandbox ${id}`);
    const sb = this.sandboxes.get(id);
    if (!sb) throw grpcNotFound(`sandbox ${id}`);
    sb.state = 'SANDBOX_NOTREADY';
    for (const c of this.containers.values()) if (c.sandboxId === id && c.state === 'CONTAINER_RUNNING') this.finish(c, 137);
  }

  async removePodSandbox(id: string): Promise<void> {
    this.calls.push(`RemovePodSandbox ${id}`);
    this.sandboxes.delete(id);
    for (const [cid, c] of this.containers) if (c.sandboxId === id) this.containers.delete(cid);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const sb = this.sandboxes.get(id);
    if (!sb) throw grpcNotFound(`sandbox ${id}`);
    return {
      id,
      metadata: sb.config.metadata,
      state: sb.state,
      createdAt: sb.createdAt,
      network: { ip: sb.state === 'SANDBOX_READY' ? sb.ip : '', additionalIps: [] },
      labels: sb.config.labels ?? {},
      annotations: sb.config.annotations ?? {},
      runtimeHandler: sb.runtimeHandler,
    };
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    this.assertUp();
    return [...this.sandboxes.values()]
      .filter((s) => matches(s.config.labels ?? {}, filter?.labelSelector) && (!filter?.id || s.id === filter.id) && (!filter?.state || s.state === filter.state.state))
      .map((s) => ({ id: s.id, metadata: s.config.metadata, state: s.state, createdAt: s.createdAt, labels: s.config.labels ?? {}, annotations: s.config.annotations ?? {}, runtimeHandler: s.runtimeHandler }));
  }

  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    this.calls.push(`CreateContainer ${config.metadata.name}`);
    if (!this.sandboxes.has(sandboxId)) throw grpcNotFound(`sandbox ${sandboxId}`);
    const id = this.nextId('c');
    this.containers.set(id, {
      id,
      sandboxId,
      config,
      logPath: join(sandboxConfig.logDirectory ?? '/tmp', config.logPath ?? `${id}.log`),
      state: 'CONTAINER_CREATED',
      createdAt: this.ns(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.calls.push(`StartContainer ${this.containers.get(id)?.config.metadata.name ?? id}`);
    const c = this.containers.get(id);
    if (!c) throw grpcNotFound(`container ${id}`);
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = this.ns();
    this.onStart(c);
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    this.calls.push(`StopContainer ${c?.config.metadata.name ?? id} ${timeoutSeconds}`);
    if (!c) throw grpcNotFound(`container ${id}`);
    if (c.state === 'CONTAINER_RUNNING') this.finish(c, this.stopExitCode);
  }

  async removeContainer(id: string): Promise<void> {
    this.calls.push(`RemoveContainer ${this.containers.get(id)?.config.metadata.name ?? id}`);
    this.containers.delete(id);
  }

  async listContainers(filter?: ContainerFilter): Promise<CriContainer[]> {
    this.assertUp();
    return [...this.containers.values()]
      .filter(
        (c) =>
          matches(c.config.labels ?? {}, filter?.labelSelector) &&
          (!filter?.podSandboxId || c.sandboxId === filter.podSandboxId) &&
          (!filter?.id || c.id === filter.id) &&
          (!filter?.state || c.state === filter.state.state),
      )
      .map((c) => ({
        id: c.id,
        podSandboxId: c.sandboxId,
        metadata: c.config.metadata,
        image: c.config.image,
        imageRef: this.imageRef(c),
        state: c.state,
        createdAt: c.createdAt,
        labels: c.config.labels ?? {},
        annotations: c.config.annotations ?? {},
      }));
  }

  /** The image id of a container's image as the runtime resolved it (containerd: the image's id), else its reference. */
  private imageRef(c: FakeContainer): string {
    return this.imageStore.get(c.config.image.image)?.id ?? c.config.image.image;
  }

  async containerStatus(id: string): Promise<CriContainerStatus> {
    const c = this.containers.get(id);
    if (!c) throw grpcNotFound(`container ${id}`);
    return {
      id,
      metadata: c.config.metadata,
      state: c.state,
      createdAt: c.createdAt,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      exitCode: c.exitCode,
      image: { image: c.config.image.userSpecifiedImage || c.config.image.image },
      imageRef: this.imageRef(c),
      reason: c.reason,
      message: '',
      labels: c.config.labels ?? {},
      annotations: c.config.annotations ?? {},
      mounts: c.config.mounts ?? [],
      logPath: c.logPath,
    };
  }

  async execSync(id: string, cmd: string[]): Promise<ExecSyncResponse> {
    const c = this.containers.get(id);
    if (!c) throw grpcNotFound(`container ${id}`);
    this.calls.push(`ExecSync ${c.config.metadata.name} ${cmd.join(' ')}`);
    return this.execHandler(c, cmd, Buffer.alloc(0));
  }

  /**
   * Starts a streaming server for exec and attach sessions (until {@link stopStreaming}); without it their
   * URLs point at a closed port. An exec reads stdin to its end, runs `execHandler`, writes its output and a
   * v4 Status (NonZeroExitCode as the kubelet words it); an attach echoes stdin to stdout until stdin ends.
   */
  async startStreaming(): Promise<void> {
    this.streaming ??= await FakeStreamingServer.start((session, streams) => this.serveStream(session, streams));
  }

  async stopStreaming(): Promise<void> {
    await this.streaming?.close();
    this.streaming = undefined;
  }

  async exec(request: ExecRequest): Promise<string> {
    const c = this.containers.get(request.containerId);
    if (!c || c.state !== 'CONTAINER_RUNNING') throw grpcNotFound(`container ${request.containerId}`);
    this.calls.push(`Exec ${c.config.metadata.name} ${request.cmd.join(' ')}`);
    return this.streaming ? this.streaming.register({ kind: 'exec', request }) : `http://127.0.0.1:1/exec/${request.containerId}`;
  }

  async attach(request: AttachRequest): Promise<string> {
    const c = this.containers.get(request.containerId);
    if (!c || c.state !== 'CONTAINER_RUNNING') throw grpcNotFound(`container ${request.containerId}`);
    this.calls.push(`Attach ${c.config.metadata.name}`);
    return this.streaming ? this.streaming.register({ kind: 'attach', request }) : `http://127.0.0.1:1/attach/${request.containerId}`;
  }

  private async serveStream(session: FakeStreamRequest, s: RemoteCommandStreams): Promise<void> {
    this.streamRequests.push(session);
    const write = (w: NodeJS.WritableStream | undefined, data: Buffer): Promise<void> => new Promise((resolve) => (w && data.length ? w.write(data, () => resolve()) : resolve()));
    if (session.kind === 'attach') {
      if (s.stdin) for await (const chunk of s.stdin) await write(s.stdout, chunk as Buffer);
      await write(s.error, Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' })));
      return s.close();
    }
    const chunks: Buffer[] = [];
    if (s.stdin) for await (const chunk of s.stdin) chunks.push(chunk as Buffer);
    const c = this.containers.get(session.request.containerId);
    const res = c ? this.execHandler(c, session.request.cmd, Buffer.concat(chunks)) : { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 126 };
    await write(s.stdout, res.stdout);
    await write(session.request.tty ? s.stdout : s.stderr, res.stderr);
    const status =
      res.exitCode === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: error executing command [${session.request.cmd.join(' ')}], exit code ${res.exitCode}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(res.exitCode) }] },
          };
    await write(s.error, Buffer.from(JSON.stringify(status)));
    await s.close();
  }

  /** Base of the URLs PortForward returns (a test points it at its own streaming server). */
  streamingBaseUrl = 'http://127.0.0.1:1';
  /** The ports of the latest PortForward call per sandbox. */
  readonly portForwardPorts = new Map<string, number[]>();

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    if (!this.sandboxes.has(podSandboxId)) throw grpcNotFound(`sandbox ${podSandboxId}`);
    this.calls.push(`PortForward ${podSandboxId} ${ports.join(',')}`);
    this.portForwardPorts.set(podSandboxId, ports);
    return `${this.streamingBaseUrl}/portforward/${podSandboxId}`;
  }

  async status() {
    this.assertUp();
    const conditions = [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: true, reason: '', message: '' }];
    return this.reportedHandlers ? { conditions, runtimeHandlers: this.reportedHandlers } : { conditions };
  }

  /** Like containerd 1.6: every container is listed, only those with a running task carry cpu and memory (at the clock's time). */
  async listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> {
    const now = this.clock.now() * 1e6;
    return [...this.containers.values()]
      .filter((c) => matches(c.config.labels ?? {}, filter?.labelSelector) && (!filter?.podSandboxId || c.sandboxId === filter.podSandboxId) && (!filter?.id || c.id === filter.id))
      .map((c) => {
        const attributes = { id: c.id, metadata: c.config.metadata, labels: c.config.labels ?? {}, annotations: c.config.annotations ?? {} };
        if (c.state !== 'CONTAINER_RUNNING') return { attributes, cpu: null, memory: null };
        return {
          attributes,
          cpu: { timestamp: now, usageCoreNanoSeconds: { value: c.usage?.cpuCoreNanoSeconds ?? 0 }, usageNanoCores: null },
          memory: { timestamp: now, workingSetBytes: { value: c.usage?.workingSetBytes ?? 0 } },
        };
      });
  }

  /** Rejects with UNIMPLEMENTED (code 12), as a runtime without sandbox stats does. */
  async listPodSandboxStats(): Promise<PodSandboxStats[]> {
    throw Object.assign(new Error('ListPodSandboxStats not implemented'), { code: 12, details: 'not implemented' });
  }

  async listImages(): Promise<CriImage[]> {
    return [...this.imageStore.values()];
  }

  async imageStatus(image: string): Promise<CriImage | undefined> {
    return this.imageStore.get(image) ?? [...this.imageStore.values()].find((i) => i.id === image);
  }

  async pullImage(image: string): Promise<string> {
    this.calls.push(`PullImage ${image}`);
    const failure = this.pullFailures.get(image);
    if (failure) throw Object.assign(new Error(failure), { details: failure });
    this.addImage(image);
    return `sha256:${image}`;
  }

  async removeImage(image: string): Promise<void> {
    this.imageStore.delete(image);
  }
}
