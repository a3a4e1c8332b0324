/**
 * TypeScript shapes of the CRI runtime.v1 subset the kubelet uses (k8s.io/cri-api `pkg/apis/runtime/v1/api.proto`).
 *
 * Field names are the proto's in lowerCamelCase (as @grpc/proto-loader decodes with `keepCase: false`),
 * enums are their string names, int64 values are JS numbers (nanoseconds since the epoch for timestamps),
 * bytes are Buffers. Every field is optional on the wire; responses are decoded with defaults, so the
 * response types below mark as required what proto3 always yields (strings '', numbers 0, lists []).
 */

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type CriProtocol = 'TCP' | 'UDP' | 'SCTP';
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface PortMapping {
  protocol?: CriProtocol;
  containerPort?: number;
  hostPort?: number;
  hostIp?: string;
}

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  targetId?: string;
}

export interface Int64Value {
  value: number;
}

/** runtime.v1 SecurityProfile (seccomp, AppArmor): `localhostRef` is the profile's path (seccomp) or name (AppArmor). */
export interface SecurityProfile {
  profileType: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
  localhostRef?: string;
}

export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  privileged?: boolean;
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  /** Bytes. */
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

export interface LinuxPodSandboxConfig {
  cgroupParent?: string;
  securityContext?: LinuxSandboxSecurityContext;
  sysctls?: Record<string, string>;
}

export interface DNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  /** Directory (on the host) under which container log paths are relative. */
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: LinuxPodSandboxConfig;
}

export interface PodIP {
  ip: string;
}

export interface PodSandboxStatus {
  id: string;
  metadata?: PodSandboxMetadata;
  state: PodSandboxState;
  /** Nanoseconds since the epoch. */
  createdAt: number;
  network?: { ip: string; additionalIps: PodIP[] };
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
}

export interface PodSandbox {
  id: string;
  metadata?: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  labelSelector?: Record<string, string>;
}

export interface ImageSpec {
  image: string;
  annotations?: Record<string, string>;
  userSpecifiedImage?: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: MountPropagation;
}

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface LinuxContainerSecurityContext {
  privileged?: boolean;
  namespaceOptions?: NamespaceOption;
  runAsUser?: Int64Value;
  /** The image's user name when it is not numeric (and no runAsUser is set). */
  runAsUsername?: string;
  runAsGroup?: Int64Value;
  readonlyRootfs?: boolean;
  /** fsGroup first, then the pod's supplementalGroups (the kubelet's order). */
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[]; addAmbientCapabilities?: string[] };
  maskedPaths?: string[];
  readonlyPaths?: string[];
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Relative to the sandbox's logDirectory. */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: { resources?: LinuxContainerResources; securityContext?: LinuxContainerSecurityContext };
}

export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState };
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

