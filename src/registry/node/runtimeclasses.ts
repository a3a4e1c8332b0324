/**
 * The node.k8s.io/v1 runtimeclasses strategy: validation (a DNS-1123 label handler, immutable; overhead as resource
 * limits; scheduling's node selector and tolerations), create on update, and the NAME HANDLER AGE table.
 *
 * Mirrors `pkg/registry/node/runtimeclass/strategy.go`, `pkg/apis/node/validation` ValidateRuntimeClass /
 * ValidateRuntimeClassUpdate, and `pkg/printers/internalversion/printers.go` printRuntimeClass at v1.32.
 */
import { translateTimestampSince } from '../../api/duration.js';
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta.js';
import type { RuntimeClass } from '../../api/runtime-class.js';
import { validateResources } from '../pods/validation-containers.js';
import { validateTolerations } from '../pods/validation.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';

/** Discovery facts of node.k8s.io/v1 runtimeclasses. */
export const runtimeClassInfo: ResourceInfo = {
  group: 'node.k8s.io',
  version: 'v1',
  resource: 'runtimeclasses',
  singular: 'runtimeclass',
  kind: 'RuntimeClass',
  namespaced: false,
  shortNames: [],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/**
 * ValidateRuntimeClass: metadata (cluster-scoped, DNS subdomain name), `handler` a DNS-1123 label (so required),
 * `overhead.podFixed` as resource limits (at `overhead.limits[<name>]`), `scheduling.nodeSelector` as labels and
 * `scheduling.tolerations` as pod tolerations.
 */
export function validateRuntimeClass(rc: RuntimeClass): FieldError[] {
  const errs = validateObjectMeta(rc.metadata, false, nameIsDNSSubdomain);
  const handler = rc.handler ?? '';
  for (const msg of nameIsDNSLabel(handler, false)) errs.push(field.invalid('handler', handler, msg));
  if (rc.overhead) errs.push(...validateResources({ name: '', resources: { limits: rc.overhead.podFixed ?? {} } }, 'overhead'));
  if (rc.scheduling) {
    if (rc.scheduling.nodeSelector) errs.push(...validateLabels(rc.scheduling.nodeSelector, 'scheduling.nodeSelector'));
    errs.push(...validateTolerations(rc.scheduling.tolerations, 'scheduling.tolerations'));
  }
  return errs;
}

/** The update rules: the new object as on create, metadata update rules, and an immutable handler. */
export function validateRuntimeClassUpdate(rc: RuntimeClass, old: RuntimeClass): FieldError[] {
  return [...validateRuntimeClass(rc), ...validateObjectMetaUpdate(rc.metadata, old.metadata), ...field.validateImmutableField(rc.handler, old.handler, 'handler')];
}

/** The node.k8s.io/v1 runtimeclasses Strategy. */
export const runtimeClassStrategy: Strategy<RuntimeClass> = {
  info: runtimeClassInfo,
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: validateRuntimeClass,
  validateUpdate: validateRuntimeClassUpdate,
  allowCreateOnUpdate: true,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Handler', 'string', 'handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class. The possible values are specific to the node & CRI configuration.  It is assumed that all handlers are available on every node, and handlers of the same name are equivalent on every node. For example, a handler called "runc" might specify that the runc OCI runtime (using native Linux containers) will be used to run the containers in a pod. The Handler must be lowercase, conform to the DNS Label (RFC 1123) requirements, and is immutable.'),
      AGE_COLUMN,
    ],
    cells: (rc, now) => [rc.metadata.name ?? '', rc.handler ?? '', translateTimestampSince(rc.metadata.creationTimestamp, now)],
  },
};
