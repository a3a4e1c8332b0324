/**
 * The pod drawing's model: the pod's IP and ports, its containers in start order (init containers, native
 * sidecars, app containers) each with the multi-container pattern it plays (main, init, sidecar, ambassador,
 * adapter), and its volumes with the mounts joining them to containers. Pure; built on lint/'s pod model.
 */
import { podModel, type ContainerModel } from '../../lint/pod-model.js';
import { localhostPorts } from '../../lint/shell.js';

/**
 * The part a container plays, in the words of the Kubernetes container design patterns: `init` runs to completion
 * first; `main` is the application (the default container); an `ambassador` proxies the main container's
 * connections (the main container reaches its port on localhost); an `adapter` turns the main container's output
 * into a standard form (it reads a volume the main container writes, and says it formats or exports); a `sidecar`
 * extends the main container otherwise (a native sidecar, or another container of the pod).
 */
export type ContainerPattern = 'init' | 'main' | 'sidecar' | 'ambassador' | 'adapter';

/** One container of the drawing. */
export interface DrawnContainer {
  name: string;
  image: string;
  role: ContainerModel['role'];
  pattern: ContainerPattern;
  /** Why this pattern, one short clause ("main-app reaches localhost:3306"). */
  why: string;
  ports: { port: number; protocol: string }[];
  mounts: { volume: string; path: string; readOnly: boolean }[];
}

/** One volume of the drawing. */
export interface DrawnVolume {
  name: string;
  source: string;
  /** Names of the containers that mount it. */
  mountedBy: string[];
}

/** What the pod drawing shows. */
export interface PodDrawing {
  podIP: string;
  /**
   * The ServiceAccount token volume the ServiceAccount admission plugin adds (`kube-api-access-*`, projected),
   * drawn as one line of the pod box rather than as a volume every container joins; undefined when absent.
   */
  serviceAccountVolume?: { name: string; path: string };
  containers: DrawnContainer[];
  volumes: DrawnVolume[];
}

const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

const ADAPTER_WORDS = /adapter|format|exporter|transform|convert/i;

/** The text a container's program and environment say about where it connects. */
function connectText(c: ContainerModel): string {
  return [c.program?.text ?? '', ...c.envValues].join('\n');
}

/** True when `main` connects to `port` on localhost: `localhost:PORT` anywhere, or env values `localhost` and `PORT`. */
function reaches(main: ContainerModel, port: number): boolean {
  if (localhostPorts(connectText(main)).includes(port)) return true;
  const local = main.envValues.some((v) => v === 'localhost' || v === '127.0.0.1');
  return local && main.envValues.includes(String(port));
}

/**
 * The drawing of `pod` (a core/v1 Pod, read defensively). The main container is the one the
 * `kubectl.kubernetes.io/default-container` annotation names, else the first app container.
 */
export function podDrawing(pod: unknown): PodDrawing {
  const p = rec(pod);
  const spec = rec(p['spec']);
  const model = podModel(spec, 'spec');
  const raw = [...(Array.isArray(spec['initContainers']) ? spec['initContainers'] : []), ...(Array.isArray(spec['containers']) ? spec['containers'] : [])].map(rec);
  const apps = model.containers.filter((c) => c.role === 'app');
  const wanted = rec(rec(p['metadata'])['annotations'])['kubectl.kubernetes.io/default-container'];
  const main = apps.find((c) => c.name === wanted) ?? apps[0];
  const writesShared = (c: ContainerModel, other: ContainerModel): boolean => c.mounts.some((m) => !m.readOnly && other.mounts.some((o) => o.name === m.name));
  const pattern = (c: ContainerModel): { pattern: ContainerPattern; why: string } => {
    if (c.role === 'init') return { pattern: 'init', why: `init container ${c.index + 1}: runs to completion before the next` };
    if (c === main) return { pattern: 'main', why: 'the application (default container)' };
    if (main) {
      const proxied = c.ports.find((port) => reaches(main, port.port));
      if (proxied) return { pattern: 'ambassador', why: `${main.name} reaches localhost:${proxied.port}, which ${c.name} serves` };
      const shared = c.mounts.find((m) => main.mounts.some((o) => o.name === m.name));
      const words = [c.name, raw.find((r) => r['name'] === c.name)?.['image'], ...c.envValues, c.program?.text].join(' ');
      if (shared && writesShared(main, c) && ADAPTER_WORDS.test(words)) return { pattern: 'adapter', why: `turns what ${main.name} writes to ${shared.name} into a standard form` };
      if (shared) return { pattern: 'sidecar', why: `${c.role === 'sidecar' ? 'native sidecar; ' : ''}shares volume ${shared.name} with ${main.name}` };
    }
    return { pattern: 'sidecar', why: c.role === 'sidecar' ? 'native sidecar: starts before the app containers and keeps running' : 'shares the pod network with the main container' };
  };
  const token = model.volumes.find((v) => v.source === 'projected' && v.name.startsWith('kube-api-access-'));
  const containers: DrawnContainer[] = model.containers.map((c) => ({
    name: c.name,
    image: String(raw.find((r) => r['name'] === c.name)?.['image'] ?? ''),
    role: c.role,
    ...pattern(c),
    ports: c.ports.map((port) => ({ port: port.port, protocol: port.protocol })),
    mounts: c.mounts.filter((m) => m.name !== token?.name).map((m) => ({ volume: m.name, path: m.rawPath, readOnly: m.readOnly })),
  }));
  const tokenPath = model.containers.flatMap((c) => c.mounts).find((m) => m.name === token?.name)?.rawPath;
  // Start order: init containers in order (native sidecars among them where declared), then app containers.
  const volumes = model.volumes.filter((v) => v !== token).map((v) => ({ name: v.name, source: v.source, mountedBy: containers.filter((c) => c.mounts.some((m) => m.volume === v.name)).map((c) => c.name) }));
  return { podIP: String(rec(p['status'])['podIP'] ?? ''), containers, volumes, ...(token ? { serviceAccountVolume: { name: token.name, path: tokenPath ?? '' } } : {}) };
}
