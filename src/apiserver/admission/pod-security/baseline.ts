/**
 * The baseline Pod Security Standard as checks: host namespaces, privileged containers, capabilities beyond the
 * default set, hostPath volumes, host ports, AppArmor, SELinux, /proc mount, seccomp, sysctls, Windows host processes.
 *
 * Written from the documented standard (kubernetes.io/docs/concepts/security/pod-security-standards) and the
 * observable messages of k8s.io/pod-security-admission `policy/check_*.go` at v0.32 (IDs, versions, wording).
 */
import { containers, containersPhrase, joinQuote, plural, seccompSetters, SECCOMP_CONTAINER_PREFIX, SECCOMP_POD_ANNOTATION, uniqSorted, type Check } from './check-helpers.js';

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

/** The baseline checks. */
export const BASELINE_CHECKS: readonly Check[] = [hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, appArmorProfile, seLinuxOptions, procMount, seccompProfileBaseline, sysctls, windowsHostProcess];
