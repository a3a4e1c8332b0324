// The injectable clock the kubelet reads for back-off, grace periods and timestamps (tests drive it by hand).

import { goDuration as apiGoDuration } from '../../api/duration.js';
import { rfc3339 as apiRfc3339 } from '../../api/meta.js';

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

/** RFC 3339 with second precision, as meta/v1 Time serializes (`2025-01-01T00:00:00Z`), of epoch `ms`. */
export function rfc3339(ms: number): string {
  return apiRfc3339(new Date(ms));
}

/** Formats a duration the way Go's time.Duration.String does for whole seconds: `10s`, `1m20s`, `5m0s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  return apiGoDuration(Math.round(ms / 1000));
}
