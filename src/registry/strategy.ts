/**
 * The per-kind strategy contract between the API server's generic store and each kind's registry file.
 *
 * Mirrors k8s.io/apiserver `pkg/registry/rest` (RESTCreateStrategy, RESTUpdateStrategy,
 * RESTGracefulDeleteStrategy, TableConvertor) and kube-apiserver's `pkg/registry/core/<kind>/strategy.go`.
 * The generic store (src/apiserver) owns names, uid, resourceVersion, generateName, creationTimestamp,
 * conflicts and deletion; a strategy owns defaulting, validation, status/spec separation and printing.
 */
import type { Authorizer } from '../api/authorization.js';
import type { FieldError } from '../api/errors.js';
import type { DeleteOptions, KubeObject } from '../api/types.js';
import type { UserInfo } from '../api/user.js';

/** Discovery facts of a resource (one entry of /api/v1 or /apis/G/V). */
export interface ResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower-case: `pods`. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** e.g. ['create','delete','deletecollection','get','list','patch','update','watch']. */
  verbs: string[];
  /** Subresource names served for this resource: 'status', 'log', 'exec', 'binding'... */
  subresources: string[];
  /**
   * True for resources served without storage (read-only.ts: metrics.k8s.io): discovery then gives no
   * storageVersionHash, as for any resource without a storage version. Absent = false.
   */
  withoutStorage?: boolean;
}

/** meta/v1 TableColumnDefinition. */
export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0 = default columns; >0 shown only with `-o wide`. */
  priority: number;
}

/** Server-side printing of one kind (kube `pkg/printers/internalversion/printers.go`). */
export interface TableConvertor<T extends KubeObject = KubeObject> {
  columnDefinitions: TableColumnDefinition[];
  /** Cells of one row, in column order; `now` is the clock for ages. */
  cells(obj: T, now: Date): unknown[];
  /** Optional row conditions (e.g. `Completed` for finished pods). */
  conditions?(obj: T): { type: string; status: string; reason?: string; message?: string }[] | undefined;
}

/** What a kind's registry tells the generic store. All methods may mutate `obj` in place. */
export interface Strategy<T extends KubeObject = KubeObject> {
  info: ResourceInfo;
  /**
   * Defaulting and create-time preparation (e.g. pods: default restartPolicy, clear status, set
   * phase Pending). Called before validate.
   */
  prepareForCreate(obj: T): void;
  /** Update-time preparation of the main resource (e.g. keep `status` from `old`). */
  prepareForUpdate(obj: T, old: T): void;
  /** Validation of a new object; `[]` when valid. Field paths like `spec.containers[0].image`. */
  validate(obj: T): FieldError[];
  /** Validation of an update (immutability rules). */
  validateUpdate(obj: T, old: T): FieldError[];
  /**
   * Warnings about an object being created (`old` undefined) or its main resource updated, which the API server sends
   * as `Warning: 299 - "…"` response headers; never a reason to refuse. Called after validation passed, not for
   * status writes; each text starts with a field path (`spec.containers[1].ports[0]: …`). Absent = none.
   * (k8s.io/apiserver `rest.RESTCreateStrategy.WarningsOnCreate`, `RESTUpdateStrategy.WarningsOnUpdate`.)
   */
  warnings?(obj: T, old: T | undefined): string[];
  /** For the status subresource: keep everything but status from `old`. Absent = no status subresource. */
  prepareForStatusUpdate?(obj: T, old: T): void;
  validateStatusUpdate?(obj: T, old: T): FieldError[];
  /** Server-side Table printing; absent = default NAME/AGE table. */
  table?: TableConvertor<T>;
  /**
   * Field-selector values of this object (`metadata.name`, and `metadata.namespace` for namespaced kinds, are added by the
   * generic store): pods give `spec.nodeName`, `status.phase`...; events give `involvedObject.*`, `reason`, `type`.
   */
  selectableFields?(obj: T): Record<string, string>;
  /**
   * Graceful deletion (`pkg/registry/core/pod/strategy.go` CheckGracefulDelete): returns the grace
   * period in seconds to use, or undefined for immediate deletion (kinds without graceful delete).
   */
  gracePeriod?(obj: T, options: DeleteOptions): number | undefined;
  /**
   * DELETE answers with the deleted (or pending) object instead of a Status (`ReturnDeletedObject` of
   * kube-apiserver's `pkg/registry/core/<kind>/storage/storage.go`); absent = false.
   */
  returnDeletedObject?: boolean;
  /**
   * The strategy's `validate` checks `metadata.name` by its own rule (RBAC: any path segment name, so
   * `system:node` is valid), and the generic store adds no DNS-subdomain check; absent = false.
   */
  validatesName?: boolean;
  /** PUT of a missing object creates it (`RESTUpdateStrategy.AllowCreateOnUpdate`, e.g. events); absent = false. */
  allowCreateOnUpdate?: boolean;
  /**
   * Deletion guarded by the kind itself (namespaces: NamespaceLifecycle's immortal set, `spec.finalizers`;
   * kube-apiserver `pkg/registry/core/namespace/storage/storage.go` Delete). Throws a StatusError to refuse;
   * returns true when the object must stay, terminating, until its own finalizers are done (it may mark `obj`,
   * e.g. status.phase Terminating; the store sets deletionTimestamp), false to delete as usual. Absent = false.
   */
  beginDelete?(obj: T): boolean;
  /**
   * Allocation of values unique across the cluster, on create and on update of the main resource (Services:
   * cluster IPs and node ports; kube-apiserver `pkg/registry/core/service/storage` beginCreate/beginUpdate with its
   * IP and port allocators). Runs after validation, one call at a time per resource and held until the write is
   * done; `existing` lists every stored object of the resource (all namespaces), `old` is absent on create.
   * Throws a StatusError (422 with field causes) when a requested value is taken or out of range.
   */
  allocate?(obj: T, old: T | undefined, existing: () => Promise<T[]>): Promise<void>;
  /** Kind-specific subresources by name (pods: binding, log, exec, attach); each must also be in `info.subresources`. */
  subresources?: Record<string, SubresourceHandler>;
  /**
   * A kind that is never stored (access and identity reviews, kube's `rest.Creater` without storage): POST decodes the
   * body, calls this and answers 201 with the object it returns; `info.verbs` should be `['create']`. Throws a
   * StatusError to refuse (400, 422).
   */
  createWithoutStorage?(obj: T, request: RequestContext): Promise<T>;
}

