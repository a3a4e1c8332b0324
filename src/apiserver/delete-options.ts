/**
 * DeleteOptions of a DELETE (one object or a collection): the decoded body (protobuf/delete-options.ts:
 * JSON, YAML or protobuf), with the query parameters filling what the body leaves out, then validated.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/handlers/delete.go` (body first, else query) and apimachinery
 * `pkg/apis/meta/v1/validation` `ValidateDeleteOptions` / `ValidateDryRun` (422 `DeleteOptions.meta.k8s.io`).
 */
import { badRequest, invalid, type FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import type { DeleteOptions } from '../api/types.js';

const PROPAGATION = ['Foreground', 'Background', 'Orphan'] as const;

/** DeleteOptions plus the deprecated `orphanDependents`, as a body may carry it. */
export type DecodedDeleteOptions = DeleteOptions & { orphanDependents?: boolean };

/**
 * DeleteOptions from the query (`gracePeriodSeconds`, `propagationPolicy`, `orphanDependents`, `dryRun`,
 * `preconditions.uid` is body-only). Throws 400 for a non-integer grace period.
 */
export function deleteOptionsFromQuery(q: URLSearchParams): DecodedDeleteOptions {
  const out: DecodedDeleteOptions = {};
  const grace = q.get('gracePeriodSeconds');
  if (grace !== null && grace !== '') {
    const g = Number(grace);
    if (!Number.isInteger(g)) throw badRequest(`gracePeriodSeconds: Invalid value: "${grace}"`);
    out.gracePeriodSeconds = g;
  }
  const pp = q.get('propagationPolicy');
  if (pp !== null && pp !== '') out.propagationPolicy = pp as DeleteOptions['propagationPolicy'] & string;
  const orphan = q.get('orphanDependents');
  if (orphan !== null) out.orphanDependents = !(orphan === '0' || orphan.toLowerCase() === 'false');
  const dry = q.getAll('dryRun');
  if (dry.length > 0) out.dryRun = dry;
  return out;
}

/** ValidateDeleteOptions: propagationPolicy values, orphanDependents vs propagationPolicy, dryRun values. */
export function validateDeleteOptions(o: DecodedDeleteOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (o.orphanDependents !== undefined && o.propagationPolicy !== undefined) {
    errs.push(field.invalid('propagationPolicy', o.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (o.propagationPolicy !== undefined && !(PROPAGATION as readonly string[]).includes(o.propagationPolicy)) {
    errs.push(field.notSupported('propagationPolicy', o.propagationPolicy, [...PROPAGATION, 'nil']));
  }
  if (o.dryRun !== undefined && (!Array.isArray(o.dryRun) || o.dryRun.some((d) => d !== 'All'))) {
    errs.push(field.notSupported('dryRun', o.dryRun, ['All']));
  }
  if (o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds !== null && !Number.isInteger(o.gracePeriodSeconds)) {
    errs.push(field.invalid('gracePeriodSeconds', o.gracePeriodSeconds, 'must be an integer'));
  }
  return errs;
}

/**
 * The effective DeleteOptions of a request: the body's fields, with the query's for those the body leaves
 * out (so `?dryRun=All` with an empty `{}` body is still a dry run); 422 when invalid. `dryRun` is true when
 * either asks for it: a dry run must never delete.
 */
export function resolveDeleteOptions(body: DecodedDeleteOptions, q: URLSearchParams): { options: DeleteOptions; dryRun: boolean } {
  const fromQuery = deleteOptionsFromQuery(q);
  const merged: DecodedDeleteOptions = { ...fromQuery, ...stripUndefined(body) };
  const errs = validateDeleteOptions(merged);
  if (errs.length > 0) throw invalid('DeleteOptions', 'meta.k8s.io', '', errs);
  const dryRun = (merged.dryRun?.length ?? 0) > 0 || (fromQuery.dryRun?.length ?? 0) > 0;
  const options: DeleteOptions = {};
  if (merged.gracePeriodSeconds !== undefined && merged.gracePeriodSeconds !== null) options.gracePeriodSeconds = merged.gracePeriodSeconds;
  if (merged.preconditions) options.preconditions = merged.preconditions;
  if (merged.propagationPolicy) options.propagationPolicy = merged.propagationPolicy;
  else if (merged.orphanDependents !== undefined) options.propagationPolicy = merged.orphanDependents ? 'Orphan' : 'Background';
  if (dryRun) options.dryRun = ['All'];
  return { options, dryRun };
}

function stripUndefined(o: DecodedDeleteOptions): DecodedDeleteOptions {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out as DecodedDeleteOptions;
}
