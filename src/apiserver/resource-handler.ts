/**
 * The REST handler of resource requests: maps (verb, subresource) to GenericStore operations, decodes
 * bodies, negotiates Table output and writes responses with kube's status codes.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/installer.go` (which verbs exist where) and
 * `pkg/endpoints/handlers/{get,create,update,patch,delete,watch}.go`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, invalid, methodNotSupported, notAcceptable, notFound, unsupportedMediaType, type FieldError, type StatusError } from '../api/errors.js';
import type { DeleteOptions, KubeObject, Status } from '../api/types.js';
import { resolveDeleteOptions } from './delete-options.js';
import { checkBodyType, checkFields, decodeObject, decodeValue, parseBody, parseFieldValidation, warningHeaders } from './decode.js';
import type { GenericStore, WriteOptions } from './generic-store.js';
import { parseAccept, parseMediaType, queryBool, readBody, sendJson } from './http.js';
import { parseListQuery } from './list.js';
import { patchKindOf, type PatchKind, type PatchOps } from './patch-adapter.js';
import { serveView } from './view-subresource.js';
import { decodeProtobufBody, PROTOBUF_MEDIA_TYPE, supportsProtobuf } from './protobuf/codec.js';
import { decodeDeleteOptionsBody } from './protobuf/delete-options.js';
import { negotiateProtobufResponses } from './protobuf/negotiate.js';
import type { RequestContext, SubresourceContext } from '../registry/strategy.js';
import type { UserInfo } from '../api/user.js';
import { requestUser } from './request-user.js';
import type { KubeletProxy } from './pod-proxy.js';
import { handleReadOnly, type ReadOnlyResources } from './read-only-handler.js';
import type { Resources } from './resources.js';
import type { ResourceRequest } from './routing.js';
import { selectorForName } from './selectors.js';
import { proxyRequest, splitSchemeNamePort } from './http-proxy.js';
import { parseIncludeObject, toTable, wantsTable } from './table.js';
import { serveWatch } from './watch.js';

/** What the resource handler needs from the server. */
export interface HandlerContext {
  resources: Resources;
  patch: PatchOps;
  clock: () => Date;
  /** Proxies connect subresources (pods/log...) to kubelets (pod-proxy.ts). */
  kubelet: KubeletProxy;
  /** Resources served from components' memory (metrics.k8s.io), beside the stored ones. */
  readOnly: ReadOnlyResources;
  /** Admission of creates and updates (ServiceAccount, RBAC escalation): may change `object` or throw a StatusError. */
  admit?: (attributes: AdmissionAttributes) => Promise<void>;
  /** Whether `admit` wants updates of a resource (a patch is then previewed, dry-run, to show it the result). */
  admitsUpdatesOf?: (group: string, resource: string) => boolean;
  /**
   * Validating admission (LimitRanger, PodSecurity, ResourceQuota): judges every create and main-resource update after
   * the strategy validated it and before it is stored; may add warnings; throws a StatusError to refuse.
   */
  validate?: (attributes: AdmissionAttributes) => Promise<void>;
  /** What kinds served without storage (reviews) need beyond the user: the authorizer, token checks, audiences. */
  review?: Omit<RequestContext, 'namespace' | 'user' | 'now'>;
}

/** One create or update as admission sees it (k8s.io/apiserver `admission.Attributes`). */
export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE';
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  /** The decoded object (for an update, the object as it will be); mutating plugins change a create's in place. */
  object: KubeObject;
  /** The request's object name ('' for a create by POST). */
  name?: string;
  user: UserInfo;
  dryRun: boolean;
  /** The stored object an update replaces (validating admission of updates). */
  oldObject?: KubeObject;
  /** Adds a `Warning` header text to the response (validating admission). */
  warn?: (text: string) => void;
}

/** 404 for paths nothing serves, with kube's body. */
export function notFoundPath(): StatusError {
  const e = notFound({ group: '', resource: '' }, '');
  e.status.message = 'the server could not find the requested resource';
  e.status.details = {};
  return e;
}

function writeOptions(q: URLSearchParams, req?: IncomingMessage): WriteOptions {
  const dry = q.getAll('dryRun');
  for (const d of dry) if (d !== 'All') throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  const opts: WriteOptions = { dryRun: dry.length > 0 };
  if (req) opts.manager = managerOf(req, q);
  return opts;
}

/**
 * The field manager of a write: `fieldManager`, else the user agent's product (`kubectl/v1.32.0 (...)` →
 * `kubectl`), at most 128 characters (k8s.io/apiserver handlers `managerOrUserAgent`).
 */
