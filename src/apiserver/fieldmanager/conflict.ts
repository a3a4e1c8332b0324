/**
 * The 409 of an apply that would change fields other managers own: kube-apiserver's message, one cause a field.
 *
 * Mirrors apimachinery `pkg/util/managedfields/internal/conflict.go` (NewConflictError, printManager) and
 * `errors.NewApplyConflict`: `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1:
 * .spec.containers[name="app"].image`; several conflicts are grouped by manager, managers sorted.
 */
import { StatusError } from '../../api/errors.js';
import type { StatusCause } from '../../api/types.js';
import type { Manager } from './managers.js';
import { pathString, type Path } from './path.js';

/** One field another manager owns. */
export interface Conflict {
  managerKey: string;
  manager: Manager;
  path: Path;
}

/** `"kubectl"`, `"kubelet" with subresource "status"`, `"kubectl-client-side-apply" using v1`. */
export function printManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${s} using ${m.apiVersion}` : s;
}

/** The 409 Conflict Status of `conflicts` (at least one), ordered by manager identity. */
export function conflictError(conflicts: Conflict[]): StatusError {
  const sorted = [...conflicts].sort((a, b) => (a.managerKey < b.managerKey ? -1 : a.managerKey > b.managerKey ? 1 : 0));
  const causes: StatusCause[] = sorted.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  const first = sorted[0];
  if (sorted.length === 1 && first) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(first.manager)}: ${pathString(first.path)}`;
  } else {
    const lines: string[] = [];
    let current = '';
    for (const c of sorted) {
      if (c.managerKey !== current) {
        lines.push(`conflicts with ${printManager(c.manager)}:`);
        current = c.managerKey;
      }
      lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Conflict', details: { causes }, code: 409 });
}
