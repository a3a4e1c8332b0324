// Tests of the CRI security contexts the kubelet builds, runAsNonRoot, and the sysctl admission.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sysctlAdmitError } from '../sysctl-admission.js';
import { makePod } from '../testing/builders.js';
import { generatePodSandboxConfig } from './sandbox-config.js';
import { containerSecurityContext, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, verifyRunAsNonRoot } from './security-context.js';

const paths = { rootDir: '/var/lib/k1s/kubelet', podLogsDir: '/var/log/pods' };

describe('containerSecurityContext', () => {
  it('merges the pod and container contexts and adds fsGroup before supplementalGroups', () => {
    const pod = makePod('p', ['app'], { securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] }, shareProcessNamespace: true });
    pod.spec.containers[0]!.securityContext = { runAsUser: 1001, allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true };
    assert.deepEqual(containerSecurityContext(pod, pod.spec.containers[0]!, { uid: 0 }, '/var/lib/k1s/kubelet/seccomp'), {
      namespaceOptions: { network: 'POD', pid: 'POD', ipc: 'POD' },
      capabilities: { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] },
      readonlyRootfs: true,
      runAsUser: { value: 1001 },
      runAsGroup: { value: 3000 },
      supplementalGroups: [2000, 4000],
      noNewPrivs: true,
      maskedPaths: DEFAULT_MASKED_PATHS,
      readonlyPaths: DEFAULT_READONLY_PATHS,
      seccomp: { profileType: 'Unconfined' },
    });
  });

  it('passes the image user when no runAsUser is set, and seccomp and procMount as asked', () => {
    const pod = makePod('p', ['app'], { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
    const c = pod.spec.containers[0]!;
    assert.deepEqual(containerSecurityContext(pod, c, { uid: 101 }, '/s').runAsUser, { value: 101 });
    const named = containerSecurityContext(pod, c, { username: 'nginx' }, '/s');
    assert.equal(named.runAsUsername, 'nginx');
    assert.equal(named.runAsUser, undefined);
    assert.deepEqual(named.seccomp, { profileType: 'RuntimeDefault' });
    c.securityContext = { procMount: 'Unmasked', seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } };
    const own = containerSecurityContext(pod, c, { uid: 0 }, '/s');
    assert.deepEqual([own.maskedPaths, own.readonlyPaths, own.seccomp], [[], [], { profileType: 'Localhost', localhostRef: '/s/profiles/audit.json' }]);
  });
});

describe('verifyRunAsNonRoot', () => {
  const pod = makePod('web', ['app'], { securityContext: { runAsNonRoot: true } });
  const c = pod.spec.containers[0]!;
  it('refuses a root image, a root runAsUser and an unverifiable user name with the kubelet messages', () => {
    assert.throws(() => verifyRunAsNonRoot(pod, c, { uid: 0 }), { name: 'ContainerConfigError', message: 'container has runAsNonRoot and image will run as root (pod: "web_default(uid-web)", container: app)' });
    assert.throws(() => verifyRunAsNonRoot(pod, c, { username: 'nginx' }), {
      message: 'container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root (pod: "web_default(uid-web)", container: app)',
    });
    const root = makePod('web', ['app'], { securityContext: { runAsNonRoot: true, runAsUser: 0 } });
    assert.throws(() => verifyRunAsNonRoot(root, root.spec.containers[0]!, { uid: 1000 }), { message: 'container\'s runAsUser breaks non-root policy (pod: "web_default(uid-web)", container: app)' });
  });
  it('accepts a non-root image user or runAsUser', () => {
    verifyRunAsNonRoot(pod, c, { uid: 1000 });
    const set = makePod('web', ['app'], { securityContext: { runAsNonRoot: true, runAsUser: 1000 } });
    verifyRunAsNonRoot(set, set.spec.containers[0]!, { uid: 0 });
  });
});

describe('sandbox security context and sysctls', () => {
  it('gives the sandbox the pod user, groups with fsGroup, Unconfined seccomp and the sysctls', () => {
    const pod = makePod('p', ['app'], { securityContext: { runAsUser: 1000, fsGroup: 2000, supplementalGroups: [5], sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } });
    const cfg = generatePodSandboxConfig(pod, 0, paths, {});
    assert.deepEqual(cfg.linux, {
      securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' }, runAsUser: { value: 1000 }, supplementalGroups: [2000, 5], seccomp: { profileType: 'Unconfined' } },
      sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
    });
  });
  it('admits safe sysctls only, as the kubelet allowlist does', () => {
    const with_ = (name: string, spec = {}) => makePod('p', ['a'], { ...spec, securityContext: { sysctls: [{ name, value: '1' }] } });
    assert.equal(sysctlAdmitError(with_('kernel.shm_rmid_forced')), undefined);
    assert.equal(sysctlAdmitError(with_('net/ipv4/tcp_syncookies')), undefined);
    assert.equal(sysctlAdmitError(with_('kernel.msgmax')), 'forbidden sysctl: "kernel.msgmax" not allowlisted');
    assert.equal(sysctlAdmitError(with_('net.ipv4.tcp_syncookies', { hostNetwork: true })), 'forbidden sysctl: "net.ipv4.tcp_syncookies" not allowed with host net enabled');
  });
});
