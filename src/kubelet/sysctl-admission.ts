/**
 * The kubelet's sysctl admission: a pod may set only the safe, namespaced sysctls (and none of a namespace it shares
 * with the host); any other is refused before the pod starts, the pod failing with reason SysctlForbidden.
 *
 * Mirrors `pkg/kubelet/sysctl/safe_sysctls.go` (SafeSysctlAllowlist at v1.32, on kernels new enough for all of
 * them), `allowlist.go` (validateSysctl's messages) and `component-helpers/node/util/sysctl` (NormalizeName, the
 * namespace of each safe sysctl).
 */
import type { Pod } from '../api/types.js';

/** The reason of a rejected pod (ForbiddenReason). */
export const SYSCTL_FORBIDDEN_REASON = 'SysctlForbidden';

/** The safe sysctls and the namespace each belongs to. */
const SAFE_SYSCTLS: Record<string, 'ipc' | 'net'> = {
  'kernel.shm_rmid_forced': 'ipc',
  'net.ipv4.ip_local_port_range': 'net',
  'net.ipv4.tcp_syncookies': 'net',
  'net.ipv4.ping_group_range': 'net',
  'net.ipv4.ip_unprivileged_port_start': 'net',
  'net.ipv4.ip_local_reserved_ports': 'net',
  'net.ipv4.tcp_keepalive_time': 'net',
  'net.ipv4.tcp_fin_timeout': 'net',
  'net.ipv4.tcp_keepalive_intvl': 'net',
  'net.ipv4.tcp_keepalive_probes': 'net',
  'net.ipv4.tcp_rmem': 'net',
  'net.ipv4.tcp_wmem': 'net',
};

/** NormalizeName: `net/ipv4/ip_forward` and `net.ipv4.ip_forward` name the same sysctl (slashes and dots swap). */
export function normalizeSysctlName(name: string): string {
  const first = name.search(/[./]/);
  if (first < 0 || name[first] === '.') return name;
  return name.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/**
 * Why the kubelet refuses `pod`'s sysctls (`forbidden sysctl: "kernel.msgmax" not allowlisted`, `... not allowed
 * with host net enabled`), or undefined when it admits them.
 */
export function sysctlAdmitError(pod: Pod): string | undefined {
  for (const s of pod.spec.securityContext?.sysctls ?? []) {
    const name = normalizeSysctlName(s.name);
    const ns = SAFE_SYSCTLS[name];
    if (!ns) return `forbidden sysctl: "${name}" not allowlisted`;
    if (ns === 'ipc' && pod.spec.hostIPC) return `forbidden sysctl: "${name}" not allowed with host ipc enabled`;
    if (ns === 'net' && pod.spec.hostNetwork) return `forbidden sysctl: "${name}" not allowed with host net enabled`;
  }
  return undefined;
}
