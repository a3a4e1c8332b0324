/**
 * `k1s crictl pods|ps|images|inspect|inspectp|logs|stats|exec`: a subset of crictl's commands and output columns
 * (kubernetes-sigs/cri-tools) against the data dir's CRI socket, on the project's CRI client, as `k3s crictl`
 * ships crictl preconfigured. Read-only except `exec`; it never starts containerd.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { runtimePaths } from '../containerd/paths.js';
import { createCriClient, waitForCri, type CriClient } from '../cri/client.js';
import type { ContainerStats, CriContainer, CriImage, PodSandbox } from '../cri/types.js';
import { StartupError } from './error-line.js';
import { UsageError } from './flags.js';

/** go-units HumanDuration, as crictl prints CREATED (`2 hours`, `About a minute`). */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const min = Math.floor(s / 60);
  if (min === 1) return 'About a minute';
  if (min < 60) return `${min} minutes`;
  const h = Math.round(min / 60);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

/** Rows as crictl's tabwriter prints them: columns padded to the widest cell plus 3 spaces. */
export function formatTable(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('')).join('\n') + '\n';
}

function created(nanos: number, now: number): string {
  return `${humanDuration(now - nanos / 1e6)} ago`;
}

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 13);

/** `crictl pods`: POD ID, CREATED, STATE, NAME, NAMESPACE, ATTEMPT, RUNTIME; newest first. */
export function podsTable(pods: readonly PodSandbox[], now = Date.now()): string {
  const rows = [['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']];
  for (const p of [...pods].sort((a, b) => b.createdAt - a.createdAt)) {
    rows.push([shortId(p.id), created(p.createdAt, now), p.state === 'SANDBOX_READY' ? 'Ready' : 'NotReady', p.metadata?.name ?? '', p.metadata?.namespace ?? '', String(p.metadata?.attempt ?? 0), p.runtimeHandler || '(default)']);
  }
  return formatTable(rows);
}

/** `crictl ps`: CONTAINER, IMAGE, CREATED, STATE, NAME, ATTEMPT, POD ID, POD; newest first. */
export function containersTable(containers: readonly CriContainer[], pods: readonly PodSandbox[], now = Date.now()): string {
  const podName = new Map(pods.map((p) => [p.id, p.metadata?.name ?? '']));
  const rows = [['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD']];
  for (const c of [...containers].sort((a, b) => b.createdAt - a.createdAt)) {
    const state = c.state.replace(/^CONTAINER_/, '');
    rows.push([
      shortId(c.id),
      shortId(c.imageRef || c.image?.image || ''),
      created(c.createdAt, now),
      state.charAt(0) + state.slice(1).toLowerCase(),
      c.metadata?.name ?? '',
      String(c.metadata?.attempt ?? 0),
      shortId(c.podSandboxId),
      podName.get(c.podSandboxId) ?? '',
    ]);
  }
  return formatTable(rows);
}

function formatSize(bytes: number): string {
  if (bytes >= 1000 * 1000 * 1000) return `${(bytes / 1e9).toFixed(3)}GB`;
  if (bytes >= 1000 * 1000) return `${(bytes / 1e6).toFixed(3).replace(/\.?0+$/, '')}MB`;
  if (bytes >= 1000) return `${(bytes / 1e3).toFixed(3).replace(/\.?0+$/, '')}kB`;
  return `${bytes}B`;
}

/** `crictl images`: IMAGE, TAG, IMAGE ID, SIZE; one row a tag (`<none>` for untagged). */
export function imagesTable(images: readonly CriImage[]): string {
  const rows = [['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']];
  for (const img of images) {
    const tags = img.repoTags.length ? img.repoTags : ['<none>:<none>'];
    for (const ref of tags) {
      const at = ref.lastIndexOf(':');
      const slash = ref.lastIndexOf('/');
      const [repo, tag] = at > slash ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, '<none>'];
      rows.push([repo, tag, shortId(img.id), formatSize(img.size)]);
    }
  }
  return formatTable(rows);
}

