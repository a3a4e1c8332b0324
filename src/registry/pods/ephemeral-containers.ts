/**
 * The pods/ephemeralcontainers subresource: GET, PUT and PATCH of the whole Pod, of which only
 * spec.ephemeralContainers may change, and only by adding entries (what `kubectl debug` patches).
 *
 * Mirrors kube-apiserver `pkg/registry/core/pod/strategy.go` (podEphemeralContainersStrategy,
 * dropNonEphemeralContainerUpdates) and `pkg/apis/core/validation/validation.go` ValidatePodEphemeralContainersUpdate.
 */
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { validateObjectMetaUpdate } from '../../api/meta.js';
import type { EphemeralContainer, KubeObject, Pod } from '../../api/types.js';
import type { StrategySubresource } from '../strategy.js';
import { defaultContainer } from './defaults.js';
import { objectDiff } from './spec-diff.js';
import { validatePodSpec } from './validation.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/**
 * dropNonEphemeralContainerUpdates, in place: `pod` becomes a copy of `old` carrying only the request's
 * resourceVersion and spec.ephemeralContainers (defaulted as any container: pull policy, termination message
 * path and policy, `resources: {}`); every other change of the request is dropped, as upstream does.
 */
export function prepareEphemeralContainersUpdate(pod: Pod, old: Pod): void {
  const ephemerals = pod.spec?.ephemeralContainers;
  const rv = pod.metadata.resourceVersion;
  const next = structuredClone(old);
  if (rv === undefined) delete next.metadata.resourceVersion;
  else next.metadata.resourceVersion = rv;
  if (ephemerals === undefined) delete next.spec.ephemeralContainers;
  else next.spec.ephemeralContainers = ephemerals;
  for (const c of next.spec.ephemeralContainers ?? []) defaultContainer(c, next.spec.hostNetwork === true);
  const target = pod as unknown as Record<string, unknown>;
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, next);
}

/**
 * ValidatePodEphemeralContainersUpdate: metadata update rules and the whole spec (ephemeral containers included:
 * names unique across all containers, existing targets, allowed fields only); static pods refuse ephemeral
 * containers; existing ephemeral containers may be neither removed nor changed (the message carries a diff).
 */
export function validateEphemeralContainersUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodSpec(pod.spec));
  if (old.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return [field.forbidden('', 'static pods do not support ephemeral containers')];
  const byName = new Map<string, EphemeralContainer>((pod.spec.ephemeralContainers ?? []).map((c) => [c.name, c]));
  const path = 'spec.ephemeralContainers';
  for (const prev of old.spec.ephemeralContainers ?? []) {
    const next = byName.get(prev.name);
    if (!next) errs.push(field.forbidden(path, `existing ephemeral containers ${field.goQuote(prev.name)} may not be removed\n`));
    else if (!field.deepEqual(prev, next)) {
      errs.push(field.forbidden(path, `existing ephemeral containers ${field.goQuote(prev.name)} may not be changed\n${objectDiff('EphemeralContainer', prev, next)}`));
    }
  }
  return errs;
}

/** The pods/ephemeralcontainers handler the API server serves (GET, PUT, PATCH of the Pod). */
export const ephemeralContainersSubresource: StrategySubresource = {
  kind: 'strategy',
  prepareForUpdate: (obj: KubeObject, old: KubeObject) => prepareEphemeralContainersUpdate(obj as Pod, old as Pod),
  validateUpdate: (obj: KubeObject, old: KubeObject) => validateEphemeralContainersUpdate(obj as Pod, old as Pod),
};