function managerOf(req: IncomingMessage, q: URLSearchParams): string {
  const given = q.get('fieldManager');
  if (given) return given;
  const agent = req.headers['user-agent'] ?? '';
  return (agent.split('/')[0] ?? '').slice(0, 128);
}

/** PatchOptions validation (apimachinery `ValidatePatchOptions`): `force` only for apply, apply needs `fieldManager`. */
function validatePatchOptions(q: URLSearchParams, kind: PatchKind): void {
  const errs: FieldError[] = [];
  if (kind !== 'apply' && q.has('force')) errs.push({ type: 'FieldValueForbidden', field: 'force', detail: 'Forbidden: may not be specified for non-apply patch' });
  if (kind === 'apply' && !q.get('fieldManager')) errs.push({ type: 'FieldValueRequired', field: 'fieldManager', detail: 'Required value: is required for apply patch' });
  const manager = q.get('fieldManager') ?? '';
  if (manager.length > 128) errs.push({ type: 'FieldValueTooLong', field: 'fieldManager', detail: `Too long: may not be more than 128 bytes` });
  if (errs.length) throw invalid('PatchOptions', 'meta.k8s.io', '', errs);
}

function mediaTypeOf(req: IncomingMessage): string {
  return parseMediaType(req.headers['content-type'] ?? '').type;
}

function successStatus(code: number, details?: Status['details']): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
  if (details) s.details = details;
  return s;
}

/** Handles one resource request end to end (throws StatusError for the caller to write). */
export async function handleResource(req: IncomingMessage, res: ServerResponse, info: ResourceRequest, url: URL, ctx: HandlerContext): Promise<void> {
  negotiateProtobufResponses(req, res);
  const ro = ctx.readOnly.lookup(info.group, info.version, info.resource);
  if (ro) {
    if (info.subresource !== '' || (ro.info.namespaced && info.name !== '' && info.namespace === '') || (!ro.info.namespaced && info.namespace !== '')) throw notFoundPath();
    return handleReadOnly(req, res, info, url, ro);
  }
  const gs = ctx.resources.lookup(info.group, info.version, info.resource);
  if (!gs) throw notFoundPath();
  if (gs.namespaced && info.name !== '' && info.namespace === '') throw notFoundPath();
  if (!gs.namespaced && info.namespace !== '') throw notFoundPath();
  const ns = info.namespace;
  const q = url.searchParams;
  const accept = parseAccept(req.headers.accept);
  const tableVersion = wantsTable(accept);

  if (info.subresource !== '') return handleSubresource(req, res, info, url, gs, ctx);
  if (!gs.strategy.info.verbs.includes(info.verb)) throw methodNotSupported();

  switch (info.verb) {
    case 'get': {
      if (queryBool(q, 'watch')) return watch(req, res, gs, ns, url, ctx, info.name);
      const obj = await gs.get(ns, info.name);
      if (tableVersion) {
        const include = parseIncludeObject(q.get('includeObject') ?? undefined);
        return sendJson(res, 200, toTable(gs.strategy, [obj], { include, version: tableVersion, now: ctx.clock(), listMeta: { resourceVersion: obj.metadata.resourceVersion ?? '' } }));
      }
      return sendJson(res, 200, obj);
    }
    case 'list': {
      const list = await gs.list(ns, parseListQuery(gs.strategy, q));
      if (tableVersion) {
        const include = parseIncludeObject(q.get('includeObject') ?? undefined);
        return sendJson(res, 200, toTable(gs.strategy, list.items, { include, version: tableVersion, now: ctx.clock(), listMeta: list.metadata as Record<string, unknown> }));
      }
      return sendJson(res, 200, list);
    }
    case 'watch':
      return watch(req, res, gs, ns, url, ctx, info.name);
    case 'create': {
      if (info.name !== '') throw methodNotSupported();
      const opts = writeOptions(q, req);
      const { obj, warnings } = await decodeRequest(req, gs, q, ctx.patch);
      const virtual = gs.strategy.createWithoutStorage;
      if (virtual) {
        if (!ctx.review) throw methodNotSupported();
        // Reviews have no table convertor: asTable answers 406 (handlers/response.go).
        if (tableVersion) throw notAcceptable(`the resource ${info.resource} does not support being converted to a Table`);
        return sendWithWarnings(res, 201, await virtual(obj, { ...ctx.review, namespace: ns, user: requestUser(req), now: ctx.clock() }), warnings);
      }
      const beforeAdmission = structuredClone(obj);
      await ctx.admit?.({ operation: 'CREATE', group: info.group, resource: info.resource, subresource: '', namespace: ns, object: obj, user: requestUser(req), dryRun: opts.dryRun });
      const created = await gs.create(ns, obj, { ...opts, beforeAdmission, warn: collect(warnings), ...validating(ctx, gs, ns, req, opts.dryRun, collect(warnings)) });
      return sendWithWarnings(res, 201, created, warnings);
    }
    case 'update': {
      const opts = writeOptions(q, req);
      const { obj, warnings } = await decodeRequest(req, gs, q, ctx.patch);
      if (ctx.admitsUpdatesOf?.(info.group, info.resource)) {
        await ctx.admit?.({ operation: 'UPDATE', group: info.group, resource: info.resource, subresource: '', namespace: ns, name: info.name, object: obj, user: requestUser(req), dryRun: opts.dryRun });
      }
      const r = await gs.update(ns, info.name, obj, { ...opts, warn: collect(warnings), ...validating(ctx, gs, ns, req, opts.dryRun, collect(warnings)) });
      return sendWithWarnings(res, r.created ? 201 : 200, r.object, warnings);
    }
    case 'patch':
      return patch(req, res, gs, ns, info.name, q, ctx, undefined);
    case 'delete': {
      const { options, dryRun } = await deleteOptions(req, q);
      const opts: WriteOptions = { dryRun };
      const r = await gs.delete(ns, info.name, options, opts);
      if (!r.deleted || gs.strategy.returnDeletedObject) return sendJson(res, 200, r.object);
      return sendJson(res, 200, successStatus(200, { name: info.name, group: info.group, kind: info.resource, uid: r.object.metadata.uid ?? '' }));
    }
    case 'deletecollection': {
      const { options, dryRun } = await deleteOptions(req, q);
      const opts: WriteOptions = { dryRun };
      return sendJson(res, 200, await gs.deleteCollection(ns, parseListQuery(gs.strategy, q), options, opts));
    }
  }
}