export interface CriContainer {
  id: string;
  podSandboxId: string;
  metadata?: ContainerMetadata;
  image?: ImageSpec;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface CriContainerStatus {
  id: string;
  metadata?: ContainerMetadata;
  state: ContainerState;
  /** Nanoseconds since the epoch; 0 when not reached. */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image?: ImageSpec;
  imageRef: string;
  /** containerd's reason: `Completed`, `Error`, `OOMKilled`, `StartError`... */
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  mounts: Mount[];
  /** Absolute path of the CRI log file on the host. */
  logPath: string;
}

export interface ExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface ExecRequest {
  containerId: string;
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

/** runtime.v1 AttachRequest: `tty` must match the container's config; `stderr` must be false under tty. */
export interface AttachRequest {
  containerId: string;
  stdin?: boolean;
  tty?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Bytes. */
  size: number;
  /** The image config's numeric user (`USER 1000` or `1000:1000`); absent for a named or empty user. */
  uid?: number;
  /** The image config's user when it is a name (`USER nginx`). */
  username?: string;
}

/** runtime.v1 UInt64Value: a present-or-absent unsigned number. */
export interface UInt64Value {
  value: number;
}

/** runtime.v1 CpuUsage: cumulative CPU time of a container or sandbox cgroup. */
export interface CpuUsage {
  /** When the sample was taken, nanoseconds since the epoch. */
  timestamp: number;
  /** Cumulative CPU time, core-nanoseconds. */
  usageCoreNanoSeconds?: UInt64Value | null;
  /** Usage over the runtime's own sampling window, nanocores (containerd 1.6 leaves it unset). */
  usageNanoCores?: UInt64Value | null;
}

/** runtime.v1 MemoryUsage; every size in bytes. */
export interface MemoryUsage {
  /** Nanoseconds since the epoch. */
  timestamp: number;
  /** usage minus inactive file pages (cAdvisor's working set). */
  workingSetBytes?: UInt64Value | null;
  availableBytes?: UInt64Value | null;
  usageBytes?: UInt64Value | null;
  rssBytes?: UInt64Value | null;
  pageFaults?: UInt64Value | null;
  majorPageFaults?: UInt64Value | null;
}

/** runtime.v1 ContainerStatsFilter (all fields ANDed; empty = every container). */
export interface ContainerStatsFilter {
  id?: string;
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

/** runtime.v1 FilesystemUsage: what a container's writable layer holds. */
export interface FilesystemUsage {
  /** Nanoseconds since the epoch. */
  timestamp: number;
  fsId?: { mountpoint: string } | null;
  /** Bytes. */
  usedBytes?: UInt64Value | null;
  inodesUsed?: UInt64Value | null;
}

/** runtime.v1 SwapUsage; sizes in bytes. */
export interface SwapUsage {
  /** Nanoseconds since the epoch. */
  timestamp: number;
  swapAvailableBytes?: UInt64Value | null;
  swapUsageBytes?: UInt64Value | null;
}

/** runtime.v1 ContainerStats: CPU, memory, writable layer and swap (io is not in k1s's proto). */
export interface ContainerStats {
  attributes?: { id: string; metadata?: ContainerMetadata | null; labels: Record<string, string>; annotations: Record<string, string> } | null;
  cpu?: CpuUsage | null;
  memory?: MemoryUsage | null;
  writableLayer?: FilesystemUsage | null;
  swap?: SwapUsage | null;
}

/** runtime.v1 PodSandboxStatsFilter. */
export interface PodSandboxStatsFilter {
  id?: string;
  labelSelector?: Record<string, string>;
}

/** runtime.v1 PodSandboxStats: the sandbox cgroup's CPU and memory and its containers' stats (Linux). */
export interface PodSandboxStats {
  attributes?: { id: string; metadata?: PodSandboxMetadata | null; labels: Record<string, string>; annotations: Record<string, string> } | null;
  linux?: { cpu?: CpuUsage | null; memory?: MemoryUsage | null; containers: ContainerStats[] } | null;
}

/** The CRI RuntimeService calls the kubelet makes. Errors are gRPC errors (`code`, `details`). */
export interface RuntimeService {
  version(): Promise<{ version: string; runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }>;
  /** Returns the sandbox id. */
  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string>;
  stopPodSandbox(podSandboxId: string): Promise<void>;
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;
  /** Returns the container id. */
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** `timeoutSeconds`: grace before SIGKILL (0 = kill at once). */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<CriContainer[]>;
  containerStatus(containerId: string): Promise<CriContainerStatus>;
  /** `timeoutSeconds` 0 = no timeout. */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse>;
  /** Returns the streaming URL (containerd's streaming server) of an exec session. */
  exec(request: ExecRequest): Promise<string>;
  /** Returns the streaming URL of an attach to the container's process (fails unless it is running). */
  attach(request: AttachRequest): Promise<string>;
  /**
   * Returns the streaming URL (containerd's streaming server) that forwards connections to ports inside the
   * sandbox's network namespace (CRI PortForward). `ports` are those a WebSocket client will use (the URL's
   * data/error channel pairs); SPDY clients name the port on each stream and may pass none.
   */
  portForward(podSandboxId: string, ports: number[]): Promise<string>;
  /** Runtime conditions (RuntimeReady, NetworkReady) and, from CRI v1.30 runtimes, the handlers it serves (else absent or empty). */
  status(): Promise<{ conditions: { type: string; status: boolean; reason: string; message: string }[]; runtimeHandlers?: RuntimeHandler[] }>;
  /** CPU and memory of the runtime's containers (every state; a container without a task has no cpu/memory). */
  listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]>;
  /** Sandbox-level stats; a runtime that lacks them rejects with gRPC code UNIMPLEMENTED. */
  listPodSandboxStats(filter?: PodSandboxStatsFilter): Promise<PodSandboxStats[]>;
}

/** runtime.v1 RuntimeHandler (StatusResponse field 3): a handler name (`''` = the default) and what it supports. */
export interface RuntimeHandler {
  name: string;
  features?: { recursiveReadOnlyMounts?: boolean; userNamespaces?: boolean };
}

/** runtime.v1 AuthConfig: credentials for one PullImage (field numbers 1-6 in api.proto). */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64 of "username:password". */
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

/** The CRI ImageService calls the kubelet makes. */
export interface ImageService {
  listImages(): Promise<CriImage[]>;
  /** undefined when the image is not present. */
  imageStatus(image: string): Promise<CriImage | undefined>;
  /**
   * Returns the image ref (id). `auth` becomes PullImageRequest.auth (runtime.v1 AuthConfig); without it the
   * runtime uses its own registry configuration.
   */
  pullImage(image: string, sandboxConfig?: PodSandboxConfig, auth?: AuthConfig): Promise<string>;
  removeImage(image: string): Promise<void>;
}