/** What a resource served without storage learns of its request. */
export interface RequestContext {
  /** The request's namespace ('' for cluster-scoped kinds). */
  namespace: string;
  /** The requester (after impersonation). */
  user: UserInfo;
  /** The API server's authorizer chain (SubjectAccessReview asks it). */
  authorizer: Authorizer;
  /**
   * Authenticates a bearer token as the API server would for `audiences` (TokenReview): `authenticated` with the user
   * (groups include system:authenticated) and the token's accepted audiences, or not, with the error when there is one.
   */
  authenticateToken(token: string, audiences: string[]): Promise<{ authenticated: boolean; user?: UserInfo; audiences?: string[]; error?: string }>;
  /** The API server's audiences (`--api-audiences`). */
  apiAudiences: readonly string[];
  now: Date;
}

/**
 * What a subresource handler may read and write of its parent object; the API server implements it over the
 * generic store (k8s.io/apiserver `registry/rest` Storage of a subresource, e.g. pods/binding's BindingREST).
 */
export interface SubresourceContext {
  /** The request's namespace ('' for cluster-scoped kinds) and the parent object's name. */
  namespace: string;
  name: string;
  /** `dryRun=All`: validate, write nothing. */
  dryRun: boolean;
  /** The API server's clock, for timestamps. */
  now: Date;
  /** The current parent object; throws 404 NotFound when missing. */
  get(): Promise<KubeObject>;
  /** Read-modify-write of the parent that bypasses the strategy; `mutate` may throw to abort; retried on conflicts. */
  guaranteedUpdate(mutate: (obj: KubeObject) => void): Promise<KubeObject>;
  /**
   * Reads another object the request depends on (a TokenRequest's bound Pod, Secret or Node) by API group ('' core),
   * resource, namespace ('' for cluster-scoped kinds) and name; throws 404 NotFound. Absent where the server offers none.
   */
  lookup?(group: string, resource: string, namespace: string, name: string): Promise<KubeObject>;
}

/**
 * A POSTed subresource (pods/binding, `rest.Creater` of a subresource): the API server decodes the body
 * (JSON, YAML, or protobuf of `bodyKind`) and answers with `code` and `body`.
 */
export interface CreateSubresource {
  kind: 'create';
  /** The body's kind, for protobuf decoding (e.g. Binding). */
  bodyKind: { group: string; version: string; kind: string };
  /** Performs the request on `value` (the decoded body); throws a StatusError to refuse. */
  create(ctx: SubresourceContext, value: unknown): Promise<{ code: number; body: unknown }>;
}

/**
 * A PUT subresource other than status (namespaces/finalize): the API server decodes the body (JSON or YAML)
 * and answers 200 with what `update` returns.
 */
