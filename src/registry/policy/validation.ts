/**
 * Validation of core/v1 LimitRange and ResourceQuota: resource names, quantity relations (min <= default <= max,
 * defaultRequest <= default, ratios), quota resource names, non-negative and integer quantities, scopes.
 *
 * Mirrors kube `pkg/apis/core/validation/validation.go` ValidateLimitRange, ValidateResourceQuota(Update),
 * ValidateResourceQuotaStatusUpdate, ValidateResourceQuantityValue and validateResourceQuotaScopes, with their messages.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta.js';
import { QUOTA_SCOPES, type LimitRange, type ResourceQuota } from '../../api/policy.js';
import { cmpQuantity, formatQuantity, parseExact, type ResourceList } from '../../api/resource-list.js';
import { isQualifiedName } from '../../api/validation.js';

const LIMIT_TYPES = ['Container', 'Pod', 'PersistentVolumeClaim'];

/** validateResourceName: a qualified name (with an optional prefix). */
function validateResourceName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => field.invalid(path, name, m));
}

/** validateLimitRangeTypeName: a standard limit type or a fully qualified name. */
function validateLimitType(type: string, path: string): FieldError[] {
  const errs = validateResourceName(type, path);
  if (!type.includes('/') && !LIMIT_TYPES.includes(type)) errs.push(field.invalid(path, type, 'must be a standard limit type or fully qualified'));
  return errs;
}

const CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** validateLimitRangeResourceName: Container and Pod items take container resources, others any qualified name. */
function validateLimitResourceName(type: string, name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if ((type === 'Container' || type === 'Pod') && !name.includes('/') && !CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) {
    errs.push(field.invalid(path, name, 'must be a standard resource for containers'));
  }
  return errs;
}

/** IsOvercommitAllowed: every resource but hugepages and extended (prefixed) resources. */
function overcommitAllowed(name: string): boolean {
  return !name.startsWith('hugepages-') && (!name.includes('/') || name.startsWith('kubernetes.io/'));
}

const q = (v: string | number): string => formatQuantity(parseExact(v));
const milli = (v: string | number): number => Number(parseExact(v).nano / 1_000_000n);

/** ValidateLimitRange. */
export function validateLimitRange(lr: LimitRange): FieldError[] {
  const errs = validateObjectMeta(lr.metadata, true, nameIsDNSSubdomain);
  const seen = new Set<string>();
  (lr.spec?.limits ?? []).forEach((limit, i) => {
    const at = `spec.limits[${i}]`;
    const type = limit.type ?? '';
    errs.push(...validateLimitType(type, `${at}.type`));
    if (seen.has(type)) errs.push(field.duplicate(`${at}.type`, type));
    seen.add(type);
    const keys = new Set<string>();
    const collect = (list: ResourceList | undefined, name: string): ResourceList => {
      for (const k of Object.keys(list ?? {})) {
        errs.push(...validateLimitResourceName(type, k, `${at}.${name}[${k}]`));
        keys.add(k);
      }
      return list ?? {};
    };
    const max = collect(limit.max, 'max');
    const min = collect(limit.min, 'min');
    let defaults: ResourceList = {};
    let defaultRequests: ResourceList = {};
    if (type === 'Pod') {
      if (Object.keys(limit.default ?? {}).length > 0) errs.push(field.forbidden(`${at}.default`, "may not be specified when `type` is 'Pod'"));
      if (Object.keys(limit.defaultRequest ?? {}).length > 0) errs.push(field.forbidden(`${at}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    } else {
      defaults = collect(limit.default, 'default');
      defaultRequests = collect(limit.defaultRequest, 'defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !('storage' in min) && !('storage' in max)) {
      errs.push(field.required(`${at}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const ratios = collect(limit.maxLimitRequestRatio, 'maxLimitRequestRatio');
    for (const k of [...keys].sort()) {
      const mn = min[k];
      const mx = max[k];
      const df = defaults[k];
      const dr = defaultRequests[k];
      const ratio = ratios[k];
      if (mn !== undefined && mx !== undefined && cmpQuantity(mn, mx) > 0) errs.push(field.invalid(`${at}.min[${k}]`, q(mn), `min value ${q(mn)} is greater than max value ${q(mx)}`));
      if (dr !== undefined && mn !== undefined && cmpQuantity(mn, dr) > 0) errs.push(field.invalid(`${at}.defaultRequest[${k}]`, q(dr), `min value ${q(mn)} is greater than default request value ${q(dr)}`));
      if (dr !== undefined && mx !== undefined && cmpQuantity(dr, mx) > 0) errs.push(field.invalid(`${at}.defaultRequest[${k}]`, q(dr), `default request value ${q(dr)} is greater than max value ${q(mx)}`));
      if (dr !== undefined && df !== undefined && cmpQuantity(dr, df) > 0) errs.push(field.invalid(`${at}.defaultRequest[${k}]`, q(dr), `default request value ${q(dr)} is greater than default limit value ${q(df)}`));
      if (df !== undefined && mn !== undefined && cmpQuantity(mn, df) > 0) errs.push(field.invalid(`${at}.default[${k}]`, q(mn), `min value ${q(mn)} is greater than default value ${q(df)}`));
      if (df !== undefined && mx !== undefined && cmpQuantity(df, mx) > 0) errs.push(field.invalid(`${at}.default[${k}]`, q(mx), `default value ${q(df)} is greater than max value ${q(mx)}`));
      if (ratio !== undefined && cmpQuantity(ratio, 1) < 0) errs.push(field.invalid(`${at}.maxLimitRequestRatio[${k}]`, q(ratio), `ratio ${q(ratio)} is less than 1`));
      if (ratio !== undefined && mn !== undefined && mx !== undefined) {
        const limitRatio = milli(mx) / milli(mn);
        if (milli(ratio) / 1000 > limitRatio) {
          errs.push(field.invalid(`${at}.maxLimitRequestRatio[${k}]`, q(ratio), `ratio ${q(ratio)} is greater than max/min = ${limitRatio.toFixed(6)}`));
        }
      }
      if (!overcommitAllowed(k) && df !== undefined && dr !== undefined && cmpQuantity(df, dr) !== 0) {
        errs.push(field.invalid(`${at}.defaultRequest[${k}]`, q(dr), `default value ${q(df)} must equal to defaultRequest value ${q(dr)} in ${k}`));
      }
    }
  });
  return errs;
}

/** The standard quota resource names (IsStandardQuotaResourceName), beyond hugepages-*. */
const STANDARD_QUOTA = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers', 'requests.storage', 'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);

/** Resources counted in whole units (IsIntegerResourceName): object counts. */
export function isIntegerResource(name: string): boolean {
  return ['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers'].includes(name) || name.startsWith('count/');
}

/** ValidateResourceQuotaResourceName. */
function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !STANDARD_QUOTA.has(name) && !/^(requests\.)?hugepages-/.test(name)) errs.push(field.invalid(path, name, 'must be a standard resource for quota'));
  return errs;
}

