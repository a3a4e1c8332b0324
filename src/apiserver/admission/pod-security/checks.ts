/**
 * The Pod Security Standards as checks over a pod's metadata and spec: the baseline checks (host namespaces,
 * privileged, capabilities, hostPath volumes, host ports, AppArmor, SELinux, /proc mount, seccomp, sysctls, Windows
 * host processes) and the restricted ones (volume types, privilege escalation, running as non-root, runAsUser=0,
 * seccomp, dropping ALL capabilities), each failing with a reason and a detail in upstream's words.
 *
 * Written from the documented standards (kubernetes.io/docs/concepts/security/pod-security-standards) and the
 * observable messages of k8s.io/pod-security-admission `policy/check_*.go` at v0.32: check IDs, which restricted check
 * replaces which baseline one, the minor version each rule starts at, pluralisation and quoting.
 */
import type { Container, KubeObject, PodSpec, Volume } from '../../../api/types.js';

/** One failed check: `reason (detail)` in a message. */
export interface CheckFailure {
  reason: string;
  detail: string;
}

/** A pod-like object: its metadata (annotations) and spec. */
export interface PodLike {
  metadata: KubeObject['metadata'];
  spec: PodSpec;
}

/** A check of one level, from a minor version on (1.x; `Infinity` is latest). */
export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** Baseline checks this restricted check replaces. */
  overrides?: string[];
  /** The first minor version the check applies to. */
  since: number;
  run(pod: PodLike, minor: number): CheckFailure | undefined;
}

const joinQuote = (items: string[]): string => (items.length === 0 ? '' : `"${items.join('", "')}"`);
const plural = (one: string, many: string, n: number): string => (n === 1 ? one : many);
const uniqSorted = (items: Iterable<string>): string[] => [...new Set(items)].sort();
const containersPhrase = (names: string[]): string => `${plural('container', 'containers', names.length)} ${joinQuote(names)}`;

/** visitContainers: init containers, then containers, then ephemeral containers. */
function containers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...((spec.ephemeralContainers ?? []) as Container[])];
}

const windows = (spec: PodSpec): boolean => (spec as { os?: { name?: string } }).os?.name === 'windows';

const hostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  since: 0,
  run({ spec }) {
    const bad = [spec.hostNetwork && 'hostNetwork=true', spec.hostPID && 'hostPID=true', spec.hostIPC && 'hostIPC=true'].filter((x): x is string => !!x);
    return bad.length ? { reason: 'host namespaces', detail: bad.join(', ') } : undefined;
  },
};

