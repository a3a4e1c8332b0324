/**
 * Evaluation of a pod against a Pod Security Standards level: which checks run (restricted: the baseline checks it
 * does not replace, then its own), in upstream's order, and the aggregated reason and detail texts.
 *
 * Mirrors k8s.io/pod-security-admission `policy/registry.go` (baseline IDs then restricted IDs, each sorted) and
 * `policy/checks.go` AggregateCheckResults (ForbiddenReason, ForbiddenDetail) at v0.32.
 */
import { BASELINE_CHECKS } from './baseline.js';
import type { Check, CheckFailure, PodLike } from './check-helpers.js';
import { RESTRICTED_CHECKS } from './restricted.js';

export type { CheckFailure, PodLike } from './check-helpers.js';

/** Every check; evaluation orders baseline IDs, then restricted IDs, each sorted (byte order). */
export const CHECKS: readonly Check[] = [...BASELINE_CHECKS, ...RESTRICTED_CHECKS];

const byId = (a: Check, b: Check): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ORDERED = [...CHECKS.filter((c) => c.level === 'baseline').sort(byId), ...CHECKS.filter((c) => c.level === 'restricted').sort(byId)];

/** The level a pod is evaluated at. */
export type Level = 'privileged' | 'baseline' | 'restricted';

/**
 * The failures of `pod` at `level` and minor version `minor` (1.x; latest = the newest minor), in upstream's order.
 * Privileged allows everything; restricted runs the baseline checks it does not override, then its own.
 */
export function evaluatePod(level: Level, minor: number, pod: PodLike): CheckFailure[] {
  if (level === 'privileged') return [];
  const active = ORDERED.filter((c) => c.since <= minor && (c.level === 'baseline' || level === 'restricted'));
  const overridden = new Set(level === 'restricted' ? active.flatMap((c) => (c.level === 'restricted' ? (c.overrides ?? []) : [])) : []);
  const out: CheckFailure[] = [];
  for (const c of active) {
    if (overridden.has(c.id)) continue;
    const f = c.run(pod, minor);
    if (f) out.push(f);
  }
  return out;
}

/** ForbiddenDetail: `reason (detail), reason (detail)`. */
export function forbiddenDetail(failures: CheckFailure[]): string {
  return failures.map((f) => (f.detail ? `${f.reason} (${f.detail})` : f.reason)).join(', ');
}

/** ForbiddenReason: the reasons, comma-separated. */
export function forbiddenReason(failures: CheckFailure[]): string {
  return failures.map((f) => f.reason).join(', ');
}
