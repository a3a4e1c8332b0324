// The kubelet's runtime-neutral view of one pod in the runtime (pkg/kubelet/container runtime.go `PodStatus`).

/** One runtime condition (kubecontainer.RuntimeCondition): `RuntimeReady`, `NetworkReady`... */
export interface RuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

/**
 * What the node status asks of the container runtime (kubecontainer.Runtime `Version` and `Status`): its name
 * and version (`containerd`, `1.7.24`) and its conditions. The CRI client satisfies it.
 */
export interface RuntimeInfo {
  version(): Promise<{ runtimeName: string; runtimeVersion: string }>;
  status(): Promise<{ conditions: RuntimeCondition[] }>;
}

/** A sandbox or container as a relist sees it: its id, the runtime's state word and its labels. */
export interface RuntimeObject {
  id: string;
  state: string;
  labels: Record<string, string>;
}

/**
 * What the PLEG relists (kubecontainer.Runtime `GetPods(all)`): every sandbox and every container instance in
 * the runtime, in any state. The CRI client satisfies it.
 */
export interface RuntimeLister {
  listPodSandbox(): Promise<RuntimeObject[]>;
  listContainers(): Promise<RuntimeObject[]>;
}

/** kubecontainer.State. */
export type RuntimeContainerState = 'created' | 'running' | 'exited' | 'unknown';

/** One container instance as seen in the runtime. Times are ms since the epoch, 0 when not reached. */
export interface RuntimeContainerStatus {
  id: string;
  name: string;
  podSandboxId: string;
  state: RuntimeContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  /** Runtime message joined with the termination message (see `terminationMessage`). */
  message: string;
  image: string;
  imageRef: string;
  restartCount: number;
  hash: string;
  logPath: string;
}

/** One sandbox as seen in the runtime. */
export interface RuntimeSandboxStatus {
  id: string;
  attempt: number;
  ready: boolean;
  createdAt: number;
  ip: string;
  ips: string[];
}

/** Everything the runtime knows about a pod: sandboxes and container instances, newest first. */
export interface RuntimePodStatus {
  uid: string;
  name: string;
  namespace: string;
  sandboxes: RuntimeSandboxStatus[];
  containers: RuntimeContainerStatus[];
}

/** The newest instance of container `name`, or undefined (`PodStatus.FindContainerStatusByName`). */
export function findContainerStatus(status: RuntimePodStatus, name: string): RuntimeContainerStatus | undefined {
  return status.containers.find((c) => c.name === name);
}

/** An empty status (nothing in the runtime). */
export function emptyRuntimePodStatus(uid: string, name: string, namespace: string): RuntimePodStatus {
  return { uid, name, namespace, sandboxes: [], containers: [] };
}

/**
 * Runs a command in a container and waits for it (upstream `kubecontainer.CommandRunner`, CRI ExecSync): what exec
 * probes need of the runtime. `timeoutSeconds` bounds the command; stdout/stderr are the whole output.
 */
export interface CommandRunner {
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<{ stdout: Uint8Array; stderr: Uint8Array; exitCode: number }>;
}
