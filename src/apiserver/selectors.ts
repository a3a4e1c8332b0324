/**
 * The API server's side of list/watch selectors: reading them from a request (400 on errors), the field
 * labels a kind accepts, and the field set of an object. Parsing and matching are src/api/labels.ts and
 * src/api/fields.ts.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/handlers/get.go` ListResource (DecodeParameters, then
 * `FieldSelector.Transform(ConvertFieldLabel)`, then the by-name selector), apimachinery `runtime/scheme.go`
 * (DefaultMetaV1FieldSelectorConversion), kubernetes `pkg/apis/core/v1/conversion.go` (per-kind field label
 * conversions) and `pkg/registry/generic/matcher.go` (ObjectMetaFieldsSet).
 */
import { badRequest } from '../api/errors.js';
import { oneTermEqualSelector, parseFieldSelector, type FieldSelector } from '../api/fields.js';
import { parseLabelSelector, type LabelSelector } from '../api/labels.js';
import type { KubeObject } from '../api/types.js';
import type { Strategy } from '../registry/strategy.js';

/** The label and field selectors of a list, watch or deletecollection request. */
export interface Selectors {
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
}

/**
 * Field-selector values of `obj`: the strategy's selectable fields plus `metadata.name` and, for namespaced
 * kinds, `metadata.namespace` (ObjectMetaFieldsSet). Fields absent here read as '' when matched.
 */
export function objectFields(strategy: Pick<Strategy, 'info' | 'selectableFields'>, obj: KubeObject): Record<string, string> {
  const own = strategy.selectableFields?.(obj) ?? {};
  const meta: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '' };
  if (strategy.info.namespaced) meta['metadata.namespace'] = obj.metadata.namespace ?? '';
  return { ...own, ...meta };
}

/** True when `obj` passes both selectors. */
export function matchesSelectors(strategy: Strategy, sel: Selectors, obj: KubeObject): boolean {
  return sel.labelSelector.matches(obj.metadata.labels) && sel.fieldSelector.matches(objectFields(strategy, obj));
}

/**
 * The field labels a kind accepts, or undefined when the strategy cannot say (its selectableFields throws
 * on a skeleton object; then every label is let through and unknown ones simply read as '').
 */
function supportedFieldLabels(strategy: Pick<Strategy, 'info' | 'selectableFields'>): Set<string> | undefined {
  if (!strategy.selectableFields) return undefined;
  try {
    const skeleton = { metadata: {}, spec: {}, status: {}, involvedObject: {}, source: {} } as KubeObject;
    return new Set(Object.keys(objectFields(strategy, skeleton)));
  } catch {
    return undefined;
  }
}

/**
 * Scheme.ConvertFieldLabel: kinds with selectable fields (upstream: a registered field label conversion)
 * answer `field label not supported: <label>` for any other label; kinds without accept only
 * `metadata.name` and `metadata.namespace` (`"x" is not a known field selector: only "metadata.name",
 * "metadata.namespace"`). Throws a plain Error; the caller makes it a 400.
 */
function checkFieldLabel(strategy: Pick<Strategy, 'info' | 'selectableFields'>, label: string): void {
  if (!strategy.selectableFields) {
    if (label === 'metadata.name' || label === 'metadata.namespace') return;
    throw new Error(`${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
  }
  const supported = supportedFieldLabels(strategy);
  if (supported && !supported.has(label)) throw new Error(`field label not supported: ${label}`);
}

function asBadRequest<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    const e = badRequest((err as Error).message);
    e.cause = err;
    throw e;
  }
}

/**
 * Reads `fieldSelector` and `labelSelector` from a request query, in upstream's order: field syntax, label
 * syntax, then the kind's field labels (terms in sorted order). Throws StatusError 400 BadRequest with the
 * parser's message, e.g. `unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt`,
 * `invalid selector: 'a'; can't understand 'a'` or `field label not supported: spec.foo`.
 */
export function parseSelectors(strategy: Pick<Strategy, 'info' | 'selectableFields'>, q: URLSearchParams): Selectors {
  const fieldSelector = asBadRequest(() => parseFieldSelector(q.get('fieldSelector') ?? ''));
  const labelSelector = asBadRequest(() => parseLabelSelector(q.get('labelSelector') ?? ''));
  asBadRequest(() => fieldSelector.requirements.forEach((r) => checkFieldLabel(strategy, r.field)));
  return { labelSelector, fieldSelector };
}

/**
 * The field selector of a watch on one object (`.../pods/web?watch=true`): `metadata.name=<name>` when the
 * request has none, the request's own when it pins the same name, else 400 `fieldSelector metadata.name
 * doesn't match requested name` (ListResource's hasName branch).
 */
export function selectorForName(fieldSelector: FieldSelector, name: string): FieldSelector {
  if (fieldSelector.empty()) return oneTermEqualSelector('metadata.name', name);
  if (fieldSelector.exactMatch('metadata.name') !== name) throw badRequest("fieldSelector metadata.name doesn't match requested name");
  return fieldSelector;
}
