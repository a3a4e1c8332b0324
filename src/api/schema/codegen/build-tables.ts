/**
 * Turns parsed Go API packages (go-source.ts) into k1s TypeTables: every struct reachable from a set of root
 * types, with JSON names, type notation, required-ness, patch strategy/merge key and list/map/struct markers.
 *
 * Mirrors what kube-openapi (`pkg/builder`, `pkg/generators/openapi.go`) derives from the same Go types for
 * kube-apiserver's published schema: `json` tags name fields and `,inline` embeds flatten them; a field is
 * optional with `+optional` or `omitempty` and required otherwise (`+required` wins); `patchStrategy` and
 * `patchMergeKey` come from struct tags; `+listType`, `+listMapKey`, `+mapType`, `+structType` from the
 * comments; descriptions are the comment text without `+markers`, `TODO` lines or what follows `---`.
 */
import type { FieldDef, TypeDef } from '../types.js';
import type { GoField, GoPackage, GoStruct } from './go-source.js';

/** Import path of meta/v1, whose structs keep bare names in the tables (`ObjectMeta`). */
export const META_V1 = 'k8s.io/apimachinery/pkg/apis/meta/v1';
/** Import path of core/v1, whose structs keep bare names in the tables (`Container`). */
export const CORE_V1 = 'k8s.io/api/core/v1';

/**
 * The table name of a struct: bare for core/v1 and meta/v1 (the names the existing tables use), qualified by
 * the k8s.io/api directory otherwise (`k8s.io/api/apps/v1` `Deployment` → `apps.v1.Deployment`), which is also
 * the suffix of its OpenAPI name (`io.k8s.api.apps.v1.Deployment`) and its protobuf package.
 */
export function tableTypeName(pkgPath: string, goName: string): string {
  if (pkgPath === CORE_V1 || pkgPath === META_V1) return goName;
  const m = /^k8s\.io\/api\/(.+)$/.exec(pkgPath);
  if (!m) throw new Error(`no table name for ${pkgPath}.${goName}`);
  return `${m[1]!.replace(/\//g, '.')}.${goName}`;
}

/** Types with their own JSON form, by `path.Name`, and the notation they get. */
const WELL_KNOWN: Record<string, string> = {
  [`${META_V1}.Time`]: 'Time',
  [`${META_V1}.MicroTime`]: 'MicroTime',
  [`${META_V1}.Duration`]: 'Duration',
  [`${META_V1}.FieldsV1`]: 'FieldsV1',
  'k8s.io/apimachinery/pkg/api/resource.Quantity': 'Quantity',
  'k8s.io/apimachinery/pkg/util/intstr.IntOrString': 'IntOrString',
  'k8s.io/apimachinery/pkg/runtime.RawExtension': 'RawExtension',
  'k8s.io/apimachinery/pkg/types.UID': 'string',
  'k8s.io/apimachinery/pkg/types.NodeName': 'string',
};

const BUILTINS: Record<string, string> = {
  string: 'string',
  bool: 'bool',
  int32: 'int32',
  int64: 'int64',
  int: 'int64',
  float64: 'float64',
  'interface{}': 'any',
};

/** A root type to start from: package import path and Go name. */
export interface RootType {
  pkg: string;
  type: string;
}

/** One generated struct: where it comes from and its TypeDef. */
export interface BuiltType {
  pkg: string;
  goName: string;
  def: TypeDef;
  /** Structs whose fields were flattened in (`,inline` embeds such as meta/v1 TypeMeta). */
  inlined: RootType[];
}

/** `+name=value` markers of comment lines; repeated markers (listMapKey) keep every value in order. */
export function markersOf(lines: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of lines) {
    const m = /^\s*\+([\w:.-]+)(?:=(.*))?$/.exec(l);
    if (!m) continue;
    const list = out.get(m[1]!) ?? [];
    list.push((m[2] ?? '').trim());
    out.set(m[1]!, list);
  }
  return out;
}

/** Longest description kept whole; longer ones are cut at a word boundary and end in `...`. */
export const DOC_LIMIT = 160;

/**
 * The one-line description k1s keeps of a doc comment: the text (markers, TODO lines and anything after `---`
 * dropped, lines joined by spaces, `More info: <url>` links dropped unless they are all there is) up to the end
 * of its first sentence (a `.` followed by a space or the end), cut to at most DOC_LIMIT characters at a word
 * boundary with `...` appended when longer.
 */
export function firstSentence(lines: string[]): string {
  const kept: string[] = [];
  for (const l of lines) {
    const t = l.trim();
    if (t.startsWith('---')) break;
    if (t.startsWith('+') || t.startsWith('TODO')) continue;
    kept.push(t);
  }
  const full = kept.join(' ').replace(/\s+/g, ' ').trim();
  const text = full.replace(/\s*More info: \S+/g, '').trim() || full;
  const m = /^(.*?\.)(?:\s|$)/.exec(text);
  const sentence = m ? m[1]! : text;
  if (sentence.length <= DOC_LIMIT) return sentence;
  const cut = sentence.slice(0, DOC_LIMIT - 3);
  const space = cut.lastIndexOf(' ');
  return `${(space > 0 ? cut.slice(0, space) : cut).trimEnd()}...`;
}

interface JsonTag {
  name: string;
  omitempty: boolean;
  inline: boolean;
}

function jsonTag(f: GoField): JsonTag {
  const raw = f.tags['json'];
  if (raw === undefined) return { name: f.embedded ? '' : f.name, omitempty: false, inline: f.embedded };
  const [name = '', ...opts] = raw.split(',');
  return { name, omitempty: opts.includes('omitempty'), inline: opts.includes('inline') || (f.embedded && name === '') };
}

