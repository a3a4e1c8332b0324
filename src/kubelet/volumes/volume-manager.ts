// Sets up and tears down a pod's volumes on the host (kubelet volumemanager + plugins).

import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConfigMap, KeyToPath, Pod, Secret, Volume } from '../../api/types.js';
import type { ApiClient } from '../../client/types.js';
import type { EnvFacts, ObjectSource } from '../container/env.js';
import { parseQuantity } from '../container/resources.js';
import { podDir, volumeDir, volumePluginDir, type KubeletPaths } from '../config/paths.js';
import { TokenManager } from '../token/token-manager.js';
import { writeAtomic, type FileProjection } from './atomic-writer.js';
import { setUpEmptyDir, unmountAll } from './empty-dir.js';
import { setUpHostPath } from './host-path.js';
import { setVolumeOwnership } from './ownership.js';
import { resolveClaim } from './persistent-volume.js';
import { configMapData, downwardAPIPayload, keyValuePayload, secretData, VolumeSourceError, type DownwardAPIItem } from './payloads.js';

/** A volume ready to bind-mount: host path and whether the plugin forces read-only. */
export interface MountedVolume {
  name: string;
  hostPath: string;
  /** configMap/secret/downwardAPI/projected are always read-only; a claim with `readOnly: true` too. */
  readOnly: boolean;
}

