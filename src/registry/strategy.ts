/**
 * The per-kind strategy contract between the API server's generic store and each kind's registry file.
 *
 * Mirrors k8s.io/apiserver `pkg/registry/rest` (RESTCreateStrategy, RESTUpdateStrategy,
 * RESTGracefulDeleteStrategy, TableConvertor) and kube-apiserver's `pkg/registry/core/<kind>/strategy.go`.
 * The generic store (src/apiserver) owns names, uid, resourceVersion, generateName, creationTimestamp,
 * conflicts and deletion; a strategy owns defaulting, validation, status/spec separation and printing.
 */
import type { FieldError } from '../api/errors.js';
import type { DeleteOptions, KubeObject } from '../api/types.js';

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
  /** PUT of a missing object creates it (`RESTUpdateStrategy.AllowCreateOnUpdate`, e.g. events); absent = false. */
  allowCreateOnUpdate?: boolean;
}
