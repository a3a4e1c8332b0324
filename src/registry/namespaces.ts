/**
 * The core/v1 namespaces strategy: phase Active on create, the `kubernetes` finalizer, the
 * `kubernetes.io/metadata.name` label, status and finalize subresources, and the NAME STATUS AGE table.
 *
 * Mirrors `pkg/registry/core/namespace/strategy.go`, `pkg/apis/core/v1/defaults.go` SetDefaults_Namespace
 * and `pkg/apis/core/validation/validation.go` ValidateNamespace / ValidateNamespaceStatusUpdate /
 * ValidateNamespaceFinalizeUpdate.
 */
import { translateTimestampSince } from '../api/duration.js';
import { badRequest, forbiddenResource, invalid, type FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { nameIsDNSLabel, validateObjectMeta, validateObjectMetaUpdate } from '../api/meta.js';
import type { KubeObject, Namespace } from '../api/types.js';
import { isQualifiedName } from '../api/validation.js';
import type { ResourceInfo, Strategy, SubresourceContext, SubresourceHandler } from './strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './table-columns.js';

/** Discovery facts of core/v1 namespaces. */
export const namespaceInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  singular: 'namespace',
  kind: 'Namespace',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status', 'finalize'],
};

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** SetDefaults_Namespace: the immutable `kubernetes.io/metadata.name` label. */
function defaultNamespace(ns: Namespace): void {
  if (ns.metadata.name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
}

function validateFinalizers(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [];
  (ns.spec?.finalizers ?? []).forEach((f, i) => {
    const p = `spec.finalizers[${i}]`;
    const msgs = isQualifiedName(f);
    for (const msg of msgs) errs.push(field.invalid(p, f, msg));
    if (msgs.length === 0 && !f.includes('/') && !standardFinalizers.has(f)) {
      errs.push(field.invalid(p, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

/** ValidateNamespaceStatusUpdate: phase Active without deletionTimestamp, Terminating with it. */
export function validateNamespaceStatusUpdate(ns: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = ns.status?.phase ?? '';
  if (!ns.metadata.deletionTimestamp) {
    if (phase !== 'Active') errs.push(field.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(field.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

/** The `finalize` subresource's PrepareForUpdate: only spec.finalizers may change; status and labels stay. */
export function prepareNamespaceForFinalize(ns: Namespace, old: Namespace): void {
  if (old.status === undefined) delete ns.status;
  else ns.status = old.status;
}

/** The `finalize` subresource's validation (ValidateNamespaceFinalizeUpdate). */
export function validateNamespaceFinalize(ns: Namespace, old: Namespace): FieldError[] {
  return [...validateObjectMetaUpdate(ns.metadata, old.metadata), ...validateFinalizers(ns)];
}

/**
 * The namespaces that may never be deleted (NamespaceLifecycle admission's immortal set: default,
 * kube-system, kube-public). kube-node-lease may be deleted; the API server re-creates it (bootstrap.ts).
 */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** The finalizer the namespace controller removes once a namespace is empty (`FinalizerKubernetes`). */
export const KUBERNETES_FINALIZER = 'kubernetes';

/**
 * PUT namespaces/{name}/finalize (namespace storage FinalizeREST with namespaceFinalizeStrategy): only
 * spec.finalizers changes; 400 for a name mismatch, 422 for invalid finalizers; returns the updated namespace.
 */
export async function finalizeNamespace(ctx: SubresourceContext, value: unknown): Promise<KubeObject> {
  const body = value as Namespace;
  const bodyName = body.metadata?.name;
  if (bodyName && bodyName !== ctx.name) throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${ctx.name})`);
  const finalizers = body.spec?.finalizers ?? [];
  const old = (await ctx.get()) as Namespace;
  const next: Namespace = { ...old, spec: { ...(old.spec ?? {}), finalizers } };
  const errs = validateNamespaceFinalize(next, old);
  if (errs.length) throw invalid('Namespace', '', ctx.name, errs);
  if (ctx.dryRun) return next as KubeObject;
  return ctx.guaranteedUpdate((obj) => {
    obj['spec'] = { ...((obj['spec'] as object | undefined) ?? {}), finalizers };
  });
}

const namespaceSubresources: Record<string, SubresourceHandler> = {
  finalize: { kind: 'update', update: finalizeNamespace },
};

/** The core/v1 namespaces Strategy. */
export const namespaceStrategy: Strategy<Namespace> = {
  info: namespaceInfo,
  returnDeletedObject: true,
  subresources: namespaceSubresources,
  beginDelete(ns) {
    const name = ns.metadata.name ?? '';
    if (IMMORTAL_NAMESPACES.has(name)) throw forbiddenResource({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
    if ((ns.spec?.finalizers ?? []).length === 0) return false;
    ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
    return true;
  },
  prepareForCreate(ns) {
    defaultNamespace(ns);
    ns.status = { phase: 'Active' };
    const finalizers = ns.spec?.finalizers ?? [];
    ns.spec = { ...(ns.spec ?? {}), finalizers: finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'] };
  },
  prepareForUpdate(ns, old) {
    defaultNamespace(ns);
    ns.spec = { ...(ns.spec ?? {}) };
    if (old.spec?.finalizers === undefined) delete ns.spec.finalizers;
    else ns.spec.finalizers = old.spec.finalizers;
    if (old.status === undefined) delete ns.status;
    else ns.status = old.status;
  },
  validate: (ns) => [...validateObjectMeta(ns.metadata, false, nameIsDNSLabel), ...validateFinalizers(ns)],
  validateUpdate: (ns, old) => validateObjectMetaUpdate(ns.metadata, old.metadata),
  prepareForStatusUpdate(ns, old) {
    if (old.spec === undefined) delete ns.spec;
    else ns.spec = old.spec;
  },
  validateStatusUpdate: validateNamespaceStatusUpdate,
  table: {
    columnDefinitions: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
    cells: (ns, now) => [ns.metadata.name ?? '', ns.status?.phase ?? '', translateTimestampSince(ns.metadata.creationTimestamp, now)],
  },
  selectableFields: (ns) => ({ 'metadata.name': ns.metadata.name ?? '', 'status.phase': ns.status?.phase ?? '' }),
};
