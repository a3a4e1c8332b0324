// The injectable clock the kubelet reads for back-off, grace periods and timestamps (tests drive it by hand).

/** A source of time in ms since the epoch. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const realClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private t = Date.parse('2025-01-01T00:00:00Z')) {}
  now(): number {
    return this.t;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.t += ms;
  }
}

/** RFC 3339 with second precision, as meta/v1 Time serializes (`2025-01-01T00:00:00Z`). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Formats a duration the way Go's time.Duration.String does for whole seconds: `10s`, `1m20s`, `5m0s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