export interface UpdateSubresource {
  kind: 'update';
  /** Performs the update with `value` (the decoded body); throws a StatusError to refuse. */
  update(ctx: SubresourceContext, value: unknown): Promise<KubeObject>;
}

/** Where a connect subresource is served: a path on the kubelet of `nodeName` (kube `rest.ResourceLocation`). */
export interface ConnectLocation {
  nodeName: string;
  /** e.g. `/containerLogs/ns/pod/container`, escaped. */
  path: string;
  query: URLSearchParams;
}

/**
 * A subresource the API server proxies to the kubelet (pods/log, exec, attach: `rest.Connecter` and
 * `LogREST`'s LocationStreamer): the registry decides the location, the API server does the proxying.
 */
export interface ConnectSubresource {
  kind: 'connect';
  /** The verbs served, e.g. ['get'] for log, ['get', 'create'] for exec. */
  verbs: string[];
  /** true: only upgraded connections (exec, attach; else 400 `Upgrade request required`); false: a streamed GET (log). */
  upgradeRequired: boolean;
  /**
   * true: a WebSocket asking for a `SPDY/3.1+<protocol>` subprotocol carries a SPDY/3.1 connection to the
   * kubelet inside its binary messages (pods/portforward: kube-apiserver's TunnelingHandler, feature
   * PortForwardWebsockets, what kubectl ≥ 1.31 sends).
   */
  tunnelsSpdyOverWebSocket?: boolean;
  /**
   * The kubelet location of a request on `obj` with the request's query; undefined when the object has no
   * node yet (an empty answer). Throws a StatusError (400) for invalid options.
   */
  location(obj: KubeObject, query: URLSearchParams): ConnectLocation | undefined;
}

/**
 * A subresource that presents its parent as another kind, read and written through it: deployments/scale and
 * replicasets/scale as autoscaling/v1 Scale (kube-apiserver `pkg/registry/apps/deployment/storage` ScaleREST).
 * The API server serves GET, PUT and PATCH (the patch applies to the view) and writes the parent with retry on
 * conflicts; a view's `metadata.resourceVersion`, when set, is a precondition on the parent's.
 */
export interface ViewSubresource {
  kind: 'view';
  /** The view's kind, for decoding, patching and 422 Status details (e.g. autoscaling/v1 Scale). */
  bodyKind: { group: string; version: string; kind: string };
  /** The view of `obj`. */
  get(obj: KubeObject): KubeObject;
  /** Validates `view` and writes it into `obj` in place (bumping generation if the spec changes); field errors for a 422. */
  apply(obj: KubeObject, view: KubeObject): FieldError[];
}

/**
 * A subresource that reads and writes the parent object itself under its own update rules, as `status` does for the
 * status: pods/ephemeralcontainers (kube-apiserver `EphemeralContainersREST` with podEphemeralContainersStrategy).
 * The API server serves GET (the parent), PUT and PATCH (JSON, merge and strategic merge patches of the parent); the
 * generic store keeps identity, resourceVersion conflicts and timestamps, then calls these instead of the kind's
 * prepareForUpdate/validateUpdate, with no warnings and no allocation.
 */
export interface StrategySubresource {
  kind: 'strategy';
  /** Keeps of `obj` only what this subresource may change, taking the rest from `old` (mutates `obj` in place). */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** Field errors (a 422) of the update from `old` to `obj`. */
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
}

/** Where a proxy subresource sends a request (`rest.Redirector`'s URL without the path). */
export interface ProxyLocation {
  scheme: 'http' | 'https';
  host: string;
  /** Absent: the scheme's default port. */
  port?: number;
}

/**
 * A subresource the API server proxies to an address of the object (pods/proxy to the pod IP, services/proxy to one
 * of the Service's endpoints; kube-apiserver `ProxyREST` with the registry's ResourceLocation). The request names the
 * object as `name`, `name:port` or `scheme:name:port` (`utilnet.SplitSchemeNamePort`); the API server reads the
 * object by its name and passes the request on, path and query included.
 */
export interface ProxySubresource {
  kind: 'proxy';
  /**
   * The target for `obj` and the request's `scheme` ('' unless given) and `port` ('' unless given: a number or a port
   * name). `ctx.lookup` reads the objects it depends on (a Service's Endpoints). Throws a StatusError: 503
   * ServiceUnavailable when there is nowhere to send it, 400 for an address that may not be proxied.
   */
  location(ctx: SubresourceContext, obj: KubeObject, id: { scheme: string; port: string }): Promise<ProxyLocation>;
}

/** A kind-specific subresource beyond `status`, served by the API server through this interface. */
export type SubresourceHandler = CreateSubresource | UpdateSubresource | ConnectSubresource | ViewSubresource | StrategySubresource | ProxySubresource;
