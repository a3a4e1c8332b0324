// Container environment variables (kubelet_pods.go `makeEnvironmentVariables`).

import type { ConfigMap, Container, Pod, Secret } from '../../api/types.js';
import { expand } from './expand.js';
import { resourceValue } from './resources.js';

/** A failure to build the container config; becomes waiting reason `CreateContainerConfigError`. */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/** Reads the objects env may refer to; resolves undefined when the object does not exist. */
export interface ObjectSource {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** Runtime facts env may refer to (downward API). */
export interface EnvFacts {
  podIP: string;
  podIPs: string[];
  hostIP: string;
  nodeName: string;
  /** Node allocatable (`cpu` cores as string, `memory` bytes as string) used when limits are unset. */
  allocatable: Record<string, string>;
}

function decodeSecret(v: string): string {
  return Buffer.from(v, 'base64').toString('utf8');
}

/** Resolves a downward-API field path (`metadata.name`, `metadata.labels['k']`, `status.podIP`...). */
export function podFieldValue(pod: Pod, fieldPath: string, facts: EnvFacts): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? facts.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return facts.hostIP;
    case 'status.podIP':
      return facts.podIP;
    case 'status.podIPs':
      return facts.podIPs.join(',');
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/**
 * Builds the environment of `container` in `pod` (`makeEnvironmentVariables`): envFrom sources in order (later overwrite
 * earlier), then `env` entries with `$(VAR)` expansion against already-defined variables, then the service
 * variables (`serviceEnv`, envvars.ts) — which `$(VAR)` also sees — for every name the container does not set
 * itself (valueFrom results are never expanded). Returns an ordered name → value map. Throws
 * ContainerConfigError with kubelet's messages (`configmap "x" not found`, `couldn't find key K in ConfigMap
 * ns/x`, ...) when a required source is missing.
 */
export async function makeEnvironmentVariables(
  pod: Pod,
  container: Container,
  objects: ObjectSource,
  facts: EnvFacts,
  serviceEnv: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, string>> {
  const ns = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await objects.getConfigMap(ns, name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env.set(prefix + k, v);
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const s = await objects.getSecret(ns, name);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) env.set(prefix + k, decodeSecret(v));
    }
  }

  for (const e of container.env ?? []) {
    if (e.value !== undefined && e.value !== '' ) {
      env.set(e.name, expand(e.value, (n) => env.get(n) ?? serviceEnv.get(n)));
      continue;
    }
    const src = e.valueFrom;
    if (!src) {
      env.set(e.name, '');
      continue;
    }
    if (src.fieldRef) {
      env.set(e.name, podFieldValue(pod, src.fieldRef.fieldPath, facts));
    } else if (src.resourceFieldRef) {
      env.set(e.name, resourceValue(pod, container, src.resourceFieldRef, facts.allocatable));
    } else if (src.configMapKeyRef) {
      const { name = '', key, optional } = src.configMapKeyRef;
      const cm = await objects.getConfigMap(ns, name);
      if (!cm) {
        if (optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      const v = cm.data?.[key] ?? (cm.binaryData?.[key] !== undefined ? decodeSecret(cm.binaryData[key]!) : undefined);
      if (v === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
      }
      env.set(e.name, v);
    } else if (src.secretKeyRef) {
      const { name = '', key, optional } = src.secretKeyRef;
      const s = await objects.getSecret(ns, name);
      if (!s) {
        if (optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      const v = s.data?.[key];
      if (v === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
      }
      env.set(e.name, decodeSecret(v));
    }
  }
  for (const [k, v] of serviceEnv) if (!env.has(k)) env.set(k, v);
  return env;
}

/** Expands `$(VAR)` in command and args with the final environment (`ExpandContainerCommandAndArgs`). */
export function expandCommandAndArgs(container: Container, env: Map<string, string>): { command: string[]; args: string[] } {
  const lookup = (n: string): string | undefined => env.get(n);
  return {
    command: (container.command ?? []).map((c) => expand(c, lookup)),
    args: (container.args ?? []).map((a) => expand(a, lookup)),
  };
}

/**
 * Expands a `subPathExpr` (`ExpandContainerVolumeMounts`): every referenced variable must exist and be non-empty,
 * else throws ContainerConfigError `missing value for A, B`.
 */
export function expandSubPathExpr(expr: string, env: Map<string, string>): string {
  const missing: string[] = [];
  const out = expand(expr, (n) => {
    const v = env.get(n);
    return v === undefined || v === '' ? undefined : v;
  }, (n) => missing.push(n));
  if (missing.length) throw new ContainerConfigError(`missing value for ${missing.join(', ')}`);
  return out;
}
