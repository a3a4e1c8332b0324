/**
 * FieldSet: a set of field paths stored as a trie (members at each level plus child sets), with union,
 * intersection, difference, prefix removal, ordered iteration and the FieldsV1 encoding of managedFields.
 *
 * Mirrors the behaviour of structured-merge-diff `fieldpath.Set` and its FieldsV1 serialization: a member is
 * `"<element>": {}`, a child set `"<element>": {...}`, and an element that is both carries `".": {}`.
 */
import { compareElements, parseElement, serializeElement, type Path, type PathElement } from './path.js';

/** A set of paths; children are never empty. */
export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, { element: PathElement; set: FieldSet }>();

  /** Adds `path` (the empty path is ignored). */
  insert(path: Path): void {
    let s: FieldSet = this;
    for (let i = 0; i < path.length; i++) {
      const e = path[i] as PathElement;
      const k = serializeElement(e);
      if (i === path.length - 1) {
        s.members.set(k, e);
        return;
      }
      let c = s.children.get(k);
      if (!c) {
        c = { element: e, set: new FieldSet() };
        s.children.set(k, c);
      }
      s = c.set;
    }
  }

  /** Whether `path` itself is a member. */
  has(path: Path): boolean {
    const last = path[path.length - 1];
    if (!last) return false;
    const parent = this.at(path.slice(0, -1));
    return parent !== undefined && parent.members.has(serializeElement(last));
  }

  /** The child set below `prefix` (this set for the empty prefix), or undefined when nothing lies below it. */
  at(prefix: Path): FieldSet | undefined {
    let s: FieldSet | undefined = this;
    for (const e of prefix) {
      s = s.children.get(serializeElement(e))?.set;
      if (!s) return undefined;
    }
    return s;
  }

  /** Whether some member lies strictly below `prefix`. */
  hasDescendants(prefix: Path): boolean {
    const s = this.at(prefix);
    return s !== undefined && !s.isEmpty();
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  /** A copy. */
  clone(): FieldSet {
    return this.union(new FieldSet());
  }

  /** Paths in either set. */
  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const s of [this, other]) {
      for (const [k, e] of s.members) out.members.set(k, e);
      for (const [k, c] of s.children) {
        const mine = out.children.get(k);
        out.children.set(k, { element: c.element, set: mine ? mine.set.union(c.set) : c.set.clone() });
      }
    }
    return out;
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.members) if (other.members.has(k)) out.members.set(k, e);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o) continue;
      const i = c.set.intersection(o.set);
      if (!i.isEmpty()) out.children.set(k, { element: c.element, set: i });
    }
    return out;
  }

  /** Paths of this set not in `other`. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.members) if (!other.members.has(k)) out.members.set(k, e);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      const d = o ? c.set.difference(o.set) : c.set.clone();
      if (!d.isEmpty()) out.children.set(k, { element: c.element, set: d });
    }
    return out;
  }

  /** This set without `prefix` and every path below it. */
  withoutPrefix(prefix: Path): FieldSet {
    const out = this.clone();
    const last = prefix[prefix.length - 1];
    if (!last) return new FieldSet();
    const parents: FieldSet[] = [out];
    let s: FieldSet | undefined = out;
    for (const e of prefix.slice(0, -1)) {
      s = s.children.get(serializeElement(e))?.set;
      if (!s) return out;
      parents.push(s);
    }
    const k = serializeElement(last);
    s.members.delete(k);
    s.children.delete(k);
    for (let i = parents.length - 1; i > 0; i--) {
      if (!(parents[i] as FieldSet).isEmpty()) break;
      (parents[i - 1] as FieldSet).children.delete(serializeElement(prefix[i - 1] as PathElement));
    }
    return out;
  }

  /** Every member path: each level's members first, then its children, each in element order (as Set.Iterate). */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (s: FieldSet, prefix: Path): void => {
      for (const e of sorted([...s.members.values()])) out.push([...prefix, e]);
      for (const c of [...s.children.values()].sort((a, b) => compareElements(a.element, b.element))) walk(c.set, [...prefix, c.element]);
    };
    walk(this, []);
    return out;
  }

  /** The FieldsV1 object (`{"f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}}}}}`), keys in element order. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const elements = new Map<string, PathElement>();
    for (const [k, e] of this.members) elements.set(k, e);
    for (const [k, c] of this.children) elements.set(k, c.element);
    for (const e of sorted([...elements.values()])) {
      const k = serializeElement(e);
      const child = this.children.get(k);
      if (!child) {
        out[k] = {};
        continue;
      }
      const inner = child.set.toFieldsV1();
      out[k] = this.members.has(k) ? { '.': {}, ...inner } : inner;
    }
    return out;
  }

  /** Decodes a FieldsV1 object. Throws Error when a key is not a path element or a value is not an object. */
  static fromFieldsV1(v: unknown): FieldSet {
    const out = new FieldSet();
    const walk = (node: unknown, s: FieldSet): void => {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new Error('FieldsV1: expected an object');
      for (const [k, child] of Object.entries(node)) {
        if (k === '.') continue;
        const e = parseElement(k);
        if (typeof child !== 'object' || child === null || Array.isArray(child)) throw new Error('FieldsV1: expected an object');
        const entries = Object.keys(child);
        if (entries.length === 0 || Object.hasOwn(child, '.')) s.members.set(k, e);
        if (entries.some((x) => x !== '.')) {
          const sub = new FieldSet();
          walk(child, sub);
          if (!sub.isEmpty()) s.children.set(k, { element: e, set: sub });
        }
      }
    };
    walk(v, out);
    return out;
  }

  /** Builds a set from paths. */
  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Equality of membership. */
  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }
}

function sorted(elements: PathElement[]): PathElement[] {
  return elements.sort(compareElements);
}