const privileged: Check = {
  id: 'privileged',
  level: 'baseline',
  since: 0,
  run({ spec }) {
    const bad = containers(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
    return bad.length ? { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` } : undefined;
  },
};

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const capabilitiesBaseline: Check = {
  id: 'capabilities_baseline',
  level: 'baseline',
  since: 0,
  run({ spec }) {
    const bad: string[] = [];
    const caps: string[] = [];
    for (const c of containers(spec)) {
      const extra = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
      if (extra.length) {
        bad.push(c.name);
        caps.push(...extra);
      }
    }
    return bad.length ? { reason: 'non-default capabilities', detail: `${containersPhrase(bad)} must not include ${joinQuote(uniqSorted(caps))} in securityContext.capabilities.add` } : undefined;
  },
};

const hostPathVolumes: Check = {
  id: 'hostPathVolumes',
  level: 'baseline',
  since: 0,
  run({ spec }) {
    const bad = (spec.volumes ?? []).filter((v) => v.hostPath !== undefined).map((v) => v.name);
    return bad.length ? { reason: 'hostPath volumes', detail: `${plural('volume', 'volumes', bad.length)} ${joinQuote(bad)}` } : undefined;
  },
};

const hostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  since: 0,
  run({ spec }) {
    const bad: string[] = [];
    const ports = new Set<number>();
    for (const c of containers(spec)) {
      const hp = (c.ports ?? []).map((p) => p.hostPort ?? 0).filter((p) => p !== 0);
      if (hp.length) {
        bad.push(c.name);
        for (const p of hp) ports.add(p);
      }
    }
    if (!bad.length) return undefined;
    const list = uniqSorted([...ports].map(String));
    return { reason: 'hostPort', detail: `${containersPhrase(bad)} ${plural('uses', 'use', bad.length)} ${plural('hostPort', 'hostPorts', list.length)} ${list.join(', ')}` };
  },
};

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const appArmorProfile: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  since: 0,
  run({ metadata, spec }) {
    const allowed = (t: string | undefined): boolean => t === 'RuntimeDefault' || t === 'Localhost';
    const setters: string[] = [];
    const values = new Set<string>();
    const podType = spec.securityContext?.appArmorProfile?.type;
    if (spec.securityContext?.appArmorProfile && !allowed(podType)) {
      setters.push('pod');
      values.add(podType ?? '');
    }
    const bad: string[] = [];
    for (const c of containers(spec)) {
      const t = c.securityContext?.appArmorProfile?.type;
      if (c.securityContext?.appArmorProfile && !allowed(t)) {
        bad.push(c.name);
        values.add(t ?? '');
      }
    }
    if (bad.length) setters.push(containersPhrase(bad));
    const annotations = Object.entries(metadata.annotations ?? {})
      .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/')))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .sort();
    const valueList = [...uniqSorted(values), ...annotations];
    if (annotations.length) setters.push(plural('annotation', 'annotations', annotations.length));
    if (!setters.length) return undefined;
    return { reason: plural('forbidden AppArmor profile', 'forbidden AppArmor profiles', valueList.length), detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(valueList)}` };
  },
};

const seLinuxOptions: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  since: 0,
  run({ spec }, minor) {
    const types = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', ...(minor >= 31 ? ['container_engine_t'] : [])]);
    const badTypes = new Set<string>();
    let user = false;
    let role = false;
    const valid = (o: { type?: string; user?: string; role?: string }): boolean => {
      let ok = true;
      if (!types.has(o.type ?? '')) {
        ok = false;
        badTypes.add(o.type ?? '');
      }
      if (o.user) {
        ok = false;
        user = true;
      }
      if (o.role) {
        ok = false;
        role = true;
      }
      return ok;
    };
    const setters: string[] = [];
    if (spec.securityContext?.seLinuxOptions && !valid(spec.securityContext.seLinuxOptions)) setters.push('pod');
    const bad = containers(spec).filter((c) => c.securityContext?.seLinuxOptions && !valid(c.securityContext.seLinuxOptions)).map((c) => c.name);
    if (bad.length) setters.push(containersPhrase(bad));
    if (!setters.length) return undefined;
    const data: string[] = [];
    if (badTypes.size) data.push(`${plural('type', 'types', badTypes.size)} ${joinQuote(uniqSorted(badTypes))}`);
    if (user) data.push('user may not be set');
    if (role) data.push('role may not be set');
    return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
  },
};

