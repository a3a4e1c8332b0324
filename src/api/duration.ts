/**
 * Human-readable durations: kube's HumanDuration (ages in tables) and Go's time.Duration String (back-off text).
 *
 * Mirrors apimachinery `pkg/util/duration/duration.go` (HumanDuration) and Go `time.Duration.String`.
 */

/**
 * HumanDuration of `ms` milliseconds: `<invalid>` below -1s, `0s` for small negatives, then
 * `45s`, `3m20s`, `42m`, `5h3m`, `30h`, `3d4h`, `200d`, `3y10d`, `9y`. Seconds are truncated toward
 * zero like Go's `int(d.Seconds())`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/**
 * Age of an RFC 3339 timestamp at `now` (printers' `translateTimestampSince`): `<unknown>` when the
 * timestamp is absent or unparsable, else HumanDuration(now - t).
 */
export function translateTimestampSince(timestamp: string | null | undefined, now: Date): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

function fracSeconds(totalMs: number): string {
  const s = Math.trunc(totalMs / 1000);
  const rem = totalMs % 1000;
  if (rem === 0) return `${s}s`;
  return `${s}.${String(rem).padStart(3, '0').replace(/0+$/, '')}s`;
}

/**
 * Go's `time.Duration.String()` for `seconds` (millisecond precision): `0s`, `500ms`, `10s`, `1.5s`,
 * `1m20s`, `5m0s`, `1h0m0s`; negative values get a leading `-`. Used for back-off messages such as
 * `back-off 1m20s restarting failed container=...`.
 */
export function goDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  ms = Math.abs(ms);
  if (ms < 1000) return `${sign}${ms}ms`;
  const h = Math.trunc(ms / 3_600_000);
  const m = Math.trunc((ms % 3_600_000) / 60_000);
  const rest = ms % 60_000;
  if (h > 0) return `${sign}${h}h${m}m${fracSeconds(rest)}`;
  if (m > 0) return `${sign}${m}m${fracSeconds(rest)}`;
  return `${sign}${fracSeconds(rest)}`;
}
