/**
 * The lifecycle timeline's model: for each container a row of waiting / running / terminated segments over time
 * (with reasons and exit codes), its restarts and probe failures, and the pod's events on the same time axis.
 * Runs are remembered across the pod's watch updates (History), so a crash-looping container shows each run
 * it was seen to make, not only the last one the status keeps. Pure: times are milliseconds since the epoch.
 */

/** A container state over an interval, in the words of core/v1 ContainerState. */
export interface Segment {
  state: 'waiting' | 'running' | 'terminated';
  /** `ContainerCreating`, `PodInitializing`, `CrashLoopBackOff`, `Completed`, `Error`; `` for running. */
  reason: string;
  from: number;
  to: number;
  /** The exit code of the run this segment follows (terminated, or waiting in back-off after it). */
  exitCode?: number;
}

/** An event or probe failure at one time. */
export interface Mark {
  at: number;
  reason: string;
  message: string;
  type: string;
  count: number;
  /** True for a failed probe (reason Unhealthy). */
  probe: boolean;
}

/** One container's row. */
export interface TimelineRow {
  name: string;
  kind: 'init' | 'sidecar' | 'app';
  segments: Segment[];
  restarts: number;
  /** When a run ended and the container was started again. */
  restartMarks: number[];
  marks: Mark[];
}

/** The whole timeline: rows in start order and the pod's own events, on [start, end]. */
export interface Timeline {
  start: number;
  end: number;
  rows: TimelineRow[];
  podMarks: Mark[];
}

interface Run {
  from: number;
  to?: number;
  reason?: string;
  exitCode?: number;
}

interface Waiting {
  reason: string;
  first: number;
  last: number;
}

const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(rec) : []);
const time = (v: unknown): number | undefined => {
  if (typeof v !== 'string' || !v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
};

/** Everything seen of one pod's containers across its watch updates. */
export class History {
  private readonly runs = new Map<string, Map<number, Run>>();
  private readonly waits = new Map<string, Waiting[]>();

  /** Records what the status of `pod` (a core/v1 Pod) says at time `now`. */
  observe(pod: unknown, now: number): void {
    const status = rec(rec(pod)['status']);
    for (const cs of [...arr(status['initContainerStatuses']), ...arr(status['containerStatuses'])]) {
      const name = String(cs['name'] ?? '');
      const runs = this.runs.get(name) ?? new Map<number, Run>();
      this.runs.set(name, runs);
      for (const st of [rec(rec(cs['lastState'])['terminated']), rec(rec(cs['state'])['terminated'])]) {
        const from = time(st['startedAt']);
        const to = time(st['finishedAt']);
        if (from === undefined) continue;
        runs.set(from, { from, ...(to !== undefined ? { to } : {}), reason: String(st['reason'] ?? ''), ...(typeof st['exitCode'] === 'number' ? { exitCode: st['exitCode'] } : {}) });
      }
      const running = time(rec(rec(cs['state'])['running'])['startedAt']);
      if (running !== undefined && !runs.get(running)?.to) runs.set(running, { from: running });
      const waiting = rec(rec(cs['state'])['waiting']);
      if (rec(cs['state'])['waiting'] !== undefined) {
        const reason = String(waiting['reason'] ?? 'Waiting');
        const list = this.waits.get(name) ?? [];
        this.waits.set(name, list);
        const last = list[list.length - 1];
        if (last && last.reason === reason) last.last = now;
        else list.push({ reason, first: now, last: now });
      }
    }
  }

  /** The runs seen of container `name`, oldest first. */
  runsOf(name: string): Run[] {
    return [...(this.runs.get(name)?.values() ?? [])].sort((a, b) => a.from - b.from);
  }

  /** The waiting reasons seen of container `name`, in order. */
  waitsOf(name: string): Waiting[] {
    return this.waits.get(name) ?? [];
  }
}

/** The time an event happened last: eventTime, lastTimestamp, firstTimestamp or its creation. */
export function eventTime(ev: unknown): number | undefined {
  const e = rec(ev);
  return time(e['eventTime']) ?? time(e['lastTimestamp']) ?? time(e['series'] && rec(e['series'])['lastObservedTime']) ?? time(e['firstTimestamp']) ?? time(rec(e['metadata'])['creationTimestamp']);
}

/** The container an event's involvedObject.fieldPath names (`spec.containers{app}` → `app`), or undefined. */
export function eventContainer(ev: unknown): string | undefined {
  const m = /^spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}/.exec(String(rec(rec(ev)['involvedObject'])['fieldPath'] ?? ''));
  return m?.[1];
}

