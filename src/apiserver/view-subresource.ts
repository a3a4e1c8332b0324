/**
 * Serving of view subresources (deployments/scale, replicasets/scale): GET, PUT and PATCH of another kind's view of
 * the parent object, written back to the parent with retry on conflicts.
 *
 * Mirrors kube-apiserver `pkg/registry/apps/deployment/storage/storage.go` ScaleREST (Get, Update with
 * `scaleUpdatedObjectInfo`: the patch or update applies to the Scale built from the current parent; a Scale's
 * resourceVersion is a precondition on the parent's).
 */
import { conflict, invalid, methodNotSupported } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { ViewSubresource } from '../registry/strategy.js';
import { OPTIMISTIC_LOCK_MSG, type GenericStore, type WriteOptions } from './generic-store.js';
import { recordUpdate } from './fieldmanager/index.js';
import { deepCopy } from './object-meta.js';
import type { PatchKind, PatchOps } from './patch-adapter.js';

/** One request on a view subresource. */
export interface ViewRequest {
  verb: string;
  namespace: string;
  name: string;
  /** The decoded body: the new view (update) or the patch (patch). */
  body?: unknown;
  patchKind?: PatchKind;
  options: WriteOptions;
  patch: PatchOps;
  /** The subresource's name (`scale`), recorded in the writer's managedFields entry. */
  subresource: string;
}

/**
 * Performs a view request and returns the view to answer with (200). Throws 405 for other verbs, 404 when the
 * parent is missing, 409 on a stale resourceVersion precondition, 422 (of the view's kind) on invalid input.
 */
export async function serveView(gs: GenericStore, handler: ViewSubresource, req: ViewRequest): Promise<KubeObject> {
  const { namespace, name } = req;
  if (req.verb === 'get') return handler.get(await gs.get(namespace, name));
  if (req.verb !== 'update' && req.verb !== 'patch') throw methodNotSupported();
  const gr = { group: gs.gr.group, resource: gs.gr.resource };
  const bodyKind = handler.bodyKind;
  const newView = (parent: KubeObject): KubeObject => {
    const current = handler.get(parent);
    if (req.verb === 'update') return deepCopy(req.body as KubeObject);
    return req.patch.applyPatch(current, req.body, req.patchKind ?? 'merge', bodyKind);
  };
  const mutate = (parent: KubeObject): void => {
    const before = deepCopy(parent);
    const view = newView(parent);
    const rv = view.metadata?.resourceVersion;
    if (rv && rv !== parent.metadata.resourceVersion) throw conflict(gr, name, OPTIMISTIC_LOCK_MSG);
    const errs = handler.apply(parent, view);
    if (errs.length) throw invalid(bodyKind.kind, bodyKind.group, name, errs);
    // The writer owns what it changed through the view, as an Update of the subresource (e.g. spec.replicas).
    if (req.options.manager !== undefined) recordUpdate(before, parent, req.options.manager, gs.scope(req.subresource));
  };
  if (req.options.dryRun) {
    const parent = deepCopy(await gs.get(namespace, name));
    mutate(parent);
    return handler.get(parent);
  }
  return handler.get(await gs.guaranteedUpdate(namespace, name, mutate));
}
