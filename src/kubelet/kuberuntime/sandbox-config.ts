// The CRI PodSandboxConfig of a pod (kuberuntime_sandbox.go `generatePodSandboxConfig`) and its /etc/hosts file.

import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Pod } from '../../api/types.js';
import type { DNSConfig, PodSandboxConfig, PortMapping } from '../../cri/types.js';
import { podLogDir, type KubeletPaths } from '../config/paths.js';
import { sandboxLabels } from './labels.js';
import { podSysctls, sandboxSecurityContext } from './security-context.js';

/** Sandbox hostname: spec.hostname or the pod name, truncated to 63 characters (`GeneratePodHostNameAndDomain`). */
export function podHostname(pod: Pod): string {
  return (pod.spec.hostname || pod.metadata.name || '').slice(0, 63).replace(/[-.]+$/, '');
}

/**
 * `HasPrivilegedContainer` (pkg/kubelet/container/helpers.go): some init, app or ephemeral container has
 * `securityContext.privileged` (the sandbox config sent with each CreateContainer then allows it, as containerd requires).
 */
export function hasPrivilegedContainer(pod: Pod): boolean {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])].some((c) => c.securityContext?.privileged === true);
}

/**
 * Builds the sandbox config for `pod` at `attempt` with the pod's resolv.conf `dnsConfig` (network/dns.ts
 * GetPodDNS; deterministic, so it can be rebuilt after a restart). The sandbox is privileged when any
 * container is (kuberuntime_sandbox_linux.go): containerd refuses a privileged container in an unprivileged
 * sandbox.
 */
export function generatePodSandboxConfig(pod: Pod, attempt: number, paths: KubeletPaths, dnsConfig: DNSConfig): PodSandboxConfig {
  const portMappings: PortMapping[] = [];
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      const m: PortMapping = { protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort };
      if (p.hostIP) m.hostIp = p.hostIP;
      portMappings.push(m);
    }
  }
  const spec = pod.spec;
  const config: PodSandboxConfig = {
    metadata: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid ?? '', attempt },
    hostname: podHostname(pod),
    logDirectory: podLogDir(paths, pod),
    dnsConfig,
    portMappings,
    labels: sandboxLabels(pod),
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: { securityContext: sandboxSecurityContext(pod, hasPrivilegedContainer(pod), join(paths.rootDir, 'seccomp')) },
  };
  const sysctls = podSysctls(pod);
  if (Object.keys(sysctls).length > 0) config.linux!.sysctls = sysctls;
  if (spec.hostNetwork) delete config.hostname;
  return config;
}

/**
 * Writes the kubelet-managed /etc/hosts of a pod (kubelet_pods.go `managedHostsFileContent`): header,
 * localhost entries, `<podIP>\t<hostname>` (with `<hostname>.<subdomain>.<ns>.svc.<clusterDomain>` first when
 * the pod has a subdomain and the kubelet a cluster domain), then HostAliases.
 */
export async function writeEtcHosts(path: string, pod: Pod, podIPs: string[], clusterDomain: string): Promise<void> {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const host = podHostname(pod);
  for (const ip of podIPs) {
    if (pod.spec.subdomain && clusterDomain) lines.push(`${ip}\t${host}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${clusterDomain}\t${host}`);
    else lines.push(`${ip}\t${host}`);
  }
  if (pod.spec.hostAliases?.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of pod.spec.hostAliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, lines.join('\n') + '\n', { mode: 0o644 });
}
