/**
 * Label selectors: parsing the string form (`app=web,tier!=db,env in (a,b),!canary`), matching and printing.
 *
 * Mirrors apimachinery `pkg/labels/selector.go` (Lexer, Parser, NewRequirement, Requirement.Matches,
 * Requirement.String) and `pkg/apis/meta/v1/helpers.go` LabelSelectorAsSelector, with the same error texts
 * (`unable to parse requirement: ...`, `found 'x', expected: ...`).
 */
import type { FieldError } from './errors.js';
import { formatFieldError } from './errors.js';
import * as field from './field-errors.js';
import { isQualifiedName, isValidLabelValue } from './validation.js';

/** selection.Operator values of a label requirement. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement: key, operator and (sorted, de-duplicated) values. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** meta/v1 LabelSelector (as in ReplicaSet/Deployment specs). */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | (string & {}); values?: string[] }[];
}

/** A parsed selector: the AND of its requirements. `nothing` selectors (from a nil LabelSelector) match no object. */
export class LabelSelector {
  constructor(
    readonly requirements: LabelRequirement[],
    readonly nothing = false,
  ) {}

  /** True when the selector selects everything (no requirements). */
  empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  /** True when every requirement holds for `labels`. */
  matches(labels: Record<string, string> | undefined): boolean {
    if (this.nothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels ?? {}));
  }

  /** Canonical string form, e.g. `app=web,env in (a,b)` (requirements sorted by key). */
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

/** A selector matching everything. */
export function everything(): LabelSelector {
  return new LabelSelector([]);
}

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && v !== undefined && r.values.includes(v);
    case 'notin':
    case '!=':
      return !has || v === undefined || !r.values.includes(v);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || v === undefined || r.values.length !== 1 || !/^[+-]?\d+$/.test(v)) return false;
      const rv = r.values[0] ?? '';
      if (!/^[+-]?\d+$/.test(rv)) return false;
      const a = BigInt(v);
      const b = BigInt(rv);
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