/** ValidateResourceQuantityValue: non-negative, whole for object counts. */
function validateQuantityValue(name: string, value: string | number, path: string): FieldError[] {
  const v = parseExact(value);
  if (v.nano < 0n) return [field.invalid(path, formatQuantity(v), 'must be greater than or equal to 0')];
  if (isIntegerResource(name) && v.nano % 1_000_000_000n !== 0n) return [field.invalid(path, formatQuantity(v), 'must be an integer')];
  return [];
}

function validateList(list: ResourceList | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(list ?? {})) {
    errs.push(...validateQuotaResourceName(k, `${path}[${k}]`), ...validateQuantityValue(k, v, `${path}[${k}]`));
  }
  return errs;
}

/** validateResourceQuotaScopes: known scopes, no duplicates, no Terminating with NotTerminating (or BestEffort with NotBestEffort). */
function validateScopes(rq: ResourceQuota): FieldError[] {
  const scopes = rq.spec?.scopes ?? [];
  if (scopes.length === 0) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  // The bad value is the whole list, as Go's %#v prints a []core.ResourceQuotaScope.
  const value = new field.GoValue(`[]core.ResourceQuotaScope{${scopes.map(field.goQuote).join(', ')}}`);
  for (const s of scopes) {
    if (!QUOTA_SCOPES.includes(s)) errs.push(field.invalid('spec.scopes', value, 'unsupported scope'));
    seen.add(s);
  }
  if ((seen.has('Terminating') && seen.has('NotTerminating')) || (seen.has('BestEffort') && seen.has('NotBestEffort'))) {
    errs.push(field.invalid('spec.scopes', value, 'conflicting scopes'));
  }
  return errs;
}

/** ValidateResourceQuota: metadata, spec.hard, scopes, status. */
export function validateResourceQuota(rq: ResourceQuota): FieldError[] {
  return [
    ...validateObjectMeta(rq.metadata, true, nameIsDNSSubdomain),
    ...validateList(rq.spec?.hard, 'spec.hard'),
    ...validateScopes(rq),
    ...validateList(rq.status?.hard, 'status.hard'),
    ...validateList(rq.status?.used, 'status.used'),
  ];
}

/** ValidateResourceQuotaUpdate: metadata update rules, spec.hard, scopes immutable. */
export function validateResourceQuotaUpdate(rq: ResourceQuota, old: ResourceQuota): FieldError[] {
  const errs = [...validateObjectMetaUpdate(rq.metadata, old.metadata), ...validateList(rq.spec?.hard, 'spec.hard'), ...validateScopes(rq)];
  errs.push(...field.validateImmutableField(rq.spec?.scopes ?? [], old.spec?.scopes ?? [], 'spec.scopes'));
  return errs;
}

/** ValidateResourceQuotaStatusUpdate: metadata update rules, status.hard and status.used. */
export function validateResourceQuotaStatusUpdate(rq: ResourceQuota, old: ResourceQuota): FieldError[] {
  return [...validateObjectMetaUpdate(rq.metadata, old.metadata), ...validateList(rq.status?.hard, 'status.hard'), ...validateList(rq.status?.used, 'status.used')];
}