/**
 * go-units HumanSize, as crictl prints MEM, DISK and SWAP: decimal units (B, kB, MB, GB, …), 4 significant
 * digits without trailing zeros (`0B`, `1.5MB`, `12.35kB`, `1000kB`).
 */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(4))}${units[i]}`;
}

/**
 * `crictl stats`: CONTAINER, NAME, CPU %, MEM, DISK, INODES, SWAP from two ListContainerStats samples (`before`
 * taken the sample duration earlier). CPU % is the growth of usageCoreNanoSeconds over the growth of the CPU
 * timestamp × 100 (100 = one core busy); MEM is the working set; DISK and INODES the writable layer's use.
 * Without `all`, containers with neither CPU nor memory use (not running) are left out; containers absent from
 * `before` are left out as crictl does. Sorted by container id. Throws when a running container's CPU
 * timestamp did not move between the samples (crictl's "cpu stat is not updated during sample").
 */
export function statsTable(before: readonly ContainerStats[], after: readonly ContainerStats[], all = false): string {
  const old = new Map(before.map((s) => [s.attributes?.id ?? '', s]));
  const rows = [['CONTAINER', 'NAME', 'CPU %', 'MEM', 'DISK', 'INODES', 'SWAP']];
  const sorted = [...after].sort((a, b) => ((a.attributes?.id ?? '') < (b.attributes?.id ?? '') ? -1 : 1));
  for (const s of sorted) {
    const id = s.attributes?.id ?? '';
    const cpu = s.cpu?.usageCoreNanoSeconds?.value ?? 0;
    const mem = s.memory?.workingSetBytes?.value ?? 0;
    if (!all && cpu === 0 && mem === 0) continue;
    const prev = old.get(id);
    if (prev === undefined) continue;
    let percent = 0;
    if (cpu !== 0) {
      const elapsed = (s.cpu?.timestamp ?? 0) - (prev.cpu?.timestamp ?? 0);
      if (elapsed === 0) throw new Error(`k1s crictl stats: the CPU stats of container "${shortId(id)}" did not change during the sample`);
      percent = ((cpu - (prev.cpu?.usageCoreNanoSeconds?.value ?? 0)) / elapsed) * 100;
    }
    rows.push([
      shortId(id),
      s.attributes?.metadata?.name ?? '',
      percent.toFixed(2),
      humanSize(mem),
      humanSize(s.writableLayer?.usedBytes?.value ?? 0),
      String(s.writableLayer?.inodesUsed?.value ?? 0),
      humanSize(s.swap?.swapUsageBytes?.value ?? 0),
    ]);
  }
  return formatTable(rows);
}

/**
 * The message lines of a CRI log file (`2024-01-01T00:00:00.000Z stdout F hello`), joining partial (P) lines,
 * with their stream; the last `tail` lines when given (crictl logs --tail).
 */
export function parseCriLog(text: string, tail?: number): Array<{ stream: 'stdout' | 'stderr'; line: string }> {
  const out: Array<{ stream: 'stdout' | 'stderr'; line: string }> = [];
  let partial = '';
  for (const raw of text.split('\n')) {
    const m = /^(\S+) (stdout|stderr) ([PF]) ?(.*)$/.exec(raw);
    if (!m) continue;
    if (m[3] === 'P') {
      partial += m[4];
      continue;
    }
    out.push({ stream: m[2] as 'stdout' | 'stderr', line: partial + m[4]! });
    partial = '';
  }
  return tail !== undefined ? out.slice(Math.max(0, out.length - tail)) : out;
}

/** The one id in `ids` starting with `prefix` (crictl takes unique prefixes); throws UsageError for none or several. */
export function matchId(prefix: string, ids: readonly string[], what: string): string {
  const found = ids.filter((id) => id.startsWith(prefix));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new UsageError(`k1s crictl: no ${what} "${prefix}"`);
  throw new UsageError(`k1s crictl: ${what} id "${prefix}" is ambiguous (${found.length} match): give more of it`);
}

/** Connects to DATA_DIR's containerd; throws StartupError when no server runs there. */
async function connect(dataDir: string): Promise<CriClient> {
  const socket = runtimePaths(dataDir).socket;
  if (!existsSync(socket)) throw new StartupError(`k1s crictl: no containerd socket at ${socket}: start 'k1s server --data-dir ${dataDir}' first`);
  await waitForCri(socket, { timeoutMs: 3_000 }).catch((err: unknown) => {
    throw new StartupError(`k1s crictl: containerd at ${socket} does not answer: is 'k1s server --data-dir ${dataDir}' running?`, { cause: err });
  });
  return createCriClient(socket);
}

/** What main.ts passes a crictl subcommand. */
export interface CrictlOptions {
  dataDir: string;
  args: string[];
  all?: boolean;
  /** `exec -i`: stream this process's stdin to the command. */
  interactive?: boolean;
  /** `exec -t`: give the command a terminal. */
  tty?: boolean;
  tail?: number;
  /** `stats`: seconds between the two samples CPU % is computed from (crictl's --seconds, default 1). */
  seconds?: number;
}

/** Runs `k1s crictl SUB`; output on stdout; `exec` sets the process exit code to the command's. */
export async function runCrictl(sub: string, options: CrictlOptions): Promise<void> {
  const cri = await connect(options.dataDir);
  try {
    const { runtime, images } = cri;
    const containerId = async (prefix: string | undefined) => {
      if (prefix === undefined) throw new UsageError(`k1s crictl ${sub}: give a container id; see 'k1s crictl ps -a'`);
      return matchId(prefix, (await runtime.listContainers()).map((c) => c.id), 'container');
    };
    switch (sub) {
      case 'pods':
        process.stdout.write(podsTable(await runtime.listPodSandbox()));
        return;
      case 'ps': {
        const all = await runtime.listContainers();
        const shown = options.all ? all : all.filter((c) => c.state === 'CONTAINER_RUNNING');
        process.stdout.write(containersTable(shown, await runtime.listPodSandbox()));
        return;
      }
      case 'images':
        process.stdout.write(imagesTable(await images.listImages()));
        return;
      case 'inspect':
        process.stdout.write(`${JSON.stringify({ status: await runtime.containerStatus(await containerId(options.args[0])) }, null, 2)}\n`);
        return;
      case 'inspectp': {
        const prefix = options.args[0];
        if (prefix === undefined) throw new UsageError("k1s crictl inspectp: give a pod sandbox id; see 'k1s crictl pods'");
        const id = matchId(prefix, (await runtime.listPodSandbox()).map((p) => p.id), 'pod sandbox');
        process.stdout.write(`${JSON.stringify({ status: await runtime.podSandboxStatus(id) }, null, 2)}\n`);
        return;
      }
      case 'logs': {
        const status = await runtime.containerStatus(await containerId(options.args[0]));
        const text = await readFile(status.logPath, 'utf8').catch((err: unknown) => {
          throw new StartupError(`k1s crictl logs: cannot read the log file "${status.logPath}"`, { cause: err });
        });
        for (const { stream, line } of parseCriLog(text, options.tail)) (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`);
        return;
      }
      case 'stats': {
        const filter = options.args[0] !== undefined ? { id: await containerId(options.args[0]) } : {};
        const before = await runtime.listContainerStats(filter);
        await new Promise((r) => setTimeout(r, (options.seconds ?? 1) * 1000));
        process.stdout.write(statsTable(before, await runtime.listContainerStats(filter), options.all));
        return;
      }
      case 'exec': {
        const [prefix, ...cmd] = options.args;
        const id = await containerId(prefix);
        if (cmd.length === 0) throw new UsageError('k1s crictl exec: give the command to run after the container id');
        if (options.interactive || options.tty) {
          const { streamExec } = await import('./crictl-exec-stream.js');
          process.exitCode = await streamExec(runtime, id, cmd, { interactive: options.interactive ?? false, tty: options.tty ?? false });
          return;
        }
        const r = await runtime.execSync(id, cmd, 0);
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
        process.exitCode = r.exitCode;
        return;
      }
      default:
        throw new Error(`k1s crictl: no runner for "${sub}"`);
    }
  } finally {
    cri.close();
  }
}