async function watch(req: IncomingMessage, res: ServerResponse, gs: GenericStore, ns: string, url: URL, ctx: HandlerContext, name: string): Promise<void> {
  const q = url.searchParams;
  const query = parseListQuery(gs.strategy, q);
  if (name !== '') query.fieldSelector = selectorForName(query.fieldSelector, name);
  const tableVersion = wantsTable(parseAccept(req.headers.accept));
  const timeout = Number(q.get('timeoutSeconds') ?? '0');
  const resourceVersion = q.get('resourceVersion') ?? '';
  const sendInitialEvents = queryBool(q, 'sendInitialEvents');
  await serveWatch(req, res, {
    open: (signal) => gs.watch(ns, query, { resourceVersion, sendInitialEvents, signal }),
    strategy: gs.strategy,
    resourceVersion,
    allowBookmarks: queryBool(q, 'allowWatchBookmarks'),
    sendInitialEvents,
    timeoutSeconds: Number.isFinite(timeout) ? timeout : 0,
    table: tableVersion ? { version: tableVersion, include: parseIncludeObject(q.get('includeObject') ?? undefined) } : undefined,
    clock: ctx.clock,
  });
}

/**
 * The WriteOptions.validateAdmission of a request: validating admission of the object the strategy accepted (`old` on
 * updates), its warnings going to `warn`. Absent when no validating plugin is enabled.
 */
function validating(ctx: HandlerContext, gs: GenericStore, ns: string, req: IncomingMessage, dryRun: boolean, warn: (text: string) => void): Pick<WriteOptions, 'validateAdmission'> {
  const validate = ctx.validate;
  if (!validate) return {};
  return {
    validateAdmission: (obj, old) =>
      validate({
        operation: old ? 'UPDATE' : 'CREATE',
        group: gs.gr.group,
        resource: gs.gr.resource,
        subresource: '',
        namespace: ns,
        name: obj.metadata.name ?? '',
        object: obj,
        ...(old ? { oldObject: old } : {}),
        user: requestUser(req),
        dryRun,
        warn,
      }),
  };
}

/** A WriteOptions.warn adding each new text to `warnings` once (a retried patch meets the strategy again). */
function collect(warnings: string[]): (text: string) => void {
  return (text) => {
    if (!warnings.includes(text)) warnings.push(text);
  };
}

function sendWithWarnings(res: ServerResponse, code: number, body: unknown, warnings: string[]): void {
  if (warnings.length) res.setHeader('Warning', warningHeaders(warnings));
  sendJson(res, code, body);
}

