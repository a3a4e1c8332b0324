/**
 * The restricted Pod Security Standard's own checks (on top of baseline): volume types, privilege escalation, running
 * as non-root, runAsUser=0, seccomp RuntimeDefault or Localhost, dropping ALL capabilities; each names the baseline
 * check it replaces.
 *
 * Written from the documented standard (kubernetes.io/docs/concepts/security/pod-security-standards) and the
 * observable messages of k8s.io/pod-security-admission `policy/check_*.go` at v0.32 (IDs, versions, overrides, wording).
 */
import type { Volume } from '../../../api/types.js';
import { containers, containersPhrase, joinQuote, plural, seccompSetters, uniqSorted, windows, type Check } from './check-helpers.js';

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

/** The restricted checks. */
export const RESTRICTED_CHECKS: readonly Check[] = [restrictedVolumes, allowPrivilegeEscalation, runAsNonRoot, runAsUser, seccompProfileRestricted, capabilitiesRestricted];
