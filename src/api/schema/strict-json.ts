/**
 * A JSON parser that also reports duplicate object keys, the way kube's strict decoder does.
 *
 * Mirrors sigs.k8s.io/json `UnmarshalStrict` (DisallowDuplicateFields): a duplicate is reported as
 * `duplicate field "spec.containers[0].name"` (path of JSON names, `[i]` for list indices) and the last
 * value wins, as in Go. Syntax errors throw `JsonSyntaxError` with encoding/json style messages.
 */

/** Result of a strict parse: the value (last duplicate wins) and one message per duplicate key. */
export interface StrictParseResult {
  value: unknown;
  /** e.g. `duplicate field "metadata.name"`, in document order. */
  duplicates: string[];
}

/** Malformed JSON; `message` reads like Go's (`invalid character 'x' looking for beginning of value`). */
export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * Parses JSON text, reporting duplicate keys instead of silently dropping them.
 * Throws JsonSyntaxError on malformed input (including trailing data after the top-level value).
 */
export function parseJsonStrict(text: string): StrictParseResult {
  const p = new Parser(text);
  p.ws();
  if (p.i >= text.length) throw new JsonSyntaxError('unexpected end of JSON input');
  const value = p.value('');
  p.ws();
  if (p.i < text.length) throw new JsonSyntaxError(`invalid character ${p.describe()} after top-level value`);
  return { value, duplicates: p.duplicates };
}

class Parser {
  i = 0;
  readonly duplicates: string[] = [];

  constructor(private readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  describe(): string {
    const c = this.s[this.i];
    if (c === undefined) return 'EOF';
    return c === "'" ? `'\\''` : `'${c}'`;
  }

  fail(context: string): never {
    if (this.i >= this.s.length) throw new JsonSyntaxError('unexpected end of JSON input');
    throw new JsonSyntaxError(`invalid character ${this.describe()} ${context}`);
  }

  value(path: string): unknown {
    const c = this.s[this.i];
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail('looking for beginning of value');
  }

  object(path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      const child = path ? `${path}.${key}` : key;
      if (seen.has(key)) this.duplicates.push(`duplicate field "${child}"`);
      seen.add(key);
      this.ws();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      this.ws();
      const v = this.value(child);
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return out;
      }
      this.fail('after object key:value pair');
    }
  }

  array(path: string): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(`${path}[${out.length}]`));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return out;
      }
      this.fail('after array element');
    }
  }

  string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      if (Number.isNaN(c)) throw new JsonSyntaxError('unexpected end of JSON input');
      if (c === 0x22) break;
      if (c < 0x20) this.fail('in string literal');
      this.i += c === 0x5c ? 2 : 1;
    }
    this.i++;
    try {
      return JSON.parse(this.s.slice(start, this.i)) as string;
    } catch (cause) {
      throw new JsonSyntaxError(`invalid escape in string literal: ${(cause as Error).message}`);
    }
  }

  number(): number {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) {
      this.i++;
      return this.fail('in numeric literal');
    }
    this.i += m[0].length;
    return Number(m[0]);
  }
}
