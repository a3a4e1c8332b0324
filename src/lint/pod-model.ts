/**
 * A pod spec as the lint checks read it: containers with their role (init container, native sidecar, app
 * container), ports, normalized mount paths and parsed commands, and volumes with their source — built
 * defensively from any input (a validated Pod at admission, or whatever YAML `k1s lint` was given).
 */
import { containerProgram, type ContainerProgram } from './shell.js';
import type { ContainerList } from './warning.js';

/** When a container runs: a regular init container (alone, in order), a native sidecar, or an app container. */
export type ContainerRole = 'init' | 'sidecar' | 'app';

/** One volumeMounts entry. */
export interface MountModel {
  index: number;
  /** The volume's name. */
  name: string;
  /** As written. */
  rawPath: string;
  /** Normalized: no `//`, `.`, `..` or trailing slash (normalizePath). */
  path: string;
  readOnly: boolean;
  /** subPath or subPathExpr given. */
  subPath: boolean;
}

/** One init or app container. */
export interface ContainerModel {
  name: string;
  list: ContainerList;
  /** Index in its list. */
  index: number;
  /** `spec.containers[1]` (with the spec's own prefix). */
  field: string;
  role: ContainerRole;
  ports: { index: number; port: number; protocol: string }[];
  mounts: MountModel[];
  /** Volumes used as block devices (volumeDevices). */
  devices: string[];
  /** What it runs; undefined when it runs the image's own command. */
  program: ContainerProgram | undefined;
  /** Every env value, for the text checks (`localhost:PORT`). */
  envValues: string[];
}

/** The source kinds the checks tell apart. */
export type VolumeSource = 'emptyDir' | 'hostPath' | 'persistentVolumeClaim' | 'configMap' | 'secret' | 'downwardAPI' | 'projected' | 'other';

/** One spec.volumes entry. */
export interface VolumeModel {
  index: number;
  name: string;
  field: string;
  source: VolumeSource;
  /** The kubelet always mounts it read-only (configMap, secret, downwardAPI, projected), or the claim says readOnly. */
  alwaysReadOnly: boolean;
  /** Directories the volume's payload creates (from `items[].path` with a `/`): mount points that exist in it. */
  payloadDirs: string[];
}

/** A pod spec, ready for the checks. */
export interface PodModel {
  /** Field path of the spec: `spec`, `spec.template.spec`. */
  prefix: string;
  /** Init containers first, then app containers, each in declared order. */
  containers: ContainerModel[];
  volumes: VolumeModel[];
  /** Volume names ephemeral containers mount. */
  ephemeralMounts: string[];
}

const ATOMIC_SOURCES: VolumeSource[] = ['configMap', 'secret', 'downwardAPI', 'projected'];
const SOURCES: VolumeSource[] = ['emptyDir', 'hostPath', 'persistentVolumeClaim', ...ATOMIC_SOURCES];

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const strings = (v: unknown): string[] => list(v).map(str);

/**
 * A mount path without `//`, `.`, `..` segments or a trailing slash: `/data/` and `/data//x/..` are both `/data`.
 * Relative paths stay relative (validation rejects them elsewhere).
 */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return (p.startsWith('/') ? '/' : '') + out.join('/');
}

/** True when `path` is `dir` or lies inside it (both normalized). */
export function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

/** Every `items[].path` anywhere in a volume source (configMap, secret, downwardAPI, projected sources). */
function itemPaths(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(itemPaths);
  if (typeof v !== 'object' || v === null) return [];
  const r = v as Record<string, unknown>;
  const own = list(r['items']).map((it) => str(record(it)['path']));
  return [...own, ...Object.entries(r).filter(([k]) => k !== 'items').flatMap(([, x]) => itemPaths(x))];
}

function volumeModel(raw: unknown, index: number, prefix: string): VolumeModel {
  const v = record(raw);
  const source = SOURCES.find((s) => v[s] !== undefined && v[s] !== null) ?? 'other';
  const claimReadOnly = source === 'persistentVolumeClaim' && record(v['persistentVolumeClaim'])['readOnly'] === true;
  const payloadDirs = ATOMIC_SOURCES.includes(source)
    ? itemPaths(v[source]).filter((p) => p.includes('/')).map((p) => normalizePath(`/${p.slice(0, p.lastIndexOf('/'))}`).slice(1))
    : [];
  return { index, name: str(v['name']), field: `${prefix}.volumes[${index}]`, source, alwaysReadOnly: ATOMIC_SOURCES.includes(source) || claimReadOnly, payloadDirs };
}

function containerModel(raw: unknown, listName: ContainerList, index: number, prefix: string): ContainerModel {
  const c = record(raw);
  const role: ContainerRole = listName === 'containers' ? 'app' : c['restartPolicy'] === 'Always' ? 'sidecar' : 'init';
  const ports = list(c['ports']).map((p, i) => ({ index: i, port: Number(record(p)['containerPort']), protocol: str(record(p)['protocol']) || 'TCP' }));
  const mounts = list(c['volumeMounts']).map((m, i): MountModel => {
    const r = record(m);
    const rawPath = str(r['mountPath']);
    return { index: i, name: str(r['name']), rawPath, path: normalizePath(rawPath), readOnly: r['readOnly'] === true, subPath: Boolean(str(r['subPath']) || str(r['subPathExpr'])) };
  });
  return {
    name: str(c['name']),
    list: listName,
    index,
    field: `${prefix}.${listName}[${index}]`,
    role,
    ports: ports.filter((p) => Number.isInteger(p.port) && p.port > 0),
    mounts,
    devices: list(c['volumeDevices']).map((d) => str(record(d)['name'])),
    program: containerProgram(strings(c['command']), strings(c['args'])),
    envValues: list(c['env']).map((e) => str(record(e)['value'])).filter((v) => v !== ''),
  };
}

/** The model of `spec` (any value; missing or malformed parts read as empty) whose field path is `prefix`. */
export function podModel(spec: unknown, prefix: string): PodModel {
  const s = record(spec);
  return {
    prefix,
    containers: [
      ...list(s['initContainers']).map((c, i) => containerModel(c, 'initContainers', i, prefix)),
      ...list(s['containers']).map((c, i) => containerModel(c, 'containers', i, prefix)),
    ],
    volumes: list(s['volumes']).map((v, i) => volumeModel(v, i, prefix)),
    ephemeralMounts: list(s['ephemeralContainers']).flatMap((c) => list(record(c)['volumeMounts']).map((m) => str(record(m)['name']))),
  };
}

/** How a message names a container: `container "app"`, `init container "setup"`, `native sidecar "proxy"`. */
export function describeContainer(c: ContainerModel): string {
  return `${c.role === 'app' ? 'container' : c.role === 'init' ? 'init container' : 'native sidecar'} "${c.name}"`;
}

/** The container a warning is about, for LintWarning.container. */
export function containerRef(c: ContainerModel): { list: ContainerList; name: string } {
  return { list: c.list, name: c.name };
}
