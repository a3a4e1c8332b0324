// The CRI ContainerConfig of one container instance (kuberuntime_container.go `generateContainerConfig`, `makeMounts`).

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod } from '../../api/types.js';
import type { ContainerConfig, Mount } from '../../cri/types.js';
import { containerDir, containerLogRelPath, etcHostsPath, type KubeletPaths } from '../config/paths.js';
import { serviceEnvVarMap } from '../envvars/envvars.js';
import type { ServiceLister } from '../envvars/service-lister.js';
import type { MountedVolume } from '../volumes/volume-manager.js';
import { ContainerConfigError, expandCommandAndArgs, expandSubPathExpr, makeEnvironmentVariables, type EnvFacts, type ObjectSource } from '../container/env.js';
import { containerAnnotations, containerLabels } from './labels.js';
import { linuxResources } from './resources.js';
import { containerSecurityContext, verifyRunAsNonRoot, type ImageUser } from './security-context.js';

/** Everything needed to build one container's config. */
export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  restartCount: number;
  imageRef: string;
  volumes: Map<string, MountedVolume>;
  objects: ObjectSource;
  facts: EnvFacts;
  paths: KubeletPaths;
  /** Services for the service environment variables; none when absent (a kubelet without an API server). */
  services?: ServiceLister;
  /** The image's default user (CRI ImageStatus); root when absent. */
  imageUser?: ImageUser;
  /** Runtime id of the container whose process namespace an ephemeral container joins (`targetContainerName`). */
  targetId?: string;
}

/** How long container start waits for a first Service list before failing, ms. */
const SERVICES_SYNC_WAIT_MS = 5000;

/**
 * The service variables of `pod` (kubelet_pods.go getServiceEnvVarMap). Throws ContainerConfigError
 * `services have not yet been read at least once, cannot construct envvars` (upstream's message) when the
 * Service list has not completed within a short wait; upstream fails at once.
 */
export async function serviceEnvFor(pod: Pod, services: ServiceLister | undefined): Promise<Map<string, string>> {
  if (!services) return new Map();
  if (!services.hasSynced() && !(await services.waitForSync(SERVICES_SYNC_WAIT_MS))) {
    throw new ContainerConfigError('services have not yet been read at least once, cannot construct envvars');
  }
  return serviceEnvVarMap(pod.metadata.namespace ?? 'default', pod.spec.enableServiceLinks !== false, services.list());
}

async function subPathSource(volumeRoot: string, subPath: string): Promise<string> {
  if (subPath.startsWith('/')) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not contain '..'`);
  const path = join(volumeRoot, subPath);
  try {
    await stat(path);
  } catch {
    const rootMode = (await stat(volumeRoot)).mode & 0o7777;
    await mkdir(path, { recursive: true, mode: rootMode });
    await chmod(path, rootMode);
  }
  return path;
}

/**
 * Bind mounts of a container: its volumeMounts (subPath/subPathExpr resolved inside the volume), the managed
 * /etc/hosts (unless host network or the container mounts /etc/hosts itself) and a fresh termination-log file.
 * Throws ContainerConfigError (`cannot find volume "x" to mount into container "c"`, subPath errors).
 */
export async function makeMounts(input: ContainerConfigInput, env: Map<string, string>): Promise<Mount[]> {
  const { pod, container, paths } = input;
  const uid = pod.metadata.uid ?? '';
  const mounts: Mount[] = [];
  for (const vm of container.volumeMounts ?? []) {
    const vol = input.volumes.get(vm.name);
    if (!vol) throw new ContainerConfigError(`cannot find volume "${vm.name}" to mount into container "${container.name}"`);
    let hostPath = vol.hostPath;
    const sub = vm.subPathExpr ? expandSubPathExpr(vm.subPathExpr, env) : vm.subPath;
    if (sub) hostPath = await subPathSource(vol.hostPath, sub);
    const m: Mount = { containerPath: vm.mountPath, hostPath, readonly: Boolean(vm.readOnly) || vol.readOnly };
    if (vm.mountPropagation === 'HostToContainer') m.propagation = 'PROPAGATION_HOST_TO_CONTAINER';
    else if (vm.mountPropagation === 'Bidirectional') m.propagation = 'PROPAGATION_BIDIRECTIONAL';
    mounts.push(m);
  }
  if (!pod.spec.hostNetwork && !mounts.some((m) => m.containerPath === '/etc/hosts')) {
    mounts.push({ containerPath: '/etc/hosts', hostPath: etcHostsPath(paths, uid), readonly: false });
  }
  const tmPath = container.terminationMessagePath ?? '/dev/termination-log';
  if (tmPath) {
    const dir = containerDir(paths, uid, container.name);
    await mkdir(dir, { recursive: true });
    const file = join(dir, randomBytes(4).toString('hex'));
    await writeFile(file, '', { mode: 0o666 });
    await chmod(file, 0o666);
    mounts.push({ containerPath: tmPath, hostPath: file, readonly: false });
  }
  return mounts;
}

/**
 * Builds the CRI config of `input.container` at `restartCount`: env with `$(VAR)` expansion, expanded
 * command/args, working dir, mounts, labels/annotations for restart safety, log path `<name>/<n>.log`,
 * resources and security context (security-context.ts), PID namespace TARGET for an ephemeral container's target. Throws ContainerConfigError for CreateContainerConfigError
 * cases, runAsNonRoot violations among them.
 */
export async function generateContainerConfig(input: ContainerConfigInput): Promise<ContainerConfig> {
  const { pod, container, restartCount } = input;
  const imageUser = input.imageUser ?? { uid: 0 };
  verifyRunAsNonRoot(pod, container, imageUser);
  const env = await makeEnvironmentVariables(pod, container, input.objects, input.facts, await serviceEnvFor(pod, input.services));
  const { command, args } = expandCommandAndArgs(container, env);
  const mounts = await makeMounts(input, env);
  const config: ContainerConfig = {
    metadata: { name: container.name, attempt: restartCount },
    image: { image: input.imageRef, userSpecifiedImage: container.image ?? '' },
    command,
    args,
    envs: [...env].map(([key, value]) => ({ key, value })),
    mounts,
    labels: containerLabels(pod, container),
    annotations: containerAnnotations(pod, container, restartCount),
    logPath: containerLogRelPath(container.name, restartCount),
    stdin: Boolean(container.stdin),
    stdinOnce: Boolean(container.stdinOnce),
    tty: Boolean(container.tty),
    linux: { resources: linuxResources(container), securityContext: containerSecurityContext(pod, container, imageUser, join(input.paths.rootDir, 'seccomp')) },
  };
  // An ephemeral container with a target shares that container's PID namespace unless the pod shares one already.
  const ns = config.linux?.securityContext?.namespaceOptions;
  if (input.targetId && ns?.pid === 'CONTAINER') {
    ns.pid = 'TARGET';
    ns.targetId = input.targetId;
  }
  if (container.workingDir) config.workingDir = container.workingDir;
  return config;
}
