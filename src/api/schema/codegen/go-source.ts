/**
 * Reads the declarations of a gofmt-formatted Go API package (k8s.io/api `types.go`): structs with their fields,
 * struct tags and doc comments, named types (`type Protocol string`) and each file's imports.
 *
 * It understands exactly the Go that Kubernetes API packages are written in (one field a line, no anonymous
 * structs, comments as `//` lines), as gofmt prints it; it is not a general Go parser. Plain text in, plain data
 * out, so it runs in the generator and in unit tests alike.
 */

/** One field of a struct as declared. */
export interface GoField {
  /** The Go field name; for an embedded field, the type's name (`TypeMeta`). */
  name: string;
  /** The type expression as written (`*metav1.LabelSelector`, `[]Container`, `map[string]string`). */
  type: string;
  /** Embedded (anonymous) field such as `metav1.TypeMeta`. */
  embedded: boolean;
  /** Struct tag keys and values (`json` → `replicas,omitempty`, `patchStrategy` → `merge`). */
  tags: Record<string, string>;
  /** The comment lines directly above the field, without `//`. */
  comment: string[];
}

/** One struct type. */
export interface GoStruct {
  name: string;
  fields: GoField[];
  /** The comment block directly above `type X struct`. */
  comment: string[];
  /** The comment block before that one (separated by a blank line): where `+genclient`-style markers live. */
  comment2: string[];
  /** Imports of the declaring file: alias → package path. */
  imports: Record<string, string>;
  /** The declaring file's name (`types.go`). */
  file: string;
}

/** A named non-struct type (`type Protocol string`, `type ResourceList map[ResourceName]resource.Quantity`). */
export interface GoNamed {
  name: string;
  /** The underlying type expression. */
  type: string;
  imports: Record<string, string>;
}

/** The declarations of one Go package, by type name. */
export interface GoPackage {
  /** Import path, e.g. `k8s.io/api/apps/v1`. */
  path: string;
  structs: Map<string, GoStruct>;
  named: Map<string, GoNamed>;
  /** The API group of `register.go`'s `GroupName` (`apps`, '' for core), when the package has one. */
  group?: string;
  /** The kinds `register.go` adds to the scheme (`&Deployment{}`), in its order. */
  registered: string[];
}

/** Parses `key:"value"` pairs of a Go struct tag. */
export function parseTag(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/(\w+):"((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function parseImports(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let inBlock = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === 'import (') {
      inBlock = true;
      continue;
    }
    if (inBlock && line === ')') {
      inBlock = false;
      continue;
    }
    const m = (inBlock ? /^(?:(\w+|_|\.)\s+)?"([^"]+)"$/ : /^import\s+(?:(\w+)\s+)?"([^"]+)"$/).exec(line);
    if (!m || (!inBlock && !line.startsWith('import'))) continue;
    const path = m[2]!;
    out[m[1] ?? path.slice(path.lastIndexOf('/') + 1)] = path;
  }
  return out;
}

/** One field line: optional name, type expression, optional struct tag, optional trailing comment. */
const FIELD = /^(?:(\w+)\s+)?((?:\*|\[\]|map\[[\w.]+\])*(?:interface\{\}|[\w.]+))\s*(?:`([^`]*)`)?\s*(?:\/\/.*)?$/;

/**
 * Adds the declarations of one Go file to `pkg`. `file` is its name (`types.go`), recorded on its structs; from
 * `register.go` the `&Kind{},` lines of addKnownTypes become `pkg.registered`, and a `const GroupName` sets
 * `pkg.group`. Throws Error naming the line for a struct field it cannot read (anonymous struct types, several
 * names on one line), so a new upstream construct is noticed rather than skipped.
 */
export function parseGoFile(text: string, pkg: GoPackage, file = ''): void {
  const lines = text.split('\n');
  const group = /^const GroupName = "([^"]*)"$/m.exec(text);
  if (group) pkg.group = group[1]!;
  if (file === 'register.go') for (const m of text.matchAll(/^\t+&(\w+)\{\},$/gm)) pkg.registered.push(m[1]!);
  const imports = parseImports(lines);
  let comment: string[] = [];
  let comment2: string[] = [];
  let struct: GoStruct | undefined;
  let block = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    // Block comments (license headers, notes inside structs) are not doc comments: skip them.
    if (block || line.startsWith('/*')) {
      block = !line.includes('*/');
      return;
    }
    if (line.startsWith('//')) {
      comment.push(line.replace(/^\/\/ ?/, ''));
      return;
    }
    if (line === '') {
      if (comment.length) comment2 = comment;
      comment = [];
      return;
    }
    if (struct) {
      if (raw.startsWith('}')) {
        pkg.structs.set(struct.name, struct);
        struct = undefined;
      } else {
        const m = FIELD.exec(line);
        if (!m) throw new Error(`${pkg.path}: cannot read field of ${struct.name} at line ${i + 1}: ${line}`);
        const type = m[2]!;
        const embedded = m[1] === undefined;
        const name = embedded ? type.replace(/^\*/, '').replace(/^\w+\./, '') : m[1]!;
        struct.fields.push({ name, type, embedded, tags: parseTag(m[3] ?? ''), comment });
      }
      comment = [];
      comment2 = [];
      return;
    }
    const s = /^type (\w+) struct \{(\})?$/.exec(raw);
    if (s) {
      struct = { name: s[1]!, fields: [], comment, comment2, imports, file };
      if (s[2]) {
        pkg.structs.set(struct.name, struct);
        struct = undefined;
      }
    } else {
      const n = /^type (\w+) =?\s*([\w.*[\]]+)\s*(?:\/\/.*)?$/.exec(raw);
      if (n) pkg.named.set(n[1]!, { name: n[1]!, type: n[2]!, imports });
    }
    comment = [];
    comment2 = [];
  });
}

/** A new empty package for `path`. */
export function newGoPackage(path: string): GoPackage {
  return { path, structs: new Map(), named: new Map(), registered: [] };
}
