/**
 * Shapes of the compact k1s API schema: one TypeDef a Go struct, one FieldDef a JSON field.
 *
 * Mirrors what kube-openapi derives from Go struct tags and markers in k8s.io/api: `json` names,
 * `patchStrategy`/`patchMergeKey` tags, `+listType`, `+listMapKey`, `+mapType`, `+structType`, and
 * `+optional`. Field types use a small Go-like notation, resolved by `resolveType` (schema.ts):
 *
 * - primitives: `string`, `bool`, `int32`, `int64`, `float64`, `bytes` (base64 string)
 * - well-known: `Time`, `MicroTime`, `Duration`, `Quantity`, `IntOrString`, `RawExtension`, `FieldsV1`, `any`
 * - `[]T` (list), `map[T]` (string-keyed map), or the name of another TypeDef: bare for core/v1 and meta/v1
 *   (`Container`, `ObjectMeta`), qualified by k8s.io/api package for other groups (`apps.v1.DeploymentSpec`).
 */

/** One JSON field of a struct. */
export interface FieldDef {
  /** Type notation, e.g. `[]Container`, `map[string]`, `int32`, `ObjectMeta`. */
  type: string;
  /** One-line description (kubectl explain prints it). */
  doc: string;
  /** Required in upstream's OpenAPI (no `+optional`, no `omitempty`). */
  required?: boolean;
  /** Strategic-merge-patch strategy: `merge`, `replace`, `retainKeys`, `merge,retainKeys`. */
  patch?: string;
  /** Strategic-merge-patch merge key of a list of structs (`name`, `containerPort`, `mountPath`). */
  key?: string;
  /** `+listType`: `atomic`, `set` or `map`. */
  list?: string;
  /** `+listMapKey` values when `list` is `map`. */
  keys?: string[];
  /** `+mapType`: `atomic` or `granular`. */
  map?: string;
  /** `+structType`: `atomic` or `granular`. */
  struct?: string;
}

/** One struct type. */
export interface TypeDef {
  doc: string;
  /** `+structType=atomic` on the type itself. */
  struct?: string;
  /** Fields by JSON name, in Go declaration order. */
  fields: Record<string, FieldDef>;
}

/** Struct types by table name (`Container`, `ObjectMeta`, `apps.v1.Deployment`). */
export type TypeTable = Record<string, TypeDef>;

/** Group/version/kind of an object; group is '' for core. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}
