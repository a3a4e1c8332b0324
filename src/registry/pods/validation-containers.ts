/**
 * Validation of init, sidecar, app and ephemeral containers: names, images, probes, lifecycle hooks, resources.
 *
 * Mirrors `pkg/apis/core/validation/validation.go` validateContainerCommon, validateContainers,
 * validateInitContainers, validateInitContainerRestartPolicy, validateEphemeralContainers, validateFieldAllowList, validateProbe / validateLivenessProbe /
 * validateReadinessProbe / validateStartupProbe, validateHandler, validateLifecycle, validatePullPolicy
 * and ValidateResourceRequirements (default feature gates of v1.32).
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { compareQuantities, isQuantity, QUANTITY_FORMAT_ERROR } from '../../api/quantity.js';
import type { Container, EphemeralContainer, HTTPGetAction, IntOrString, LifecycleHandler, Probe, Volume } from '../../api/types.js';
import { isDNS1123Label, isHTTPHeaderName, isQualifiedName, isValidPortName, isValidPortNum } from '../../api/validation.js';
import { checkHostPortConflicts, validateContainerPorts, validateEnv, validateEnvFrom } from './validation-env.js';
import { validateVolumeMounts } from './validation-volumes.js';
import { validateContainerSecurityContext } from './validation-security.js';

/** ValidatePortNumOrName for probe/handler ports. */
function validatePortNumOrName(port: IntOrString | undefined, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => field.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => field.invalid(path, port, m));
  return [field.invalid(path, null, 'must be an int or a string')];
}

function validateHTTPGet(a: HTTPGetAction, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!a.path) errs.push(field.required(`${path}.path`));
  errs.push(...validatePortNumOrName(a.port, `${path}.port`));
  if (a.scheme !== 'HTTP' && a.scheme !== 'HTTPS') errs.push(field.notSupported(`${path}.scheme`, a.scheme ?? '', ['HTTP', 'HTTPS']));
  for (const h of a.httpHeaders ?? []) {
    if (isHTTPHeaderName(h.name).length > 0) errs.push(field.invalid(`${path}.httpHeaders`, h.name, 'name must be a valid HTTP header name'));
  }
  return errs;
}

/** validateHandler: exactly one handler type. `gracePeriod` bounds a sleep action. */
function validateHandler(h: LifecycleHandler & Pick<Probe, 'grpc'>, gracePeriod: number, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const one = (key: string, check: () => FieldError[]): void => {
    if (n > 0) {
      errs.push(field.forbidden(`${path}.${key}`, 'may not specify more than 1 handler type'));
      return;
    }
    n++;
    errs.push(...check());
  };
  if (h.exec) one('exec', () => ((h.exec?.command ?? []).length === 0 ? [field.required(`${path}.exec.command`)] : []));
  if (h.httpGet) one('httpGet', () => validateHTTPGet(h.httpGet as HTTPGetAction, `${path}.httpGet`));
  if (h.tcpSocket) one('tcpSocket', () => validatePortNumOrName(h.tcpSocket?.port, `${path}.tcpSocket.port`));
  if (h.grpc) {
    one('grpc', () => isValidPortNum(h.grpc?.port ?? 0).map((m) => field.invalid(`${path}.grpc.port`, h.grpc?.port ?? 0, m)));
  }
  if (h.sleep) {
    one('sleep', () => {
      const s = h.sleep?.seconds ?? 0;
      return s < 0 || s > gracePeriod
        ? [field.invalid(`${path}.sleep.seconds`, s, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)]
        : [];
    });
  }
  if (n === 0) errs.push(field.required(path, 'must specify a handler type'));
  return errs;
}

