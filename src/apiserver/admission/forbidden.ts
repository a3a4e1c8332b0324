/**
 * The 403 an admission plugin answers with, and the way several errors read as one.
 *
 * Mirrors k8s.io/apiserver `pkg/admission/errors.go` NewForbidden (the name from the request, else the object's name,
 * else its generateName, else `Unknown`) and apimachinery `util/errors` Aggregate.Error (one message alone; several,
 * de-duplicated, as `[a, b]`).
 */
import { forbiddenResource, type StatusError } from '../../api/errors.js';
import type { AdmissionAttributes } from '../resource-handler.js';

/** `<resource> "<name>" is forbidden: <why>` for the object `a` admits. */
export function admissionForbidden(a: AdmissionAttributes, why: string): StatusError {
  const name = a.name || a.object.metadata.name || a.object.metadata.generateName || 'Unknown';
  return forbiddenResource({ group: a.group, resource: a.resource }, name, why);
}

/** Aggregate.Error of `messages` ('' when there are none). */
export function aggregateMessage(messages: string[]): string {
  if (messages.length <= 1) return messages[0] ?? '';
  const seen = [...new Set(messages)];
  return seen.length === 1 ? (seen[0] ?? '') : `[${seen.join(', ')}]`;
}