const procMount: Check = {
  id: 'procMount',
  level: 'baseline',
  since: 0,
  run({ spec }) {
    const bad: string[] = [];
    const types = new Set<string>();
    for (const c of containers(spec)) {
      const pm = c.securityContext?.procMount;
      if (pm !== undefined && pm !== 'Default') {
        bad.push(c.name);
        types.add(pm);
      }
    }
    return bad.length ? { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(uniqSorted(types))}` } : undefined;
  },
};

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const validSeccomp = (t: string | undefined): boolean => t === 'RuntimeDefault' || t === 'Localhost';

/** The explicitly bad seccomp setters (pod, containers) and values, shared by the baseline and restricted checks. */
function seccompSetters(spec: PodSpec): { setters: string[]; values: string[]; podSet: boolean; unset: string[] } {
  const setters: string[] = [];
  const values = new Set<string>();
  let podSet = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile) {
    if (!validSeccomp(podProfile.type)) {
      setters.push('pod');
      values.add(podProfile.type);
    } else podSet = true;
  }
  const bad: string[] = [];
  const unset: string[] = [];
  for (const c of containers(spec)) {
    const p = c.securityContext?.seccompProfile;
    if (p) {
      if (!validSeccomp(p.type)) {
        bad.push(c.name);
        values.add(p.type);
      }
    } else if (!podSet) unset.push(c.name);
  }
  if (bad.length) setters.push(containersPhrase(bad));
  return { setters, values: uniqSorted(values), podSet, unset };
}

const seccompProfileBaseline: Check = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  since: 0,
  run({ metadata, spec }, minor) {
    if (minor < 19) {
      const ann = metadata.annotations ?? {};
      const okAnnotation = (v: string): boolean => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
      const bad: string[] = [];
      const podVal = ann[SECCOMP_POD_ANNOTATION];
      if (podVal !== undefined && !okAnnotation(podVal)) bad.push(`${SECCOMP_POD_ANNOTATION}=${JSON.stringify(podVal)}`);
      for (const c of containers(spec)) {
        const v = ann[SECCOMP_CONTAINER_PREFIX + c.name];
        if (v !== undefined && !okAnnotation(v)) bad.push(`${SECCOMP_CONTAINER_PREFIX}${c.name}=${JSON.stringify(v)}`);
      }
      const list = uniqSorted(bad);
      return list.length ? { reason: 'seccompProfile', detail: `forbidden ${plural('annotation', 'annotations', list.length)} ${list.join(', ')}` } : undefined;
    }
    const { setters, values } = seccompSetters(spec);
    return setters.length ? { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}` } : undefined;
  },
};

const SYSCTLS_BY_MINOR: [number, string[]][] = [
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
];

const sysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  since: 0,
  run({ spec }, minor) {
    const allowed = new Set(SYSCTLS_BY_MINOR.filter(([m]) => m <= minor).flatMap(([, names]) => names));
    const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !allowed.has(n));
    return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
  },
};

const windowsHostProcess: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  since: 0,
  run({ spec }) {
    type WithWindows = { windowsOptions?: { hostProcess?: boolean } };
    const setters: string[] = [];
    if ((spec.securityContext as WithWindows | undefined)?.windowsOptions?.hostProcess === true) setters.push('pod');
    const bad = containers(spec).filter((c) => (c.securityContext as WithWindows | undefined)?.windowsOptions?.hostProcess === true).map((c) => c.name);
    if (bad.length) setters.push(containersPhrase(bad));
    return setters.length ? { reason: 'hostProcess', detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
  },
};

const ALLOWED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const KNOWN_VOLUME_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc',
  'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

const restrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  overrides: ['hostPathVolumes'],
  since: 0,
  run({ spec }) {
    const bad: string[] = [];
    const types = new Set<string>();
    for (const v of spec.volumes ?? []) {
      const has = (k: string): boolean => (v as Volume)[k] !== undefined && (v as Volume)[k] !== null;
      if (ALLOWED_VOLUME_SOURCES.some(has)) continue;
      bad.push(v.name);
      types.add(KNOWN_VOLUME_SOURCES.find(has) ?? 'unknown');
    }
    if (!bad.length) return undefined;
    const list = uniqSorted(types);
    return {
      reason: 'restricted volume types',
      detail: `${plural('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${plural('uses', 'use', bad.length)} ${plural('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
    };
  },
};

const allowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  since: 8,
  run({ spec }, minor) {
    if (minor >= 25 && windows(spec)) return undefined;
    const bad = containers(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
    return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
  },
};

const runAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  since: 0,
  run({ spec }) {
    const setters: string[] = [];
    let podNonRoot = false;
    const pod = spec.securityContext?.runAsNonRoot;
    if (pod === false) setters.push('pod');
    else if (pod === true) podNonRoot = true;
    const explicit: string[] = [];
    const implicit: string[] = [];
    for (const c of containers(spec)) {
      const v = c.securityContext?.runAsNonRoot;
      if (v !== undefined) {
        if (!v) explicit.push(c.name);
      } else if (!podNonRoot) implicit.push(c.name);
    }
    if (explicit.length) setters.push(containersPhrase(explicit));
    if (setters.length) return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
    if (implicit.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true` };
    return undefined;
  },
};

const runAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  since: 23,
  run({ spec }) {
    const setters: string[] = [];
    if (spec.securityContext?.runAsUser === 0) setters.push('pod');
    const bad = containers(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
    if (bad.length) setters.push(containersPhrase(bad));
    return setters.length ? { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` } : undefined;
  },
};

const seccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  overrides: ['seccompProfile_baseline'],
  since: 19,
  run({ spec }, minor) {
    if (minor >= 25 && windows(spec)) return undefined;
    const { setters, values, unset } = seccompSetters(spec);
    if (setters.length) return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}` };
    if (unset.length) return { reason: 'seccompProfile', detail: `pod or ${containersPhrase(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
    return undefined;
  },
};

const capabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  overrides: ['capabilities_baseline'],
  since: 22,
  run({ spec }, minor) {
    if (minor >= 25 && windows(spec)) return undefined;
    const missingDrop: string[] = [];
    const adding: string[] = [];
    const caps = new Set<string>();
    for (const c of containers(spec)) {
      const capabilities = c.securityContext?.capabilities;
      if (!capabilities) {
        missingDrop.push(c.name);
        continue;
      }
      if (!(capabilities.drop ?? []).includes('ALL')) missingDrop.push(c.name);
      const extra = (capabilities.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
      if (extra.length) {
        adding.push(c.name);
        for (const cap of extra) caps.add(cap);
      }
    }
    const details: string[] = [];
    if (missingDrop.length) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
    if (adding.length) details.push(`${containersPhrase(adding)} must not include ${joinQuote(uniqSorted(caps))} in securityContext.capabilities.add`);
    return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
  },
};

/** Every check; evaluation orders baseline IDs, then restricted IDs, each sorted (byte order). */
export const CHECKS: readonly Check[] = [
  hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, appArmorProfile, seLinuxOptions, procMount, seccompProfileBaseline, sysctls,
  windowsHostProcess, restrictedVolumes, allowPrivilegeEscalation, runAsNonRoot, runAsUser, seccompProfileRestricted, capabilitiesRestricted,
];

const byId = (a: Check, b: Check): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ORDERED = [...CHECKS.filter((c) => c.level === 'baseline').sort(byId), ...CHECKS.filter((c) => c.level === 'restricted').sort(byId)];

/** The level a pod is evaluated at. */
export type Level = 'privileged' | 'baseline' | 'restricted';

/**
 * The failures of `pod` at `level` and minor version `minor` (1.x; latest = the newest minor), in upstream's order.
 * Privileged allows everything; restricted runs the baseline checks it does not override, then its own.
 */
export function evaluatePod(level: Level, minor: number, pod: PodLike): CheckFailure[] {
  if (level === 'privileged') return [];
  const active = ORDERED.filter((c) => c.since <= minor && (c.level === 'baseline' || level === 'restricted'));
  const overridden = new Set(level === 'restricted' ? active.flatMap((c) => (c.level === 'restricted' ? (c.overrides ?? []) : [])) : []);
  const out: CheckFailure[] = [];
  for (const c of active) {
    if (overridden.has(c.id)) continue;
    const f = c.run(pod, minor);
    if (f) out.push(f);
  }
  return out;
}

/** ForbiddenDetail: `reason (detail), reason (detail)`. */
export function forbiddenDetail(failures: CheckFailure[]): string {
  return failures.map((f) => (f.detail ? `${f.reason} (${f.detail})` : f.reason)).join(', ');
}

/** ForbiddenReason: the reasons, comma-separated. */
export function forbiddenReason(failures: CheckFailure[]): string {
  return failures.map((f) => f.reason).join(', ');
}
