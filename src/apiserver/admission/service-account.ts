/**
 * The ServiceAccount admission plugin: a pod created without `serviceAccountName` runs as `default`; the
 * ServiceAccount must exist; unless automounting is off (pod first, then ServiceAccount), a projected
 * `kube-api-access-<5 chars>` volume (token, kube-root-ca.crt's ca.crt, the namespace) is added and mounted at
 * /var/run/secrets/kubernetes.io/serviceaccount in every init and app container; the ServiceAccount's
 * imagePullSecrets become the pod's when it names none.
 *
 * Mirrors kube-apiserver `plugin/pkg/admission/serviceaccount/admission.go` (Admit on create, getServiceAccount's
 * retries for `default`, mountServiceAccountToken, TokenVolumeSource) and its Forbidden messages. Mirror pods
 * (annotation kubernetes.io/config.mirror) are left alone.
 */
import { forbiddenResource, isNotFound } from '../../api/errors.js';
import type { KubeObject, Pod, VolumeMount } from '../../api/types.js';
import { generateName } from '../object-meta.js';
import type { AdmissionAttributes } from '../resource-handler.js';

/** Where the ServiceAccount volume is mounted (DefaultAPITokenMountPath). */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The prefix of the generated volume name (ServiceAccountVolumeName). */
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';
/** The ConfigMap of the cluster CA every namespace has (the root-CA controller's). */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

/** The projected volume source of the ServiceAccount token (TokenVolumeSource). */
export function tokenVolumeSource(): Record<string, unknown> {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/** What the plugin reads. */
export interface ServiceAccountAdmissionDeps {
  /** The ServiceAccount `namespace/name`, undefined when missing. */
  getServiceAccount(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Waits between lookups of a missing `default` ServiceAccount (ms); default 100–200 ms, 10 attempts. */
  retryDelayMs?: () => number;
}

interface ServiceAccount extends KubeObject {
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name?: string }[];
}

/** mountServiceAccountToken: the volume (unless one is there) and a mount in each container without one at the path. */
export function mountServiceAccountToken(pod: Pod, volumeName: () => string = () => generateName(SERVICE_ACCOUNT_VOLUME_PREFIX)): void {
  const spec = pod.spec;
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX));
  const name = existing?.name ?? volumeName();
  const mount: VolumeMount = { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH };
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { ...mount }];
    needed = true;
  }
  if (!existing && needed) spec.volumes = [...(spec.volumes ?? []), { name, projected: tokenVolumeSource() } as never];
}

/** The plugin: mutates a pod being created in place; throws 403 when its ServiceAccount cannot be found. */
export function serviceAccountAdmission(deps: ServiceAccountAdmissionDeps): (a: AdmissionAttributes) => Promise<void> {
  const delay = deps.retryDelayMs ?? (() => 100 + Math.floor(Math.random() * 100));
  const lookup = async (namespace: string, name: string): Promise<ServiceAccount | undefined> => {
    const attempts = name === 'default' ? 10 : 1;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, delay()));
      try {
        const sa = await deps.getServiceAccount(namespace, name);
        if (sa) return sa;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return undefined;
  };
  return async (a) => {
    if (a.group !== '' || a.resource !== 'pods' || a.subresource !== '' || a.operation !== 'CREATE') return;
    const pod = a.object as Pod;
    pod.spec ??= { containers: [] };
    if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
    const spec = pod.spec;
    // v1 conversion: the deprecated serviceAccount field names the account when serviceAccountName does not.
    if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
    spec.serviceAccount = spec.serviceAccountName;
    const name = spec.serviceAccountName;
    const sa = await lookup(a.namespace, name);
    if (!sa) {
      throw forbiddenResource(
        { group: '', resource: 'pods' },
        pod.metadata.name || pod.metadata.generateName || 'Unknown',
        `error looking up service account ${a.namespace}/${name}: serviceaccount ${JSON.stringify(name)} not found`,
      );
    }
    const automount = spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
    if (automount) mountServiceAccountToken(pod);
    if ((spec.imagePullSecrets ?? []).length === 0 && (sa.imagePullSecrets ?? []).length > 0) {
      spec.imagePullSecrets = (sa.imagePullSecrets ?? []).map((s) => ({ name: s.name ?? '' }));
    }
  };
}
