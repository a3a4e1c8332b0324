/** Tests of the Pod Security Standards checks, the namespace label policy and the PodSecurity admission plugin. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, Pod, PodSpec } from '../../../api/types.js';
import type { AdmissionAttributes } from '../../resource-handler.js';
import { existingPodWarnings, podSecurityAdmission } from './admission.js';
import { evaluatePod, forbiddenDetail } from './checks.js';
import { levelVersionString, policyFromLabels } from './policy.js';

const spec = (s: Partial<PodSpec>): { metadata: KubeObject['metadata']; spec: PodSpec } => ({ metadata: {}, spec: { containers: [{ name: 'c', image: 'i' }], ...s } });
const RESTRICTED_OK: PodSpec = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
};

describe('Pod Security Standards', () => {
  it('baseline refuses host namespaces, privileged containers, added capabilities, hostPath, host ports and sysctls', () => {
    const failures = evaluatePod('baseline', 32, spec({
      hostNetwork: true,
      hostPID: true,
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }] },
      containers: [
        { name: 'a', image: 'i', securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'CHOWN'] } }, ports: [{ containerPort: 80, hostPort: 8080 }] },
        { name: 'b', image: 'i', securityContext: { capabilities: { add: ['SYS_ADMIN'] } }, ports: [{ containerPort: 81, hostPort: 8081 }] },
      ],
    }));
    assert.equal(
      forbiddenDetail(failures),
      'non-default capabilities (containers "a", "b" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add), host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "root"), hostPort (containers "a", "b" use hostPorts 8080, 8081), privileged (container "a" must not set securityContext.privileged=true), forbidden sysctls (kernel.msgmax)',
    );
    assert.deepEqual(evaluatePod('privileged', 32, spec({ hostNetwork: true })), []);
  });

  it('restricted adds its own checks after the baseline ones it does not replace', () => {
    const failures = evaluatePod('restricted', 32, spec({ volumes: [{ name: 'h', hostPath: { path: '/x' } }], containers: [{ name: 'c', image: 'i', securityContext: { privileged: true, runAsUser: 0 } }] }));
    assert.equal(
      forbiddenDetail(failures),
      'privileged (container "c" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), restricted volume types (volume "h" uses restricted volume type "hostPath"), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), runAsUser=0 (container "c" must not set runAsUser=0), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    assert.deepEqual(evaluatePod('restricted', 32, { metadata: {}, spec: RESTRICTED_OK }), []);
  });

  it('names explicit bad values: runAsNonRoot=false, Unconfined seccomp, added capabilities beyond NET_BIND_SERVICE', () => {
    const s: PodSpec = {
      securityContext: { runAsNonRoot: false, seccompProfile: { type: 'Unconfined' } },
      containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'NET_RAW'] } } }],
    };
    assert.equal(
      forbiddenDetail(evaluatePod('restricted', 32, { metadata: {}, spec: s })),
      'unrestricted capabilities (container "c" must not include "NET_RAW" in securityContext.capabilities.add), runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false), seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });

  it('follows versions: runAsUser from v1.23, the v1.32 sysctls', () => {
    const root = spec({ ...RESTRICTED_OK, securityContext: { ...RESTRICTED_OK.securityContext, runAsUser: 0 } });
    assert.equal(forbiddenDetail(evaluatePod('restricted', 22, root)), '');
    assert.equal(forbiddenDetail(evaluatePod('restricted', 23, root)), 'runAsUser=0 (pod must not set runAsUser=0)');
    const tcp = spec({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] } });
    assert.equal(forbiddenDetail(evaluatePod('baseline', 31, tcp)), 'forbidden sysctls (net.ipv4.tcp_rmem)');
    assert.equal(forbiddenDetail(evaluatePod('baseline', 32, tcp)), '');
  });

  it('reads namespace labels: warn follows a stricter enforce, bad values are field errors', () => {
    const { policy } = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.25' });
    assert.equal(levelVersionString(policy.enforce), 'baseline:v1.25');
    assert.equal(levelVersionString(policy.warn), 'baseline:v1.25');
    const bad = policyFromLabels({ 'pod-security.kubernetes.io/warn': 'loud', 'pod-security.kubernetes.io/audit-version': '1.25' });
    assert.deepEqual(bad.errors.map((e) => `${e.field}: ${e.detail}`), [
      'metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "1.25": must be "latest" or "v1.x"',
      'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "loud": must be one of privileged, baseline, restricted',
    ]);
  });
});

describe('PodSecurity admission', () => {
  const ns = (labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', labels } });
  const pod = (name: string, s: Partial<PodSpec> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i' }], ...s } });
  const attrs = (object: KubeObject, extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
    operation: 'CREATE', group: '', resource: 'pods', subresource: '', namespace: 'ns', object, user: { username: 'u', uid: '', groups: [], extra: {} }, dryRun: false, ...extra,
  });

  it('refuses a pod under enforce and warns under warn', async () => {
    const warnings: string[] = [];
    const plugin = podSecurityAdmission({ getNamespace: async () => ns({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' }), listPods: async () => [] });
    await assert.rejects(plugin(attrs(pod('p', { hostPID: true }))), { message: 'pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)' });
    await plugin(attrs(pod('q', { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } }), { warn: (w) => warnings.push(w) }));
    assert.deepEqual(warnings, ['would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"])']);
  });

  it('warns about a Deployment\'s template instead of refusing it, and ignores pod updates that change no image', async () => {
    const warnings: string[] = [];
    const plugin = podSecurityAdmission({ getNamespace: async () => ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), listPods: async () => [] });
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' }, spec: { template: { metadata: {}, spec: { hostIPC: true, containers: [{ name: 'c', image: 'i' }] } } } } as KubeObject;
    await plugin(attrs(deployment, { group: 'apps', resource: 'deployments', warn: (w) => warnings.push(w) }));
    assert.deepEqual(warnings, ['would violate PodSecurity "baseline:latest": host namespaces (hostIPC=true)']);
    const p = pod('p', { hostIPC: true });
    await plugin(attrs(p, { operation: 'UPDATE', oldObject: p }));
  });

  it('refuses invalid namespace labels with 422 and lists existing pods a stricter enforce level would refuse', async () => {
    const plugin = podSecurityAdmission({ getNamespace: async () => undefined, listPods: async () => [pod('b', { hostPID: true }), pod('a', { hostPID: true }), pod('c', { containers: [{ name: 'x', image: 'i', securityContext: { privileged: true } }] }), pod('ok')] });
    await assert.rejects(plugin(attrs(ns({ 'pod-security.kubernetes.io/enforce': 'nope' }), { resource: 'namespaces', namespace: '' })), (err: { status: { code: number } }) => err.status.code === 422);
    const warnings: string[] = [];
    await plugin(attrs(ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), { resource: 'namespaces', namespace: '', operation: 'UPDATE', oldObject: ns({}), warn: (w) => warnings.push(w) }));
    assert.deepEqual(warnings, ['existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"', 'a (and 1 other pod): host namespaces', 'c: privileged']);
    assert.deepEqual(existingPodWarnings('ns', { level: 'baseline', minor: undefined }, [pod('a', { hostPID: true }), pod('b')], 1), [
      'new PodSecurity enforce level only checked against the first 1 of 2 existing pods',
      'existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"',
      'a: host namespaces',
    ]);
  });
});
