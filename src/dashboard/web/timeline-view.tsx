/**
 * The lifecycle timeline as SVG: one row per container (waiting amber, running green, terminated grey, red when
 * it failed), restart marks, probe failures, and a last row with the pod's events, on one time axis. Each bar
 * carries its state, reason and times as data attributes and a tooltip.
 */
import type { Mark, Timeline } from './timeline.js';

const LEFT = 190;
const ROW = 30;
const WIDTH = 980;

const clock = (t: number): string => new Date(t).toLocaleTimeString([], { hour12: false });

function markTitle(m: Mark): string {
  return `${clock(m.at)} ${m.type} ${m.reason}${m.count > 1 ? ` (×${m.count})` : ''}: ${m.message}`;
}

export function TimelineView({ timeline }: { timeline: Timeline }) {
  // At least 10 s across, so a pod seen in its first second still reads as a time axis.
  const span = Math.max(timeline.end - timeline.start, 10_000);
  const x = (t: number): number => LEFT + ((t - timeline.start) / span) * (WIDTH - LEFT - 16);
  const height = 30 + (timeline.rows.length + 1) * ROW + 10;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => timeline.start + f * span);
  const eventsY = 30 + timeline.rows.length * ROW;
  return (
    <svg class="timeline" data-testid="timeline" width={WIDTH} height={height} viewBox={`0 0 ${WIDTH} ${height}`}>
      {ticks.map((t, i) => (
        <g class="tick">
          <line x1={x(t)} y1={18} x2={x(t)} y2={height - 6} />
          <text x={x(t)} y={13} text-anchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}>{clock(t)}</text>
        </g>
      ))}
      {timeline.rows.map((row, r) => {
        const y = 30 + r * ROW;
        return (
          <g class="t-row" data-testid="timeline-row" data-container={row.name} data-restarts={row.restarts}>
            <text class="t-label" x={8} y={y + 18}>
              {row.kind === 'app' ? '' : row.kind === 'init' ? 'init · ' : 'sidecar · '}{row.name}{row.restarts ? ` · restarts ${row.restarts}` : ''}
            </text>
            {row.segments.map((s) => {
              const w = Math.max(x(s.to) - x(s.from), 2);
              const failed = s.state === 'terminated' && s.exitCode !== undefined && s.exitCode !== 0;
              const label = s.state === 'running' ? 'Running' : `${s.state === 'waiting' ? 'Waiting' : 'Terminated'}: ${s.reason}${s.exitCode !== undefined ? ` (exit ${s.exitCode})` : ''}`;
              return (
                <g class={`seg ${s.state}${failed ? ' failed' : ''}`} data-testid="segment" data-state={s.state} data-reason={s.reason} data-exit-code={s.exitCode} data-from={s.from} data-to={s.to}>
                  <title>{`${row.name}: ${label} ${clock(s.from)}–${clock(s.to)}`}</title>
                  <rect x={x(s.from)} y={y + 4} width={w} height={ROW - 8} rx={3} />
                  {w > 70 ? <text x={x(s.from) + 5} y={y + 19}>{s.state === 'running' ? 'Running' : `${s.reason}${s.exitCode ? ` (exit ${s.exitCode})` : ''}`}</text> : null}
                </g>
              );
            })}
            {row.restartMarks.map((t) => (
              <g class="restart" data-testid="restart-mark">
                <title>{`${row.name} restarted at ${clock(t)}`}</title>
                <line x1={x(t)} y1={y + 1} x2={x(t)} y2={y + ROW - 1} />
              </g>
            ))}
            {row.marks.map((m) => (
              <g class={m.probe ? 'mark probe' : `mark ${m.type}`} data-testid={m.probe ? 'probe-failure' : 'container-event'} data-reason={m.reason}>
                <title>{markTitle(m)}</title>
                <circle cx={x(m.at)} cy={y + ROW / 2} r={m.probe ? 5 : 3} />
              </g>
            ))}
          </g>
        );
      })}
      <g class="t-row events">
        <text class="t-label" x={8} y={eventsY + 18}>pod events</text>
        {[...timeline.podMarks, ...timeline.rows.flatMap((r) => r.marks)].sort((a, b) => a.at - b.at).map((m) => (
          <g class={`mark ${m.type}`} data-testid="pod-event" data-reason={m.reason}>
            <title>{markTitle(m)}</title>
            <path d={`M ${x(m.at)} ${eventsY + 6} l 5 9 l -10 0 z`} />
          </g>
        ))}
      </g>
    </svg>
  );
}