function markOf(ev: Record<string, unknown>, at: number): Mark {
  const reason = String(ev['reason'] ?? '');
  return { at, reason, message: String(ev['message'] ?? ''), type: String(ev['type'] ?? 'Normal'), count: typeof ev['count'] === 'number' ? ev['count'] : 1, probe: reason === 'Unhealthy' };
}

/** The segments of one container from its runs, the waiting reasons seen, and its current state, up to `now`. */
function segmentsOf(runs: Run[], waits: Waiting[], current: Record<string, unknown>, podStart: number, now: number, before: string): Segment[] {
  const segments: Segment[] = [];
  const waitingNow = current['waiting'] !== undefined ? String(rec(current['waiting'])['reason'] ?? 'Waiting') : undefined;
  const reasonIn = (from: number, to: number, fallback: string): string => waits.find((w) => w.last >= from && w.first <= to)?.reason ?? fallback;
  const firstFrom = runs[0]?.from ?? now;
  if (firstFrom > podStart) segments.push({ state: 'waiting', reason: runs.length ? reasonIn(podStart, firstFrom, before) : (waitingNow ?? reasonIn(podStart, now, 'Waiting')), from: podStart, to: firstFrom });
  runs.forEach((run, i) => {
    const to = run.to ?? now;
    segments.push({ state: 'running', reason: '', from: run.from, to });
    if (run.to === undefined) return;
    const next = runs[i + 1];
    const gapEnd = next?.from ?? now;
    const ended: Segment = { state: 'terminated', reason: run.reason || 'Terminated', from: run.to, to: gapEnd, ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}) };
    if (!next && waitingNow) segments.push({ ...ended, state: 'waiting', reason: waitingNow });
    else segments.push(ended);
  });
  return segments.filter((s) => s.to >= s.from);
}

/**
 * The timeline of `pod` at `now` from `history` (which has observed it) and `events` (core/v1 Events of the
 * pod). Rows follow the spec's order: init containers (and native sidecars) then app containers.
 */
export function buildTimeline(pod: unknown, events: readonly unknown[], history: History, now: number): Timeline {
  const p = rec(pod);
  const spec = rec(p['spec']);
  const status = rec(p['status']);
  const created = time(rec(p['metadata'])['creationTimestamp']) ?? now;
  const statuses = new Map([...arr(status['initContainerStatuses']), ...arr(status['containerStatuses'])].map((cs) => [String(cs['name'] ?? ''), cs]));
  const evs = events.map(rec).flatMap((e) => {
    const at = eventTime(e);
    return at === undefined ? [] : [{ e, at }];
  });
  const podStart = Math.min(created, time(status['startTime']) ?? created);
  const inits = arr(spec['initContainers']);
  const rows: TimelineRow[] = [...inits.map((c) => ({ c, kind: c['restartPolicy'] === 'Always' ? ('sidecar' as const) : ('init' as const) })), ...arr(spec['containers']).map((c) => ({ c, kind: 'app' as const }))].map(({ c, kind }, i) => {
    const name = String(c['name'] ?? '');
    const cs = statuses.get(name) ?? {};
    const runs = history.runsOf(name);
    // Unseen waits read as the kubelet reports them: PodInitializing behind an init container, else ContainerCreating.
    const before = inits.slice(0, i).length > 0 ? 'PodInitializing' : 'ContainerCreating';
    const segments = segmentsOf(runs, history.waitsOf(name), rec(cs['state']), podStart, now, before);
    return {
      name,
      kind,
      segments,
      restarts: typeof cs['restartCount'] === 'number' ? cs['restartCount'] : 0,
      restartMarks: runs.slice(1).map((r) => r.from),
      marks: evs.filter(({ e }) => eventContainer(e) === name).map(({ e, at }) => markOf(e, at)),
    };
  });
  const podMarks = evs.filter(({ e }) => eventContainer(e) === undefined).map(({ e, at }) => markOf(e, at));
  const times = [podStart, ...evs.map((x) => x.at), ...rows.flatMap((r) => r.segments.map((s) => s.from))];
  return { start: Math.min(...times), end: Math.max(now, ...evs.map((x) => x.at)), rows, podMarks };
}