function nonNegative(v: number | undefined, path: string): FieldError[] {
  return v !== undefined && v < 0 ? [field.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

function validateProbe(p: Probe, gracePeriod: number, path: string): FieldError[] {
  const errs = validateHandler(p, gracePeriod, path);
  errs.push(...nonNegative(p.initialDelaySeconds, `${path}.initialDelaySeconds`));
  errs.push(...nonNegative(p.timeoutSeconds, `${path}.timeoutSeconds`));
  errs.push(...nonNegative(p.periodSeconds, `${path}.periodSeconds`));
  errs.push(...nonNegative(p.successThreshold, `${path}.successThreshold`));
  errs.push(...nonNegative(p.failureThreshold, `${path}.failureThreshold`));
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds <= 0) {
    errs.push(field.invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

/** Liveness, readiness and startup probes and lifecycle hooks of a container that may have them. */
function validateProbesAndLifecycle(c: Container, gracePeriod: number, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (c.lifecycle) {
    if (c.lifecycle.postStart) errs.push(...validateHandler(c.lifecycle.postStart, gracePeriod, `${path}.lifecycle.postStart`));
    if (c.lifecycle.preStop) errs.push(...validateHandler(c.lifecycle.preStop, gracePeriod, `${path}.lifecycle.preStop`));
  }
  if (c.livenessProbe) {
    errs.push(...validateProbe(c.livenessProbe, gracePeriod, `${path}.livenessProbe`));
    if (c.livenessProbe.successThreshold !== 1) {
      errs.push(field.invalid(`${path}.livenessProbe.successThreshold`, c.livenessProbe.successThreshold ?? 0, 'must be 1'));
    }
  }
  if (c.readinessProbe) {
    errs.push(...validateProbe(c.readinessProbe, gracePeriod, `${path}.readinessProbe`));
    if (c.readinessProbe.terminationGracePeriodSeconds !== undefined) {
      errs.push(
        field.invalid(`${path}.readinessProbe.terminationGracePeriodSeconds`, c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'),
      );
    }
  }
  if (c.startupProbe) {
    errs.push(...validateProbe(c.startupProbe, gracePeriod, `${path}.startupProbe`));
    if (c.startupProbe.successThreshold !== 1) {
      errs.push(field.invalid(`${path}.startupProbe.successThreshold`, c.startupProbe.successThreshold ?? 0, 'must be 1'));
    }
  }
  return errs;
}

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

function validateResourceName(name: string, path: string): FieldError[] {
  if (!name.includes('/')) {
    if (standardContainerResources.has(name) || name.startsWith('hugepages-')) return [];
    return [field.invalid(path, name, 'must be a standard resource for containers')];
  }
  const msgs = isQualifiedName(name);
  return msgs.map((m) => field.invalid(path, name, m));
}

/** ValidateResourceRequirements: names, quantity syntax, non-negative, requests <= limits. */
export function validateResources(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  const check = (kind: 'limits' | 'requests', name: string, q: IntOrString): boolean => {
    const p = `${path}.${kind}[${name}]`;
    errs.push(...validateResourceName(name, p));
    if (!isQuantity(q)) {
      errs.push(field.invalid(p, q, QUANTITY_FORMAT_ERROR));
      return false;
    }
    if (compareQuantities(q, 0) < 0) {
      errs.push(field.invalid(p, String(q), 'must be greater than or equal to 0'));
      return false;
    }
    return true;
  };
  for (const [name, q] of Object.entries(limits)) check('limits', name, q);
  for (const [name, q] of Object.entries(requests)) {
    if (!check('requests', name, q)) continue;
    const lim = limits[name];
    const hugepages = name.startsWith('hugepages-');
    if (lim !== undefined && isQuantity(lim)) {
      if (hugepages && compareQuantities(q, lim) !== 0) {
        errs.push(field.invalid(`${path}.requests`, String(q), `must be equal to ${name} limit of ${String(lim)}`));
      } else if (compareQuantities(q, lim) > 0) {
        errs.push(field.invalid(`${path}.requests`, String(q), `must be less than or equal to ${name} limit of ${String(lim)}`));
      }
    } else if (lim === undefined && hugepages) {
      errs.push(field.required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

function validatePullPolicy(policy: string | undefined, path: string): FieldError[] {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return [];
  if (!policy) return [field.required(path)];
  return [field.notSupported(path, policy, ['Always', 'IfNotPresent', 'Never'])];
}

/** validateContainerCommon: what every container kind shares. */
function validateContainerCommon(c: Container, vols: Map<string, Volume>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(field.required(`${path}.name`));
  else for (const msg of isDNS1123Label(c.name)) errs.push(field.invalid(`${path}.name`, c.name, msg));
  if (!c.image) errs.push(field.required(`${path}.image`));
  const tmp = c.terminationMessagePolicy as string | undefined;
  if (!tmp) errs.push(field.required(`${path}.terminationMessagePolicy`, "must be 'File' or 'FallbackToLogsOnError'"));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(field.notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c, vols, `${path}.volumeMounts`));
  errs.push(...validatePullPolicy(c.imagePullPolicy, `${path}.imagePullPolicy`));
  errs.push(...validateResources(c, `${path}.resources`));
  errs.push(...validateContainerSecurityContext(c, `${path}.securityContext`));
  return errs;
}

/** validateContainers: at least one; names unique among app containers; no container restartPolicy. */
export function validateContainers(containers: Container[] | undefined, vols: Map<string, Volume>, gracePeriod: number, path: string): FieldError[] {
  const list = containers ?? [];
  if (list.length === 0) return [field.required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, vols, p));
    if (names.has(c.name)) errs.push(field.duplicate(`${p}.name`, c.name));
    else names.add(c.name);
    errs.push(...validateProbesAndLifecycle(c, gracePeriod, p));
    if (c.restartPolicy !== undefined) errs.push(field.forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(list, path));
  return errs;
}

const initForbidden = 'may not be set for init containers without restartPolicy=Always';

/**
 * validateInitContainers: names unique across init and app containers; restartPolicy only `Always`
 * (native sidecar); probes and lifecycle only on sidecars.
 */
export function validateInitContainers(
  inits: Container[] | undefined,
  regular: Container[] | undefined,
  vols: Map<string, Volume>,
  gracePeriod: number,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((regular ?? []).map((c) => c.name));
  (inits ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, vols, p));
    let sidecar = false;
    if (c.restartPolicy !== undefined) {
      if (c.restartPolicy === 'Always') sidecar = true;
      else errs.push(field.notSupported(`${p}.restartPolicy`, c.restartPolicy, ['Always']));
    }
    if (names.has(c.name)) errs.push(field.duplicate(`${p}.name`, c.name));
    else if (c.name) names.add(c.name);
    errs.push(...checkHostPortConflicts([c], path));
    if (sidecar) {
      errs.push(...validateProbesAndLifecycle(c, gracePeriod, p));
    } else {
      if (c.lifecycle) errs.push(field.forbidden(`${p}.lifecycle`, initForbidden));
      if (c.livenessProbe) errs.push(field.forbidden(`${p}.livenessProbe`, initForbidden));
      if (c.readinessProbe) errs.push(field.forbidden(`${p}.readinessProbe`, initForbidden));
      if (c.startupProbe) errs.push(field.forbidden(`${p}.startupProbe`, initForbidden));
    }
  });
  return errs;
}

/**
 * The EphemeralContainerCommon fields an ephemeral container may set (upstream `allowedEphemeralContainerFields`), in
 * the struct's field order; any other field that is set is `Forbidden: cannot be set for an Ephemeral Container`.
 */
const EPHEMERAL_FIELDS: [string, boolean][] = [
  ['name', true],
  ['image', true],
  ['command', true],
  ['args', true],
  ['workingDir', true],
  ['ports', false],
  ['envFrom', true],
  ['env', true],
  ['resources', false],
  ['resizePolicy', false],
  ['restartPolicy', false],
  ['volumeMounts', true],
  ['volumeDevices', true],
  ['livenessProbe', false],
  ['readinessProbe', false],
  ['startupProbe', false],
  ['lifecycle', false],
  ['terminationMessagePath', true],
  ['terminationMessagePolicy', true],
  ['imagePullPolicy', true],
  ['securityContext', true],
  ['stdin', true],
  ['stdinOnce', true],
  ['tty', true],
];

const ephemeralForbidden = 'cannot be set for an Ephemeral Container';

/** Go's zero value test of validateFieldAllowList on a decoded JSON field: absent, null, false, '', 0, or `resources: {}` (a struct). */
function isZeroField(name: string, v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return true;
  return name === 'resources' && typeof v === 'object' && Object.keys(v as object).length === 0;
}

/**
 * validateEphemeralContainers: each ephemeral container passes the checks every container does (validateContainerCommon,
 * no image whitespace), has a name unique across app, init and ephemeral containers, targets an existing app or init
 * container, sets only allowed fields (no ports, resources, probes, lifecycle, restartPolicy) and no subPath or
 * subPathExpr in its volume mounts.
 */
export function validateEphemeralContainers(
  ephemerals: EphemeralContainer[] | undefined,
  regular: Container[] | undefined,
  inits: Container[] | undefined,
  vols: Map<string, Volume>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...(regular ?? []), ...(inits ?? [])].map((c) => c.name));
  const names = new Set(others);
  (ephemerals ?? []).forEach((ec, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(ec, vols, p));
    if (ec.image && ec.image.trim() !== ec.image) errs.push(field.invalid(`${p}.image`, ec.image, 'must not have leading or trailing whitespace'));
    if (names.has(ec.name)) errs.push(field.duplicate(`${p}.name`, ec.name));
    else names.add(ec.name);
    if (ec.targetContainerName && !others.has(ec.targetContainerName)) errs.push(field.notFound(`${p}.targetContainerName`, ec.targetContainerName));
    const fields = ec as unknown as Record<string, unknown>;
    for (const [name, allowed] of EPHEMERAL_FIELDS) {
      if (!allowed && !isZeroField(name, fields[name])) errs.push(field.forbidden(`${p}.${name}`, ephemeralForbidden));
    }
    (ec.volumeMounts ?? []).forEach((vm, j) => {
      if (vm.subPath) errs.push(field.forbidden(`${p}.volumeMounts[${j}].subPath`, ephemeralForbidden));
      if (vm.subPathExpr) errs.push(field.forbidden(`${p}.volumeMounts[${j}].subPathExpr`, ephemeralForbidden));
    });
  });
  return errs;
}
