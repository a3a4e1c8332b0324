// Time formatting the kubelet writes into statuses, events and messages (the clock itself is api/clock.ts).

import { goDuration as apiGoDuration } from '../../api/duration.js';
import { rfc3339 as apiRfc3339 } from '../../api/meta.js';

/** RFC 3339 with second precision, as meta/v1 Time serializes (`2025-01-01T00:00:00Z`), of epoch `ms`. */
export function rfc3339(ms: number): string {
  return apiRfc3339(new Date(ms));
}

/** Formats a duration the way Go's time.Duration.String does for whole seconds: `10s`, `1m20s`, `5m0s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  return apiGoDuration(Math.round(ms / 1000));
}