/** Index of the `]` closing the `[` at `open`. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']' && --depth === 0) return i;
  }
  throw new Error(`unbalanced brackets in ${s}`);
}

/**
 * Builds the tables. `packages` by import path; every struct reachable from `roots` (through field types and
 * inline embeds) is returned by table name. Throws Error for a type it cannot place (an unparsed package, an
 * unknown builtin) or two structs with one table name.
 */
export function buildTables(packages: Map<string, GoPackage>, roots: RootType[]): Map<string, BuiltType> {
  const out = new Map<string, BuiltType>();
  const queue: RootType[] = [...roots];
  const pkgOf = (path: string): GoPackage => {
    const p = packages.get(path);
    if (!p) throw new Error(`package ${path} was not read`);
    return p;
  };

  /** Resolves a Go type expression written in package `pkg` (with the file's imports) to notation. */
  const notation = (expr: string, imports: Record<string, string>, pkg: string): string => {
    if (expr.startsWith('*')) return notation(expr.slice(1), imports, pkg);
    if (expr === '[]byte') return 'bytes';
    if (expr.startsWith('[]')) return `[]${notation(expr.slice(2), imports, pkg)}`;
    if (expr.startsWith('map[')) {
      const end = closing(expr, 3);
      const key = notation(expr.slice(4, end), imports, pkg);
      if (key !== 'string') throw new Error(`map key ${expr} is not a string in ${pkg}`);
      return `map[${notation(expr.slice(end + 1), imports, pkg)}]`;
    }
    const builtin = BUILTINS[expr];
    if (builtin) return builtin;
    const dot = expr.indexOf('.');
    let path = pkg;
    let name = expr;
    if (dot > 0) {
      const alias = expr.slice(0, dot);
      const imported = imports[alias];
      if (!imported) throw new Error(`unknown import ${alias} in ${pkg}`);
      path = imported;
      name = expr.slice(dot + 1);
    }
    return named(path, name);
  };

  const named = (path: string, name: string): string => {
    const known = WELL_KNOWN[`${path}.${name}`];
    if (known) return known;
    const p = pkgOf(path);
    if (p.structs.has(name)) {
      queue.push({ pkg: path, type: name });
      return tableTypeName(path, name);
    }
    const n = p.named.get(name);
    if (n) return notation(n.type, n.imports, path);
    throw new Error(`type ${path}.${name} not found`);
  };

  /** The struct an embedded field names (for `,inline` flattening). */
  const embeddedStruct = (f: GoField, s: GoStruct, pkg: string): { pkg: string; struct: GoStruct } => {
    const expr = f.type.replace(/^\*/, '');
    const dot = expr.indexOf('.');
    const path = dot > 0 ? (s.imports[expr.slice(0, dot)] ?? '') : pkg;
    const name = dot > 0 ? expr.slice(dot + 1) : expr;
    const struct = pkgOf(path).structs.get(name);
    if (!struct) throw new Error(`inline ${expr} of ${s.name} is not a struct`);
    return { pkg: path, struct };
  };

  const fieldsOf = (s: GoStruct, pkg: string, into: Record<string, FieldDef>, inlined: RootType[]): void => {
    for (const f of s.fields) {
      const tag = jsonTag(f);
      if (tag.name === '-') continue;
      if (tag.inline) {
        const e = embeddedStruct(f, s, pkg);
        inlined.push({ pkg: e.pkg, type: e.struct.name });
        fieldsOf(e.struct, e.pkg, into, inlined);
        continue;
      }
      const markers = markersOf(f.comment);
      const optional = markers.has('required') ? false : markers.has('optional') || tag.omitempty;
      const def: FieldDef = { type: notation(f.type, s.imports, pkg), doc: firstSentence(f.comment) };
      if (!optional) def.required = true;
      const patch = f.tags['patchStrategy'];
      if (patch) def.patch = patch;
      const key = f.tags['patchMergeKey'];
      if (key) def.key = key;
      const list = markers.get('listType')?.[0];
      if (list) def.list = list;
      const keys = markers.get('listMapKey');
      if (keys) def.keys = keys;
      const map = markers.get('mapType')?.[0];
      if (map) def.map = map;
      const struct = markers.get('structType')?.[0];
      if (struct) def.struct = struct;
      // Field order of the FieldDef literal: doc last, as the hand-derived tables wrote it.
      const { doc, ...rest } = def;
      into[tag.name] = { ...rest, doc };
    }
  };

  while (queue.length) {
    const r = queue.shift()!;
    const name = tableTypeName(r.pkg, r.type);
    const seen = out.get(name);
    if (seen) {
      if (seen.pkg !== r.pkg) throw new Error(`table name ${name} of both ${seen.pkg} and ${r.pkg}`);
      continue;
    }
    const s = pkgOf(r.pkg).structs.get(r.type);
    if (!s) throw new Error(`struct ${r.pkg}.${r.type} not found`);
    const def: TypeDef = { doc: firstSentence(s.comment), fields: {} };
    const inlined: RootType[] = [];
    out.set(name, { pkg: r.pkg, goName: r.type, def, inlined });
    const struct = markersOf([...s.comment2, ...s.comment]).get('structType')?.[0];
    if (struct) def.struct = struct;
    fieldsOf(s, r.pkg, def.fields, inlined);
    // Keep `fields` last in the literal.
    const { fields, ...head } = def;
    out.set(name, { pkg: r.pkg, goName: r.type, def: { ...head, fields }, inlined });
  }
  return out;
}
