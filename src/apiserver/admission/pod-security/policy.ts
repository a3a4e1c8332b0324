/**
 * A namespace's PodSecurity policy from its labels: the enforce, audit and warn levels and versions
 * (`pod-security.kubernetes.io/<mode>` and `<mode>-version`), with the errors of invalid values.
 *
 * Mirrors k8s.io/pod-security-admission `api/helpers.go` at v0.32: ParseLevel, ParseVersion (`latest` or `v1.x`),
 * PolicyToEvaluate (defaults privileged:latest; an invalid enforce level means restricted, invalid audit and warn
 * levels privileged; warn follows a stricter enforce level when unset) and LevelVersion.String (`restricted:latest`).
 */
import type { FieldError } from '../../../api/errors.js';
import * as field from '../../../api/field-errors.js';
import type { Level } from './checks.js';

/** The label prefix. */
export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
/** The newest minor version the checks know (latest evaluates as this one). */
export const LATEST_MINOR = 32;

/** A level at a version (`minor` undefined = latest). */
export interface LevelVersion {
  level: Level;
  minor: number | undefined;
}

/** The three modes' level versions. */
export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

/** `restricted:latest`, `baseline:v1.25`. */
export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.minor === undefined ? 'latest' : `v1.${lv.minor}`}`;
}

/** The minor version checks run at. */
export function effectiveMinor(lv: LevelVersion): number {
  return lv.minor === undefined ? LATEST_MINOR : Math.min(lv.minor, LATEST_MINOR);
}

/** CompareLevels: -1, 0 or 1 by strictness. */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}

/** Whether two level versions are the same. */
export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && a.minor === b.minor;
}

/** PolicyToEvaluate: the policy of `labels` and the field errors of invalid values (metadata.labels[...]). */
export function policyFromLabels(labels: Record<string, string> | undefined): { policy: Policy; errors: FieldError[] } {
  const policy: Policy = { enforce: { level: 'privileged', minor: undefined }, audit: { level: 'privileged', minor: undefined }, warn: { level: 'privileged', minor: undefined } };
  const errors: FieldError[] = [];
  const l = labels ?? {};
  const level = (mode: keyof Policy, invalidMeans: Level): boolean => {
    const key = `${LABEL_PREFIX}${mode}`;
    const v = l[key];
    if (v === undefined) return false;
    if ((LEVELS as readonly string[]).includes(v)) {
      policy[mode].level = v as Level;
      return true;
    }
    policy[mode].level = invalidMeans;
    errors.push(field.invalid(`metadata.labels[${key}]`, v, `must be one of ${LEVELS.join(', ')}`));
    return false;
  };
  const version = (mode: keyof Policy): boolean => {
    const key = `${LABEL_PREFIX}${mode}-version`;
    const v = l[key];
    if (v === undefined) return false;
    const m = /^v1\.([0-9]|[1-9][0-9]*)$/.exec(v);
    if (v === 'latest') policy[mode].minor = undefined;
    else if (m) policy[mode].minor = Number(m[1]);
    else errors.push(field.invalid(`metadata.labels[${key}]`, v, 'must be "latest" or "v1.x"'));
    return true;
  };
  const hasEnforce = level('enforce', 'restricted');
  version('enforce');
  level('audit', 'privileged');
  version('audit');
  const hasWarn = `${LABEL_PREFIX}warn` in l;
  level('warn', 'privileged');
  const hasWarnVersion = version('warn');
  if (!hasWarn && hasEnforce && compareLevels(policy.enforce.level, policy.warn.level) > 0) {
    policy.warn.level = policy.enforce.level;
    if (!hasWarnVersion) policy.warn.minor = policy.enforce.minor;
  }
  return { policy, errors };
}
