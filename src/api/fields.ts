/**
 * Field selectors (`metadata.name=x,status.phase!=Running`): parsing, matching and printing.
 *
 * Mirrors apimachinery `pkg/fields/selector.go` (ParseSelector, splitTerms, splitTerm, UnescapeValue,
 * hasTerm/notHasTerm, EscapeValue) including its error texts. Which fields a kind supports is the
 * strategy's `selectableFields`; the API server answers `field label not supported: <f>` for others.
 */

/** One term: `field=value` (`=` and `==` are the same) or `field!=value`. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** A parsed field selector: the AND of its terms (terms sorted like upstream). */
export class FieldSelector {
  constructor(readonly requirements: FieldRequirement[]) {}

  /** True when there are no terms. */
  empty(): boolean {
    return this.requirements.length === 0;
  }

  /**
   * True when every term holds for `fields` (a missing field reads as the empty string, as in
   * `fields.Set.Get`).
   */
  matches(fields: Record<string, string>): boolean {
    return this.requirements.every((r) => {
      const v = fields[r.field] ?? '';
      return r.operator === '=' ? v === r.value : v !== r.value;
    });
  }

  /** The value `field` must equal, when some `=` term pins it (RequiresExactMatch). */
  exactMatch(fieldName: string): string | undefined {
    return this.requirements.find((r) => r.field === fieldName && r.operator === '=')?.value;
  }

  /** Canonical string form with escaped values: `a=b,c!=d`. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function splitTerm(term: string): [string, '!=' | '==' | '=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    const rest = term.slice(i);
    for (const op of ['!=', '==', '='] as const) {
      if (rest.startsWith(op)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** UnescapeValue: `\\`, `\,`, `\=` are escapes; a bare `,`/`=` or another escape is an error. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') {
      throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    } else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** EscapeValue: escapes `\`, `,` and `=` with a backslash. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Parses a field selector (fields.ParseSelector). Empty terms are skipped; the empty string selects
 * everything. Throws `invalid selector: '<s>'; can't understand '<term>'` for a term without an operator.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new Error(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [lhs, op, rhs] = t;
    reqs.push({ field: lhs, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(rhs) });
  }
  return new FieldSelector(reqs);
}

/** The selector `metadata.name=<name>` (what kubectl sends for `get x -w` and `wait`). */
export function oneTermEqualSelector(fieldName: string, value: string): FieldSelector {
  return new FieldSelector([{ field: fieldName, operator: '=', value }]);
}
