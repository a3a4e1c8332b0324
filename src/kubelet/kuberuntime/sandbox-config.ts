// The CRI PodSandboxConfig of a pod (kuberuntime_sandbox.go `generatePodSandboxConfig`) and its /etc/hosts file.

import { readFileSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Pod } from '../../api/types.js';
import type { DNSConfig, PodSandboxConfig, PortMapping } from '../../cri/types.js';
import { podLogDir, type KubeletPaths } from '../paths.js';
import { sandboxLabels } from './labels.js';

/** Parses resolv.conf text into a CRI DNSConfig (nameserver, search, options lines). */
export function parseResolvConf(text: string): DNSConfig {
  const servers: string[] = [];
  const searches: string[] = [];
  const options: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) servers.push(rest[0]);
    else if (key === 'search') searches.splice(0, searches.length, ...rest);
    else if (key === 'options') options.push(...rest);
  }
  return { servers, searches, options };
}

let hostDns: DNSConfig | undefined;

/**
 * The host's DNS config for pods: /run/systemd/resolve/resolv.conf when present (the real upstream servers,
 * as kubelet's `--resolv-conf` on systemd-resolved hosts), else /etc/resolv.conf; loopback servers are dropped
 * because they are unreachable from a pod's network namespace.
 */
export function hostDNSConfig(): DNSConfig {
  if (hostDns) return hostDns;
  let text = '';
  for (const p of ['/run/systemd/resolve/resolv.conf', '/etc/resolv.conf']) {
    try {
      text = readFileSync(p, 'utf8');
      break;
    } catch {
      continue;
    }
  }
  const dns = parseResolvConf(text);
  dns.servers = (dns.servers ?? []).filter((s) => !s.startsWith('127.') && s !== '::1');
  hostDns = dns;
  return dns;
}

/** Sandbox hostname: spec.hostname or the pod name, truncated to 63 characters (`GeneratePodHostNameAndDomain`). */
export function podHostname(pod: Pod): string {
  return (pod.spec.hostname || pod.metadata.name || '').slice(0, 63).replace(/[-.]+$/, '');
}

/** `HasPrivilegedContainer` (pkg/kubelet/container/helpers.go): some init or app container has `securityContext.privileged`. */
export function hasPrivilegedContainer(pod: Pod): boolean {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].some((c) => c.securityContext?.privileged === true);
}

/**
 * Builds the sandbox config for `pod` at `attempt` (deterministic, so it can be rebuilt after a restart). The
 * sandbox is privileged when any container is (kuberuntime_sandbox_linux.go): containerd refuses a privileged
 * container in an unprivileged sandbox.
 */
export function generatePodSandboxConfig(pod: Pod, attempt: number, paths: KubeletPaths): PodSandboxConfig {
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
  const sc = spec.securityContext;
  const config: PodSandboxConfig = {
    metadata: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid ?? '', attempt },
    hostname: podHostname(pod),
    logDirectory: podLogDir(paths, pod),
    dnsConfig: hostDNSConfig(),
    portMappings,
    labels: sandboxLabels(pod),
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: {
      securityContext: {
        namespaceOptions: {
          network: spec.hostNetwork ? 'NODE' : 'POD',
          pid: spec.hostPID ? 'NODE' : spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
          ipc: spec.hostIPC ? 'NODE' : 'POD',
        },
      },
    },
  };
  if (spec.hostNetwork) delete config.hostname;
  if (sc?.runAsUser !== undefined) config.linux!.securityContext!.runAsUser = { value: sc.runAsUser };
  if (sc?.runAsGroup !== undefined) config.linux!.securityContext!.runAsGroup = { value: sc.runAsGroup };
  if (sc?.supplementalGroups) config.linux!.securityContext!.supplementalGroups = sc.supplementalGroups;
  if (hasPrivilegedContainer(pod)) config.linux!.securityContext!.privileged = true;
  return config;
}

/**
 * Writes the kubelet-managed /etc/hosts of a pod (kubelet_pods.go `managedHostsFileContent`): header,
 * localhost entries, `<podIP>\t<hostname>` (with subdomain FQDN when set), then HostAliases.
 */
export async function writeEtcHosts(path: string, pod: Pod, podIPs: string[]): Promise<void> {
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
    if (pod.spec.subdomain) lines.push(`${ip}\t${host}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.cluster.local\t${host}`);
    else lines.push(`${ip}\t${host}`);
  }
  if (pod.spec.hostAliases?.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of pod.spec.hostAliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, lines.join('\n') + '\n', { mode: 0o644 });
}
