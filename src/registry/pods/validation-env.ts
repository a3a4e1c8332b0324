/**
 * Validation of container env, envFrom and ports, with kube's messages and field paths.
 *
 * Mirrors `pkg/apis/core/validation/validation.go` ValidateEnv, validateEnvVarValueFrom,
 * validateObjectFieldSelector, validateContainerResourceFieldSelector, validateConfigMapKeySelector,
 * validateSecretKeySelector, ValidateEnvFrom, validateContainerPorts and AccumulateUniqueHostPorts.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { nameIsDNSSubdomain } from '../../api/meta.js';
import type { Container, EnvFromSource, EnvVar, KeySelector, ObjectFieldSelector, ResourceFieldSelector } from '../../api/types.js';
import { isConfigMapKey, isQualifiedName, isRelaxedEnvVarName, isValidPortName, isValidPortNum } from '../../api/validation.js';

/** Field paths a downward-API env var may read (validEnvDownwardAPIFieldPathExpressions), sorted. */
const envFieldPaths = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];

/** Labels ConvertDownwardAPIFieldLabel accepts for v1 pods. */
const convertibleFieldPaths = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP',
  'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

const resourceFieldPaths = [
  'limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory',
];

/** Splits `metadata.labels['key']` into path and subscript. */
export function splitSubscriptedPath(p: string): { path: string; subscript?: string } {
  const m = /^([^[]+)\['(.*)'\]$/.exec(p);
  return m ? { path: m[1] ?? '', subscript: m[2] ?? '' } : { path: p };
}

/** validateObjectFieldSelector with `allowed` the sorted expression set of the caller (env or volume). */
export function validateObjectFieldSelector(fs: ObjectFieldSelector, allowed: readonly string[], path: string): FieldError[] {
  if (!fs.apiVersion) return [field.required(`${path}.apiVersion`)];
  if (!fs.fieldPath) return [field.required(`${path}.fieldPath`)];
  const { path: fp, subscript } = splitSubscriptedPath(fs.fieldPath);
  if (fs.apiVersion !== 'v1') {
    return [field.invalid(`${path}.fieldPath`, fs.fieldPath, `error converting fieldPath: unsupported pod version: ${fs.apiVersion}`)];
  }
  if (!convertibleFieldPaths.has(fp)) {
    return [field.invalid(`${path}.fieldPath`, fs.fieldPath, `error converting fieldPath: field label not supported: ${fs.fieldPath}`)];
  }
  if (subscript !== undefined) {
    if (fp === 'metadata.annotations') return isQualifiedName(subscript.toLowerCase()).map((m) => field.invalid(path, subscript, m));
    if (fp === 'metadata.labels') return isQualifiedName(subscript).map((m) => field.invalid(path, subscript, m));
    return [field.invalid(path, fp, 'does not support subscript')];
  }
  if (!allowed.includes(fp)) return [field.notSupported(`${path}.fieldPath`, fp, allowed)];
  return [];
}

const cpuDivisors = new Set(['1m', '1']);
const memoryDivisors = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);

/** validateContainerResourceFieldSelector (`volume` requires containerName). */
export function validateResourceFieldSelector(fs: ResourceFieldSelector, path: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (volume && !fs.containerName) errs.push(field.required(`${path}.containerName`));
  else if (!fs.resource) errs.push(field.required(`${path}.resource`));
  else if (!resourceFieldPaths.includes(fs.resource) && !/^(requests|limits)\.hugepages-/.test(fs.resource)) {
    errs.push(field.notSupported(`${path}.resource`, fs.resource, resourceFieldPaths));
  }
  const divisor = fs.divisor === undefined ? undefined : String(fs.divisor);
  if (divisor !== undefined && divisor !== '0' && fs.resource) {
    if (fs.resource.endsWith('.cpu') && !cpuDivisors.has(divisor)) {
      errs.push(field.invalid(`${path}.divisor`, divisor, "only divisor's values 1m and 1 are supported with the cpu resource"));
    } else if (/\.(memory|ephemeral-storage)$/.test(fs.resource) && !memoryDivisors.has(divisor)) {
      const which = fs.resource.endsWith('.memory') ? 'memory' : 'local ephemeral storage';
      errs.push(
        field.invalid(`${path}.divisor`, divisor, `only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the ${which} resource`),
      );
    }
  }
  return errs;
}

