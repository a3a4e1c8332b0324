/**
 * Renders a JSON API object the way go-spew's `%#v` formatter prints the Go value it decodes to
 * (`hashutil.DeepHashObject`: SortKeys, SpewKeys, DisableMethods), for ComputeHash and semantic equality.
 *
 * The Go value is the one kube-controller-manager holds after the object went through kube-apiserver's storage:
 * absent fields are zero values, empty lists and maps decode as nil (protobuf has no empty repeated field),
 * quantities were serialized canonically and parsed again. Rules of spew's formatter: a value prints its type
 * in parentheses unless it is a slice element or a map key/value; strings print unquoted; nil pointers, slices
 * and maps print `<nil>`; a pointer prints `(*T)` then its target; structs print `{Name:value ...}` in Go field
 * order; map keys are sorted. Struct layouts come from ./go-types.gen.ts (Kubernetes v1.32).
 */
import { parseTime } from '../../api/meta.js';
import { goNamedTypes, goStructs } from './go-types.gen.js';
import { quantityNanos, spewQuantityFields, storedQuantity } from './go-quantity.js';

/** How quantities render: as Go holds them (hashing), or by value only (semantic equality). */
export type QuantityMode = 'internal' | 'value';

type Json = unknown;

/** reflect.Type.String() of a qualified type expression (`core.X` and `meta.X` are both package `v1`). */
export function goTypeString(t: string): string {
  if (t.startsWith('*')) return `*${goTypeString(t.slice(1))}`;
  if (t.startsWith('[]')) return `[]${goTypeString(t.slice(2))}`;
  const m = /^map\[([^\]]+)\](.*)$/.exec(t);
  if (m) return `map[${goTypeString(m[1]!)}]${goTypeString(m[2]!)}`;
  if (t.startsWith('core.') || t.startsWith('meta.')) return `v1.${t.slice(5)}`;
  return t;
}

const BUILTIN_INTS = new Set(['int', 'int32', 'int64', 'uint', 'uint8', 'uint64']);

function isAbsent(v: Json): boolean {
  return v === undefined || v === null;
}

function utf8Less(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/** A renderer for one quantity mode. */
class Spew {
  constructor(private readonly quantity: QuantityMode) {}

  /** `format(v)` with `ignoreType` = spew's ignoreNextType. */
  render(v: Json, t: string, ignoreType: boolean): string {
    if (t.startsWith('*')) {
      if (isAbsent(v)) return ignoreType ? '<nil>' : `(${goTypeString(t)})<nil>`;
      return (ignoreType ? '<*>' : `(${goTypeString(t)})`) + this.render(v, t.slice(1), true);
    }
    const prefix = ignoreType ? '' : `(${goTypeString(t)})`;
    return prefix + this.body(v, t);
  }

  /** The value part, after any type prefix; `t` may be a named type. */
  private body(v: Json, t: string): string {
    if (t.startsWith('[]')) {
      if (!Array.isArray(v) || v.length === 0) return '<nil>';
      const elem = t.slice(2);
      return `[${v.map((e) => this.render(e, elem, true)).join(' ')}]`;
    }
    const m = /^map\[([^\]]+)\](.*)$/.exec(t);
    if (m) {
      const obj = v as Record<string, Json> | undefined | null;
      if (!obj || typeof obj !== 'object' || Object.keys(obj).length === 0) return '<nil>';
      const keys = Object.keys(obj).sort(utf8Less);
      return `map[${keys.map((k) => `${this.render(k, m[1]!, true)}:${this.render(obj[k], m[2]!, true)}`).join(' ')}]`;
    }
    if (t === 'string' || t === 'types.UID') return isAbsent(v) ? '' : String(v);
    if (t === 'bool') return v === true ? 'true' : 'false';
    if (BUILTIN_INTS.has(t)) return String(isAbsent(v) ? 0 : Math.trunc(Number(v)));
    if (t === 'meta.Time') return this.time(v);
    if (t === 'resource.Quantity') return this.quantityBody(v);
    if (t === 'intstr.IntOrString') {
      if (typeof v === 'string') return `{Type:(intstr.Type)1 IntVal:(int32)0 StrVal:(string)${v}}`;
      return `{Type:(intstr.Type)0 IntVal:(int32)${isAbsent(v) ? 0 : Number(v)} StrVal:(string)}`;
    }
    if (t === 'meta.FieldsV1') {
      const bytes = isAbsent(v) ? [] : [...Buffer.from(JSON.stringify(v))];
      return `{Raw:([]uint8)${bytes.length === 0 ? '<nil>' : `[${bytes.join(' ')}]`}}`;
    }
    const named = goNamedTypes[t];
    if (named !== undefined) return this.body(v, named);
    const fields = goStructs[t];
    if (!fields) throw new Error(`go-spew: no layout for Go type ${t}`);
    const obj = (v && typeof v === 'object' ? v : {}) as Record<string, Json>;
    const parts = fields.map(([name, json, ft, inline]) => `${name}:${this.render(inline ? obj : json === '-' ? undefined : obj[json], ft, false)}`);
    return `{${parts.join(' ')}}`;
  }

  /** metav1.Time{time.Time}: wall and ext of a UTC time without monotonic reading (zero for an absent time). */
  private time(v: Json): string {
    const ms = typeof v === 'string' ? parseTime(v) : undefined;
    let wall = 0n;
    let ext = 0n;
    if (ms !== undefined) {
      const sec = BigInt(Math.floor(ms / 1000));
      wall = BigInt((ms % 1000) * 1_000_000);
      ext = sec + 62_135_596_800n;
    }
    return `{Time:(time.Time){wall:(uint64)${wall} ext:(int64)${ext} loc:(*time.Location)<nil>}}`;
  }

  private quantityBody(v: Json): string {
    const q = storedQuantity(isAbsent(v) ? '0' : String(v));
    return this.quantity === 'internal' ? `{${spewQuantityFields(q)}}` : `{${quantityNanos(q)}}`;
  }
}

const internal = new Spew('internal');
const byValue = new Spew('value');

/**
 * go-spew `%#v` of JSON `value` decoded as Go type `type` (`core.PodTemplateSpec`, ...). With `quantity:
 * 'value'`, quantities print as their value in nano units, so two renderings are equal exactly when
 * apimachinery's `Semantic.DeepEqual` holds for the decoded values. Throws for a type without a layout.
 */
export function spew(value: unknown, type: string, quantity: QuantityMode = 'internal'): string {
  return (quantity === 'internal' ? internal : byValue).render(value, type, false);
}
