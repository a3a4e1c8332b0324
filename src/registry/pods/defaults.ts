/**
 * Pod defaulting: the v1 defaulters plus what kube-apiserver's default admission plugins add on create.
 *
 * Mirrors `pkg/apis/core/v1/defaults.go` (SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container,
 * SetDefaults_Probe, SetDefaults_HTTPGetAction, SetDefaults_Volume, SetDefaults_*VolumeSource,
 * SetDefaults_ContainerPort, SetDefaults_ObjectFieldSelector), `plugin/pkg/admission/defaulttolerationseconds`
 * and `plugin/pkg/admission/priority` (priority 0, preemptionPolicy PreemptLowerPriority).
 */
import type { Container, HTTPGetAction, Pod, Probe, Toleration, Volume } from '../../api/types.js';

/** Volume source keys of core/v1 VolumeSource; a volume with none of them defaults to emptyDir. */
export const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'photonPersistentDisk', 'projected', 'portworxVolume', 'azureDisk',
  'storageos', 'scaleIO', 'csi', 'ephemeral', 'image',
] as const;

/** Default file mode of configMap/secret/downwardAPI/projected volumes (0644). */
export const DEFAULT_VOLUME_MODE = 0o644;

/**
 * The tag of an image reference as `parsers.ParseImageName` sees it: `latest` when neither tag nor
 * digest is given, '' for digest-only references.
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return name.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

/** SetDefaults_Container's pull policy: Always for `:latest` (or untagged), else IfNotPresent. */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image) return 'IfNotPresent';
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHTTPGet(a: HTTPGetAction | undefined): void {
  if (!a) return;
  a.path ||= '/';
  a.scheme ||= 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  defaultHTTPGet(p.httpGet);
  if (p.grpc && p.grpc.service === undefined) p.grpc.service = '';
}

/** Container defaults (SetDefaults_Container and the nested port/probe/env defaulters), in place. */
export function defaultContainer(c: Container, hostNetwork: boolean): void {
  c.imagePullPolicy ||= defaultPullPolicy(c.image);
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) {
    p.protocol ||= 'TCP';
    if (hostNetwork && !p.hostPort) p.hostPort = p.containerPort;
  }
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.fieldRef;
    if (ref) ref.apiVersion ||= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHTTPGet(c.lifecycle?.postStart?.httpGet);
  defaultHTTPGet(c.lifecycle?.preStop?.httpGet);
  // SetDefaults_Pod: requests default to limits for every resource that has a limit.
  const limits = c.resources.limits;
  if (limits) {
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(limits)) {
      if (!(k in c.resources.requests)) c.resources.requests[k] = v;
    }
  }
}

interface ModeSource {
  defaultMode?: number;
  items?: { fieldRef?: { apiVersion?: string } }[];
  sources?: { serviceAccountToken?: { expirationSeconds?: number }; downwardAPI?: { items?: { fieldRef?: { apiVersion?: string } }[] } }[];
}

/** Volume defaults (SetDefaults_Volume and the per-source defaulters), in place. */
export function defaultVolume(v: Volume): void {
  if (!VOLUME_SOURCES.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  if (v.hostPath && v.hostPath.type === undefined) v.hostPath.type = '';
  if (v.configMap) v.configMap.defaultMode ??= DEFAULT_VOLUME_MODE;
  if (v.secret) v.secret.defaultMode ??= DEFAULT_VOLUME_MODE;
  for (const key of ['downwardAPI', 'projected'] as const) {
    const src = v[key] as ModeSource | undefined;
    if (!src || typeof src !== 'object') continue;
    src.defaultMode ??= DEFAULT_VOLUME_MODE;
    for (const item of src.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ||= 'v1';
    for (const s of src.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      for (const item of s.downwardAPI?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ||= 'v1';
    }
  }
}

/**
 * Applies the v1 defaulters to a pod (SetDefaults_Pod + SetDefaults_PodSpec + nested), in place.
 * Runs on create and update, like kube's decoding does for every write.
 */
export function applyPodDefaults(pod: Pod): void {
  pod.spec ??= { containers: [] };
  const spec = pod.spec;
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  // v1 conversion: serviceAccount is the deprecated alias of serviceAccountName, which wins; reads show both.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.initContainers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.containers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c, hostNetwork);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

const notReadyToleration: Toleration = {
  key: 'node.kubernetes.io/not-ready',
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: 300,
};
const unreachableToleration: Toleration = {
  key: 'node.kubernetes.io/unreachable',
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: 300,
};

/**
 * Update-time admission defaults, so an update with the very manifest the pod was created from is
 * accepted and changes nothing: DefaultTolerationSeconds runs on update as on create, and Priority keeps
 * the priority and preemptionPolicy it set on create when the update leaves them out
 * (`plugin/pkg/admission/defaulttolerationseconds`, `plugin/pkg/admission/priority` Admit on Update).
 */
export function applyUpdateAdmissionDefaults(pod: Pod, old: Pod): void {
  addDefaultTolerations(pod);
  const spec = pod.spec;
  if (spec.priority === undefined && old.spec.priority !== undefined) spec.priority = old.spec.priority;
  if (spec.preemptionPolicy === undefined && old.spec.preemptionPolicy !== undefined) spec.preemptionPolicy = old.spec.preemptionPolicy;
}

/** DefaultTolerationSeconds: not-ready/unreachable NoExecute for 300 s unless already tolerated. */
function addDefaultTolerations(pod: Pod): void {
  const spec = pod.spec;
  const tolerations = spec.tolerations ?? [];
  const tolerates = (key: string): boolean =>
    tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  const added: Toleration[] = [];
  if (!tolerates(notReadyToleration.key ?? '')) added.push({ ...notReadyToleration });
  if (!tolerates(unreachableToleration.key ?? '')) added.push({ ...unreachableToleration });
  if (added.length > 0) spec.tolerations = [...tolerations, ...added];
}

/**
 * Create-time admission defaults: DefaultTolerationSeconds (not-ready/unreachable NoExecute for 300s
 * unless already tolerated) and Priority (priority 0, preemptionPolicy PreemptLowerPriority).
 */
export function applyCreateAdmissionDefaults(pod: Pod): void {
  addDefaultTolerations(pod);
  const spec = pod.spec;
  if (!spec.priorityClassName) {
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
  }
}
