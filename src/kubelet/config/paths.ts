// Host-side directory layout of the kubelet (kubelet_getters.go): pod dirs, volume dirs, container files, logs.

import { join } from 'node:path';
import type { Pod } from '../../api/types.js';

/** Where the kubelet keeps per-pod state (`rootDir`) and container logs (`podLogsDir`). */
export interface KubeletPaths {
  rootDir: string;
  podLogsDir: string;
}

/** `<rootDir>/pods/<uid>`. */
export function podDir(p: KubeletPaths, uid: string): string {
  return join(p.rootDir, 'pods', uid);
}

/** `<rootDir>/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>`; plugin such as `empty-dir`, `configmap`. */
export function volumeDir(p: KubeletPaths, uid: string, plugin: string, name: string): string {
  return join(podDir(p, uid), 'volumes', `kubernetes.io~${plugin}`, name);
}

/** `<rootDir>/pods/<uid>/plugins/kubernetes.io~<plugin>/<name>`: a volume plugin's own per-volume state (e.g. the `ready` mark). */
export function volumePluginDir(p: KubeletPaths, uid: string, plugin: string, name: string): string {
  return join(podDir(p, uid), 'plugins', `kubernetes.io~${plugin}`, name);
}

/** `<rootDir>/pods/<uid>/containers/<name>` (termination-log files). */
export function containerDir(p: KubeletPaths, uid: string, name: string): string {
  return join(podDir(p, uid), 'containers', name);
}

/** `<rootDir>/pods/<uid>/etc-hosts`. */
export function etcHostsPath(p: KubeletPaths, uid: string): string {
  return join(podDir(p, uid), 'etc-hosts');
}

/** The pod's log directory `<podLogsDir>/<ns>_<name>_<uid>` (kubelet `BuildPodLogsDirectory`). */
export function podLogDir(p: KubeletPaths, pod: Pod): string {
  return join(p.podLogsDir, `${pod.metadata.namespace ?? ''}_${pod.metadata.name ?? ''}_${pod.metadata.uid ?? ''}`);
}

/** A container's log path relative to the pod log dir: `<container>/<restartCount>.log`. */
export function containerLogRelPath(name: string, restartCount: number): string {
  return join(name, `${restartCount}.log`);
}