function validateKeySelector(s: KeySelector, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const msg of nameIsDNSSubdomain(s.name ?? '', false)) errs.push(field.invalid(`${path}.name`, s.name ?? '', msg));
  if (!s.key) errs.push(field.required(`${path}.key`));
  else for (const msg of isConfigMapKey(s.key)) errs.push(field.invalid(`${path}.key`, s.key, msg));
  return errs;
}

function validateEnvVarValueFrom(ev: EnvVar, path: string): FieldError[] {
  const from = ev.valueFrom;
  if (!from) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (from.fieldRef) {
    n++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, envFieldPaths, `${path}.fieldRef`));
  }
  if (from.resourceFieldRef) {
    n++;
    errs.push(...validateResourceFieldSelector(from.resourceFieldRef, `${path}.resourceFieldRef`, false));
  }
  if (from.configMapKeyRef) {
    n++;
    errs.push(...validateKeySelector(from.configMapKeyRef, `${path}.configMapKeyRef`));
  }
  if (from.secretKeyRef) {
    n++;
    errs.push(...validateKeySelector(from.secretKeyRef, `${path}.secretKeyRef`));
  }
  if (n === 0) {
    errs.push(field.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (ev.value) {
    errs.push(field.invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (n > 1) {
    errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

/** ValidateEnv (relaxed env var names, the 1.32 default). */
export function validateEnv(vars: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = `${path}[${i}]`;
    const name = ev.name ?? '';
    if (!name) errs.push(field.required(`${p}.name`));
    for (const msg of isRelaxedEnvVarName(name)) errs.push(field.invalid(`${p}.name`, name, msg));
    errs.push(...validateEnvVarValueFrom(ev, `${p}.valueFrom`));
  });
  return errs;
}

/** ValidateEnvFrom: one of configMapRef/secretRef, each with a valid name; prefix a valid env name. */
export function validateEnvFrom(sources: EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((ev, i) => {
    const p = `${path}[${i}]`;
    if (ev.prefix) for (const msg of isRelaxedEnvVarName(ev.prefix)) errs.push(field.invalid(`${p}.prefix`, ev.prefix, msg));
    let n = 0;
    for (const key of ['configMapRef', 'secretRef'] as const) {
      const ref = ev[key];
      if (!ref) continue;
      n++;
      if (!ref.name) errs.push(field.required(`${p}.${key}.name`));
      else for (const msg of nameIsDNSSubdomain(ref.name, true)) errs.push(field.invalid(`${p}.${key}.name`, ref.name, msg));
    }
    if (n === 0) errs.push(field.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

/** validateContainerPorts: names unique and IANA_SVC_NAMEs, ports in range, protocol supported. */
export function validateContainerPorts(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (c.ports ?? []).forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(field.invalid(`${p}.name`, port.name, msg));
      else if (names.has(port.name)) errs.push(field.duplicate(`${p}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(field.required(`${p}.containerPort`));
    else for (const msg of isValidPortNum(port.containerPort)) errs.push(field.invalid(`${p}.containerPort`, port.containerPort, msg));
    if (port.hostPort) for (const msg of isValidPortNum(port.hostPort)) errs.push(field.invalid(`${p}.hostPort`, port.hostPort, msg));
    if (!port.protocol) errs.push(field.required(`${p}.protocol`));
    else if (!['SCTP', 'TCP', 'UDP'].includes(port.protocol)) errs.push(field.notSupported(`${p}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

/** AccumulateUniqueHostPorts over `containers` (indexes relative to the slice, as upstream). */
export function checkHostPortConflicts(containers: Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (seen.has(key)) errs.push(field.duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}