async function decodeRequest(req: IncomingMessage, gs: GenericStore, q: URLSearchParams, ops: PatchOps): Promise<{ obj: KubeObject; warnings: string[] }> {
  const validation = parseFieldValidation(q.get('fieldValidation') ?? undefined);
  const mt = mediaTypeOf(req);
  if (mt === PROTOBUF_MEDIA_TYPE && supportsProtobuf(gs.gvk)) {
    return decodeValue(decodeProtobufBody(await readBody(req), gs.gvk), [], gs.gvk, validation, ops);
  }
  checkBodyType(mt);
  const body = (await readBody(req)).toString('utf8');
  return decodeObject(body, mt, gs.gvk, validation, ops);
}

/** The effective DeleteOptions and dry-run flag of a DELETE: the body (JSON, YAML or protobuf) first, then the query (delete-options.ts). */
async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<{ options: DeleteOptions; dryRun: boolean }> {
  const body = decodeDeleteOptionsBody(await readBody(req), mediaTypeOf(req));
  return resolveDeleteOptions(body, q);
}

async function patch(req: IncomingMessage, res: ServerResponse, gs: GenericStore, ns: string, name: string, q: URLSearchParams, ctx: HandlerContext, subresource: string | undefined): Promise<void> {
  const opts = writeOptions(q, req);
  const mt = mediaTypeOf(req);
  const kind = patchKindOf(mt);
  if (!kind) throw unsupportedMediaType(mt);
  validatePatchOptions(q, kind);
  const force = kind === 'apply' && queryBool(q, 'force');
  const validation = parseFieldValidation(q.get('fieldValidation') ?? undefined);
  const text = (await readBody(req)).toString('utf8');
  const { value, duplicates } = parseBody(text, mt, ctx.patch);
  if (kind === 'apply' && !subresource) {
    const existing = await gs.get(ns, name).catch(() => undefined);
    if (!existing) {
      // The applier owns what it sent, not what defaulting or admission adds.
      const applied = structuredClone(value) as KubeObject;
      const { obj, warnings } = decodeValue(value, duplicates, gs.gvk, validation, ctx.patch);
      if (obj.metadata.name === undefined) obj.metadata.name = name;
      await ctx.admit?.({ operation: 'CREATE', group: gs.gr.group, resource: gs.gr.resource, subresource: '', namespace: ns, name, object: obj, user: requestUser(req), dryRun: opts.dryRun });
      return sendWithWarnings(res, 201, await gs.create(ns, obj, { ...opts, applied, warn: collect(warnings), ...validating(ctx, gs, ns, req, opts.dryRun, collect(warnings)) }), warnings);
    }
  }
  if (!subresource && ctx.admitsUpdatesOf?.(gs.gr.group, gs.gr.resource)) {
    // Admission judges the patched object: preview it (dry run), then patch for real.
    const preview = await gs.patch(ns, name, value, kind, { dryRun: true, ...(opts.manager !== undefined ? { manager: opts.manager } : {}), force });
    await ctx.admit?.({ operation: 'UPDATE', group: gs.gr.group, resource: gs.gr.resource, subresource: '', namespace: ns, name, object: preview, user: requestUser(req), dryRun: opts.dryRun });
  }
  // Each attempt of the patch starts over: its field warnings, then the strategy's.
  let warnings: string[] = [];
  const out = await gs.patch(ns, name, value, kind, {
    ...opts,
    force,
    ...(subresource ? { subresource } : validating(ctx, gs, ns, req, opts.dryRun, (text) => collect(warnings)(text))),
    warn: (text) => collect(warnings)(text),
    checkFields: (obj) => {
      warnings = checkFields(obj, gs.gvk, validation, duplicates, ctx.patch);
    },
  });
  return sendWithWarnings(res, 200, out, warnings);
}