/** A claim volume recorded by an earlier set-up of the pod, or undefined. */
async function readMounted(path: string): Promise<MountedVolume | undefined> {
  try {
    const m = JSON.parse(await readFile(path, 'utf8')) as MountedVolume;
    return typeof m.hostPath === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The pod's fsGroup and its change policy, when it has one. */
function fsGroupOf(pod: Pod): { gid: number; policy: 'Always' | 'OnRootMismatch' } | undefined {
  const sc = pod.spec.securityContext;
  if (sc?.fsGroup === undefined) return undefined;
  return { gid: sc.fsGroup, policy: sc.fsGroupChangePolicy ?? 'Always' };
}

/** With an fsGroup, payload files of read-only volumes get group read (what SetVolumeOwnership would add). */
function withGroupRead(payload: Map<string, FileProjection>, pod: Pod): Map<string, FileProjection> {
  if (!fsGroupOf(pod)) return payload;
  return new Map([...payload].map(([k, f]) => [k, { ...f, mode: f.mode | 0o440 }]));
}

/** Result of {@link VolumeManager.setUpPodVolumes}: ready volumes and per-volume failures. */
export interface VolumeSetUpResult {
  mounted: Map<string, MountedVolume>;
  errors: { volume: string; message: string }[];
}

interface ProjectedSource {
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIItem[] };
  serviceAccountToken?: { path: string; expirationSeconds?: number; audience?: string };
}

/**
 * Owns `<rootDir>/pods/<uid>/volumes`. Set-up is idempotent and re-run on every sync so configMap/secret
 * changes propagate; teardown unmounts everything under the pod dir and removes it.
 */
export class VolumeManager {
  private readonly tokens: TokenManager | undefined;

  constructor(
    private readonly paths: KubeletPaths,
    private readonly objects: ObjectSource,
    private readonly client: ApiClient | undefined,
  ) {
    this.tokens = client ? new TokenManager(client) : undefined;
  }

  /** Sets up every volume of `pod`; failures are collected per volume (message without the `MountVolume` prefix). */
  async setUpPodVolumes(pod: Pod, facts: EnvFacts): Promise<VolumeSetUpResult> {
    const mounted = new Map<string, MountedVolume>();
    const errors: { volume: string; message: string }[] = [];
    for (const v of pod.spec.volumes ?? []) {
      try {
        mounted.set(v.name, await this.setUp(pod, v, facts));
      } catch (err) {
        errors.push({ volume: v.name, message: (err as Error).message });
      }
    }
    return { mounted, errors };
  }

  private async setUp(pod: Pod, v: Volume, facts: EnvFacts): Promise<MountedVolume> {
    const uid = pod.metadata.uid ?? '';
    const ns = pod.metadata.namespace ?? 'default';
    if (v.hostPath) {
      return { name: v.name, hostPath: await setUpHostPath(v.hostPath.path, v.hostPath.type), readOnly: false };
    }
    if (v.configMap) {
      const dir = volumeDir(this.paths, uid, 'configmap', v.name);
      const name = v.configMap.name ?? '';
      const cm = await this.objects.getConfigMap(ns, name);
      if (!cm && !v.configMap.optional) throw new VolumeSourceError(`configmap "${name}" not found`);
      const payload = keyValuePayload(configMapData(cm), v.configMap.items, v.configMap.defaultMode, v.configMap.optional ?? false, 'configmap');
      await this.writeReadOnly(pod, dir, payload);
      return { name: v.name, hostPath: dir, readOnly: true };
    }
    if (v.secret) {
      const dir = volumeDir(this.paths, uid, 'secret', v.name);
      const name = v.secret.secretName ?? '';
      const s = await this.objects.getSecret(ns, name);
      if (!s && !v.secret.optional) throw new VolumeSourceError(`secret "${name}" not found`);
      const payload = keyValuePayload(secretData(s), v.secret.items, v.secret.defaultMode, v.secret.optional ?? false, 'secret');
      await this.writeReadOnly(pod, dir, payload);
      return { name: v.name, hostPath: dir, readOnly: true };
    }
    if (v.downwardAPI) {
      const dapi = v.downwardAPI as { items?: DownwardAPIItem[]; defaultMode?: number };
      const dir = volumeDir(this.paths, uid, 'downward-api', v.name);
      await this.writeReadOnly(pod, dir, downwardAPIPayload(pod, dapi.items ?? [], dapi.defaultMode, facts));
      return { name: v.name, hostPath: dir, readOnly: true };
    }
    if (v.projected) {
      const proj = v.projected as { sources?: ProjectedSource[]; defaultMode?: number };
      const dir = volumeDir(this.paths, uid, 'projected', v.name);
      await this.writeReadOnly(pod, dir, await this.projectedPayload(pod, proj.sources ?? [], proj.defaultMode, facts));
      return { name: v.name, hostPath: dir, readOnly: true };
    }
    if (v.persistentVolumeClaim) {
      const source = v.persistentVolumeClaim;
      if (!this.client) throw new Error(`persistentVolumeClaim "${source.claimName}" is not supported by this node`);
      // A claim is resolved once per pod, as upstream mounts it once: a running pod keeps its volume even when the
      // claim is deleted meanwhile (it stays Terminating until the pod is gone). The record survives restarts.
      const record = join(volumePluginDir(this.paths, uid, 'persistent-volume-claim', v.name), 'mounted.json');
      const known = await readMounted(record);
      if (known) return known;
      const claim = await resolveClaim(this.client, ns, source.claimName);
      const readOnly = Boolean(source.readOnly);
      // The local plugin sets ownership on the first mount of a writable volume; hostPath volumes are left as they are.
      if (claim.plugin === 'local-volume' && !readOnly) await this.ownOnce(pod, 'local-volume', claim.pvName, claim.hostPath, false);
      const mounted = { name: v.name, hostPath: claim.hostPath, readOnly };
      await mkdir(dirname(record), { recursive: true });
      await writeFile(record, JSON.stringify(mounted));
      return mounted;
    }
    // emptyDir, and a volume with no source (defaults to emptyDir)
    const dir = volumeDir(this.paths, uid, 'empty-dir', v.name);
    const size = v.emptyDir?.sizeLimit !== undefined ? parseQuantity(v.emptyDir.sizeLimit) : 0;
    await this.setUpOnce(pod, 'empty-dir', v.name, dir, false, () => setUpEmptyDir(dir, v.emptyDir?.medium, Math.floor(size)));
    return { name: v.name, hostPath: dir, readOnly: false };
  }

  /** Writes a configMap/secret/downwardAPI/projected payload and, with an fsGroup, group-owns what it wrote (as each remount does). */
  private async writeReadOnly(pod: Pod, dir: string, payload: Map<string, FileProjection>): Promise<void> {
    const written = await writeAtomic(dir, withGroupRead(payload, pod));
    const fsGroup = fsGroupOf(pod);
    if (fsGroup && written) await setVolumeOwnership(dir, fsGroup.gid, { readOnly: true });
  }

  /**
   * SetVolumeOwnership once per pod volume (upstream mounts an emptyDir or a local volume once; later syncs find it
   * set up): the `ready` mark under `pods/<uid>/plugins/kubernetes.io~<plugin>/<name>` records it across restarts.
   */
  private async ownOnce(pod: Pod, plugin: string, name: string, dir: string, readOnly: boolean): Promise<void> {
    return this.setUpOnce(pod, plugin, name, dir, readOnly, async () => {});
  }

  /**
   * Runs `setUp` and the ownership change once per pod volume: a volume found `ready` is left as it is (an emptyDir's
   * mode 0777 must not undo its setgid bit on later syncs).
   */
  private async setUpOnce(pod: Pod, plugin: string, name: string, dir: string, readOnly: boolean, setUp: () => Promise<void>): Promise<void> {
    const fsGroup = fsGroupOf(pod);
    const mark = join(volumePluginDir(this.paths, pod.metadata.uid ?? '', plugin, name), 'ready');
    try {
      await stat(mark);
      await stat(dir);
      return;
    } catch {
      // not set up yet
    }
    await setUp();
    if (fsGroup) await setVolumeOwnership(dir, fsGroup.gid, { readOnly, policy: plugin === 'empty-dir' ? 'Always' : fsGroup.policy });
    await mkdir(dirname(mark), { recursive: true });
    await writeFile(mark, '');
  }

  private async projectedPayload(pod: Pod, sources: ProjectedSource[], defaultMode: number | undefined, facts: EnvFacts): Promise<Map<string, FileProjection>> {
    const ns = pod.metadata.namespace ?? 'default';
    const out = new Map<string, FileProjection>();
    for (const src of sources) {
      if (src.configMap) {
        const name = src.configMap.name ?? '';
        const cm: ConfigMap | undefined = await this.objects.getConfigMap(ns, name);
        if (!cm && !src.configMap.optional) throw new VolumeSourceError(`configmap "${name}" not found`);
        for (const [k, f] of keyValuePayload(configMapData(cm), src.configMap.items, defaultMode, src.configMap.optional ?? false, 'configmap')) out.set(k, f);
      } else if (src.secret) {
        const name = src.secret.name ?? '';
        const s: Secret | undefined = await this.objects.getSecret(ns, name);
        if (!s && !src.secret.optional) throw new VolumeSourceError(`secret "${name}" not found`);
        for (const [k, f] of keyValuePayload(secretData(s), src.secret.items, defaultMode, src.secret.optional ?? false, 'secret')) out.set(k, f);
      } else if (src.downwardAPI) {
        for (const [k, f] of downwardAPIPayload(pod, src.downwardAPI.items ?? [], defaultMode, facts)) out.set(k, f);
      } else if (src.serviceAccountToken) {
        const token = await this.serviceAccountToken(pod, src.serviceAccountToken.expirationSeconds ?? 3600, src.serviceAccountToken.audience);
        // With an fsGroup the token is 0600 before ownership adds group read (projected.go: mode 0600 with FsGroup).
        out.set(src.serviceAccountToken.path, { data: Buffer.from(token), mode: fsGroupOf(pod) ? 0o600 : (defaultMode ?? 0o644) });
      }
    }
    return out;
  }

  /**
   * A token bound to `pod` from the TokenRequest API (token-manager.ts: cached, refreshed after 80 % of its life);
   * '' without an API client. Throws `failed to fetch token: ...` when none can be had.
   */
  private async serviceAccountToken(pod: Pod, expirationSeconds: number, audience: string | undefined): Promise<string> {
    if (!this.tokens) return '';
    return this.tokens.getServiceAccountToken({
      namespace: pod.metadata.namespace ?? 'default',
      serviceAccount: pod.spec.serviceAccountName || pod.spec.serviceAccount || 'default',
      audiences: audience ? [audience] : [],
      expirationSeconds,
      pod: { name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
    });
  }

  /** Unmounts everything under the pod dir (tmpfs emptyDirs first) and removes it. */
  async tearDownPod(uid: string): Promise<void> {
    const dir = podDir(this.paths, uid);
    await unmountAll(dir);
    await rm(dir, { recursive: true, force: true });
    this.tokens?.deleteServiceAccountToken(uid);
  }
}