function requirementString(r: LabelRequirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${r.values.join(',')})`;
    case 'notin':
      return `${r.key} notin (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values.join(',')}`;
    case 'lt':
      return `${r.key}<${r.values.join(',')}`;
    default:
      return `${r.key}${r.operator}${r.values.join(',')}`;
  }
}

function aggregate(errs: FieldError[]): string {
  const parts = errs.map(formatFieldError);
  return parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
}

/**
 * NewRequirement: validates key (qualified name) and values (label values) for the operator; throws an
 * Error with kube's aggregated field-error message on failure.
 */
export function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs: FieldError[] = [];
  const keyMsgs = isQualifiedName(key);
  if (keyMsgs.length > 0) errs.push(field.invalid('key', key, keyMsgs.join('; ')));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(field.invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(field.invalid('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(field.invalid('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(field.invalid('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(field.invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(field.invalid(`values[${i}][${key}]`, v, msgs.join('; ')));
  });
  if (errs.length > 0) throw new Error(aggregate(errs));
  return { key, operator, values: [...new Set(values)].sort() };
}

type Tok = 'id' | 'end' | 'error' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | 'in' | 'notin' | '>' | '<';
interface Scanned {
  tok: Tok;
  lit: string;
}

const keywords: Record<string, Tok> = {
  ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(',
};
const special = new Set(['=', '!', '(', ')', ',', '>', '<']);
const whitespace = new Set([' ', '\t', '\r', '\n']);

function lex(input: string): Scanned[] {
  const out: Scanned[] = [];
  let i = 0;
  for (;;) {
    while (i < input.length && whitespace.has(input[i] ?? '')) i++;
    if (i >= input.length) {
      out.push({ tok: 'end', lit: '' });
      return out;
    }
    const ch = input[i] ?? '';
    if (special.has(ch)) {
      let buffer = '';
      let last: Scanned | undefined;
      while (i < input.length && special.has(input[i] ?? '')) {
        const next = buffer + (input[i] ?? '');
        const kw = keywords[next];
        if (kw) {
          last = { tok: kw, lit: next };
          buffer = next;
          i++;
        } else if (last) {
          break;
        } else {
          buffer = next;
          i++;
        }
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
      if (!last) return [...out, { tok: 'end', lit: '' }];
      continue;
    }
    let word = '';
    while (i < input.length && !whitespace.has(input[i] ?? '') && !special.has(input[i] ?? '')) word += input[i++];
    const kw = keywords[word];
    out.push({ tok: kw ?? 'id', lit: word });
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly items: Scanned[]) {}

  /** Values context turns the `in`/`notin` keywords into identifiers. */
  private peek(values: boolean): Scanned {
    const it = this.items[Math.min(this.pos, this.items.length - 1)] ?? { tok: 'end', lit: '' };
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }

  private next(values: boolean): Scanned {
    const it = this.peek(values);
    if (this.pos < this.items.length - 1) this.pos++;
    return it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'id' || tok === '!') {
        let r: LabelRequirement;
        try {
          r = this.parseRequirement();
        } catch (err) {
          throw new Error(`unable to parse requirement: ${(err as Error).message}`, { cause: err });
        }
        reqs.push(r);
        const t = this.next(true);
        if (t.tok === 'end') return reqs;
        if (t.tok === ',') {
          const t2 = this.peek(true);
          if (t2.tok !== 'id' && t2.tok !== '!') throw new Error(`found '${t2.lit}', expected: identifier after ','`);
          continue;
        }
        throw new Error(`found '${t.lit}', expected: ',' or 'end of string'`);
      }
      if (tok === 'end') return reqs;
      throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }

  private parseRequirement(): LabelRequirement {
    let operator: LabelOperator | undefined;
    let t = this.next(true);
    if (t.tok === '!') {
      operator = '!';
      t = this.next(true);
    }
    if (t.tok !== 'id') throw new Error(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyMsgs = isQualifiedName(key);
    if (keyMsgs.length > 0) throw new Error(formatFieldError(field.invalid('<nil>', key, keyMsgs.join('; '))));
    const la = this.peek(true).tok;
    if (la === 'end' || la === ',') operator ??= 'exists';
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);
    const opTok = this.next(false);
    const ops: Partial<Record<Tok, LabelOperator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };
    const op = ops[opTok.tok];
    if (!op) throw new Error(`found '${opTok.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, values);
  }

  private parseValues(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek(true);
    if (tok === ')') {
      this.next(true);
      return [''];
    }
    if (tok !== 'id' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.next(true).tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
    return values;
  }

  private parseIdentifiersList(): string[] {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.next(true);
      if (tok === 'id') {
        s.add(lit);
        const t2 = this.peek(true);
        if (t2.tok === ',') continue;
        if (t2.tok === ')') return [...s];
        throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (tok === ',') {
        if (s.size === 0) s.add('');
        const t2 = this.peek(true);
        if (t2.tok === ')') {
          s.add('');
          return [...s];
        }
        if (t2.tok === ',') {
          this.next(true);
          s.add('');
        }
      } else {
        throw new Error(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const la = this.peek(true).tok;
    if (la === 'end' || la === ',') return [''];
    const { tok, lit } = this.next(true);
    if (tok === 'id') return [lit];
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parses a label selector string (labels.Parse). The empty string selects everything. Throws an
 * Error whose message is kube's (e.g. `unable to parse requirement: found '', expected: identifier`).
 */
export function parseLabelSelector(selector: string): LabelSelector {
  const reqs = new Parser(lex(selector)).parse();
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new LabelSelector(reqs);
}

/**
 * LabelSelectorAsSelector: converts a meta/v1 LabelSelector; undefined/null selects nothing, an empty
 * one everything. Throws on invalid operators (`"Foo" is not a valid label selector operator`) or values.
 */
export function labelSelectorFromSpec(spec: LabelSelectorSpec | null | undefined): LabelSelector {
  if (!spec) return new LabelSelector([], true);
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(spec.matchLabels ?? {})) reqs.push(newRequirement(k, '=', [v]));
  const ops: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };
  for (const expr of spec.matchExpressions ?? []) {
    const op = ops[expr.operator];
    if (!op) throw new Error(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, [...(expr.values ?? [])]));
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new LabelSelector(reqs);
}

/** labels.FormatLabels: `k=v,k2=v2` sorted by key, or `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels?.[k] ?? ''}`).join(',');
}