async function handleSubresource(req: IncomingMessage, res: ServerResponse, info: ResourceRequest, url: URL, gs: GenericStore, ctx: HandlerContext): Promise<void> {
  const sub = info.subresource;
  const ns = info.namespace;
  const q = url.searchParams;
  if (!gs.strategy.info.subresources.includes(sub) || info.name === '') throw notFoundPath();
  if (sub === 'status') {
    switch (info.verb) {
      case 'get':
        return sendJson(res, 200, await gs.get(ns, info.name));
      case 'update': {
        const { obj, warnings } = await decodeRequest(req, gs, q, ctx.patch);
        const r = await gs.update(ns, info.name, obj, { ...writeOptions(q, req), subresource: 'status' });
        return sendWithWarnings(res, 200, r.object, warnings);
      }
      case 'patch':
        return patch(req, res, gs, ns, info.name, q, ctx, 'status');
      default:
        throw methodNotSupported();
    }
  }
  const handler = gs.strategy.subresources?.[sub];
  if (!handler) throw notFoundPath();
  switch (handler.kind) {
    case 'create': {
      if (info.verb !== 'create') throw methodNotSupported();
      const opts = writeOptions(q);
      const body = await readBody(req);
      const mt = mediaTypeOf(req);
      const { value } = mt === PROTOBUF_MEDIA_TYPE ? { value: decodeProtobufBody(body, handler.bodyKind) } : parseBody(body.toString('utf8'), mt, ctx.patch);
      const r = await handler.create(subresourceContext(gs, ns, info.name, opts, ctx), value);
      return sendJson(res, r.code, r.body);
    }
    case 'update': {
      if (info.verb !== 'update') throw methodNotSupported();
      const opts = writeOptions(q);
      const body = (await readBody(req)).toString('utf8');
      const { value } = parseBody(body, mediaTypeOf(req), ctx.patch);
      return sendJson(res, 200, await handler.update(subresourceContext(gs, ns, info.name, opts, ctx), value));
    }
    case 'view': {
      const opts = writeOptions(q, req);
      let body: unknown;
      let patchKind: PatchKind | undefined;
      if (info.verb === 'update' || info.verb === 'patch') {
        const mt = mediaTypeOf(req);
        const raw = await readBody(req);
        if (info.verb === 'patch') {
          patchKind = patchKindOf(mt);
          if (!patchKind || patchKind === 'apply') throw unsupportedMediaType(mt);
          body = parseBody(raw.toString('utf8'), mt, ctx.patch).value;
        } else {
          body = mt === PROTOBUF_MEDIA_TYPE ? decodeProtobufBody(raw, handler.bodyKind) : parseBody(raw.toString('utf8'), mt, ctx.patch).value;
        }
      }
      const view = await serveView(gs, handler, { verb: info.verb, subresource: sub, namespace: ns, name: info.name, body, ...(patchKind ? { patchKind } : {}), options: opts, patch: ctx.patch });
      return sendJson(res, 200, view);
    }
    case 'strategy':
      switch (info.verb) {
        case 'get':
          return sendJson(res, 200, await gs.get(ns, info.name));
        case 'update': {
          const { obj, warnings } = await decodeRequest(req, gs, q, ctx.patch);
          const r = await gs.update(ns, info.name, obj, { ...writeOptions(q, req), subresource: sub });
          return sendWithWarnings(res, 200, r.object, warnings);
        }
        case 'patch':
          return patch(req, res, gs, ns, info.name, q, ctx, sub);
        default:
          throw methodNotSupported();
      }
    case 'connect': {
      if (!handler.verbs.includes(info.verb)) throw methodNotSupported();
      const obj = await gs.get(ns, info.name);
      if (handler.upgradeRequired) throw badRequest('Upgrade request required');
      return ctx.kubelet.stream(res, handler.location(obj, q));
    }
    case 'proxy': {
      const id = splitSchemeNamePort(info.name);
      if (!id) throw badRequest(`invalid ${gs.strategy.info.kind === 'Service' ? 'service' : 'pod'} request "${info.name}"`);
      const obj = await gs.get(ns, id.name);
      const location = await handler.location(subresourceContext(gs, ns, id.name, writeOptions(new URLSearchParams()), ctx), obj, id);
      const proxyPath = info.proxyPath ?? '';
      const pathPrepend = url.pathname.slice(0, url.pathname.length - proxyPath.length).replace(/\/$/, '');
      return proxyRequest(req, res, location, proxyPath, url.search.replace(/^\?/, ''), pathPrepend);
    }
  }
}

/** The parent-object access a subresource handler gets (registry/strategy.ts SubresourceContext). */
function subresourceContext(gs: GenericStore, namespace: string, name: string, opts: WriteOptions, ctx: HandlerContext): SubresourceContext {
  return {
    namespace,
    name,
    dryRun: opts.dryRun,
    now: ctx.clock(),
    get: () => gs.get(namespace, name),
    guaranteedUpdate: (mutate) => gs.guaranteedUpdate(namespace, name, mutate),
    lookup: async (group, resource, ns, objName) => {
      const other = ctx.resources.all.find((s) => s.gr.group === group && s.gr.resource === resource);
      if (!other) throw notFound({ group, resource }, objName);
      return other.get(ns, objName);
    },
  };
}
