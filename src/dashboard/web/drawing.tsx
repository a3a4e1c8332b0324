/**
 * The pod drawn as SVG: one box for the pod (its IP: the shared network namespace, and every container port on
 * it), a box per container in start order (init containers numbered, native sidecars, app containers) with its
 * pattern, image, ports, mounts and current state, and each volume below, joined by a line to every container
 * that mounts it (solid read-write, dashed read-only).
 */
import type { PodDrawing } from './patterns.js';

const W = 210;
const GAP = 26;
const PAD = 18;
const LINE = 15;

/** One container's state word for its box: `Running`, `Waiting: CrashLoopBackOff`, `Terminated: Completed (0)`. */
export function stateText(cs: Record<string, unknown> | undefined): string {
  const state = (cs?.['state'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
  if (state['running']) return cs?.['ready'] ? 'Running, ready' : 'Running';
  if (state['terminated']) return `Terminated: ${String(state['terminated']['reason'] ?? '')} (${String(state['terminated']['exitCode'] ?? '')})`;
  if (state['waiting']) return `Waiting: ${String(state['waiting']['reason'] ?? '')}`;
  return 'not started';
}

/** The SVG of `drawing`; `statuses` are the pod's container statuses by name. */
export function PodDrawingView({ drawing, podName, statuses }: { drawing: PodDrawing; podName: string; statuses: Map<string, Record<string, unknown>> }) {
  const n = Math.max(drawing.containers.length, 1);
  const lines = Math.max(...drawing.containers.map((c) => c.ports.length + c.mounts.length), 0);
  const boxH = 92 + lines * LINE;
  const volW = 170;
  const ports = drawing.containers.flatMap((c) => c.ports.map((p) => `${p.port}/${p.protocol}`));
  const sa = drawing.serviceAccountVolume;
  const net = `network namespace ${drawing.podIP || '(no IP yet)'}${ports.length ? ` · ports ${ports.join(', ')}` : ''}`;
  const token = sa ? `ServiceAccount token ${sa.name}${sa.path ? ` at ${sa.path}` : ''}` : '';
  const top = sa ? 76 : 62;
  const volTop = top + boxH + 70;
  // Monospace text at 11.5 px is about 7 px a character.
  const width = Math.max(PAD * 2 + n * W + (n - 1) * GAP, PAD * 2 + drawing.volumes.length * (volW + GAP), PAD * 2 + 7 * Math.max(net.length, token.length));
  const height = drawing.volumes.length ? volTop + 70 : top + boxH + 30;
  const cx = (i: number): number => PAD + i * (W + GAP);
  const vx = (j: number): number => {
    const total = drawing.volumes.length * volW + (drawing.volumes.length - 1) * GAP;
    return (width - total) / 2 + j * (volW + GAP);
  };
  let initNo = 0;
  return (
    <svg class="drawing" data-testid="pod-drawing" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`pod ${podName}`}>
      <rect class="pod-box" x={4} y={4} width={width - 8} height={height - 8} rx={10} />
      <text class="pod-title" x={PAD} y={26}>Pod {podName}</text>
      <text class="pod-net" x={PAD} y={46} data-testid="pod-ip">{net}</text>
      {token ? <text class="pod-token" x={PAD} y={61}>{token}</text> : null}
      {drawing.volumes.map((v, j) =>
        v.mountedBy.map((name) => {
          const i = drawing.containers.findIndex((c) => c.name === name);
          const ro = drawing.containers[i]?.mounts.filter((m) => m.volume === v.name).every((m) => m.readOnly);
          return <line class={ro ? 'mount ro' : 'mount'} x1={cx(i) + W / 2} y1={top + boxH} x2={vx(j) + volW / 2} y2={volTop} />;
        }),
      )}
      {drawing.containers.map((c, i) => {
        const cs = statuses.get(c.name);
        const kind = c.role === 'init' ? `init container ${++initNo}` : c.role === 'sidecar' ? 'native sidecar' : 'container';
        const rows = [...c.ports.map((p) => `port ${p.port}/${p.protocol}`), ...c.mounts.map((m) => `${m.path} ← ${m.volume} (${m.readOnly ? 'ro' : 'rw'})`)];
        return (
          <g class={`container ${c.pattern}`} data-testid="container-box" data-container={c.name} data-pattern={c.pattern}>
            <title>{c.why}</title>
            <rect x={cx(i)} y={top} width={W} height={boxH} rx={6} />
            <text class="c-kind" x={cx(i) + 10} y={top + 17}>{kind} · {c.pattern}</text>
            <text class="c-name" x={cx(i) + 10} y={top + 36}>{c.name}</text>
            <text class="c-image" x={cx(i) + 10} y={top + 53}>{c.image}</text>
            <text class="c-state" x={cx(i) + 10} y={top + 70}>{stateText(cs)}</text>
            {rows.map((r, k) => <text class="c-row" x={cx(i) + 10} y={top + 88 + k * LINE}>{r}</text>)}
          </g>
        );
      })}
      {drawing.volumes.map((v, j) => (
        <g class="volume" data-testid="volume" data-volume={v.name}>
          <rect x={vx(j)} y={volTop} width={volW} height={44} rx={16} />
          <text class="v-name" x={vx(j) + 12} y={volTop + 19}>{v.name}</text>
          <text class="v-source" x={vx(j) + 12} y={volTop + 35}>{v.source}{v.mountedBy.length ? '' : ' · not mounted'}</text>
        </g>
      ))}
    </svg>
  );
}
