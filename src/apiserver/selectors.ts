/**
 * Label and field selectors of list/watch requests: parsing and matching.
 *
 * Mirrors apimachinery `pkg/labels/selector.go` (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`) and
 * `pkg/fields/selector.go` (`=`, `==`, `!=` only). Parse errors are 400 BadRequest like kube's
 * `unable to parse requirement` messages.
 */
import { badRequest } from '../api/errors.js';

/** One requirement of a label selector. */
export interface LabelRequirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!';
  values: string[];
}

/** A parsed selector: all requirements must hold. An empty list matches everything. */
export type LabelSelector = LabelRequirement[];

/** One field requirement (`spec.nodeName=node1`, `status.phase!=Running`). */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function checkKey(key: string, whole: string): string {
  if (!LABEL_KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${whole}"`);
  return key;
}

/** Parses a `labelSelector` query value; throws 400 on syntax errors. */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (!text) return [];
  return splitTop(text).map((part): LabelRequirement => {
    let m = /^([^\s!=()]+)\s+(in|notin)\s+\((.*)\)$/.exec(part);
    if (m) {
      const values = (m[3] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { key: checkKey(m[1] ?? '', part), op: m[2] === 'in' ? 'in' : 'notin', values };
    }
    m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(part);
    if (m) {
      return { key: checkKey(m[1] ?? '', part), op: m[2] === '!=' ? 'notin' : 'in', values: [m[3] ?? ''] };
    }
    m = /^!\s*([^\s!=]+)$/.exec(part);
    if (m) return { key: checkKey(m[1] ?? '', part), op: '!', values: [] };
    if (/^[^\s!=()]+$/.test(part)) return { key: checkKey(part, part), op: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

/** True when `labels` satisfy every requirement. */
export function matchLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return sel.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'in':
        return has && r.values.includes(l[r.key] ?? '');
      case 'notin':
        return !has || !r.values.includes(l[r.key] ?? '');
      case 'exists':
        return has;
      case '!':
        return !has;
    }
  });
}

/** Parses a `fieldSelector` query value; throws 400 on syntax errors. */
export function parseFieldSelector(text: string | undefined): FieldRequirement[] {
  if (!text) return [];
  return splitTop(text).map((part) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    return { field: (m[1] ?? '').trim(), op: m[2] === '!=' ? '!=' : '=', value: (m[3] ?? '').trim() };
  });
}

/**
 * True when `fields` satisfy every requirement. A field the kind does not expose makes the request
 * invalid in kube (`field label not supported`); `checkFields` reports that, here it simply does not match.
 */
export function matchFields(sel: FieldRequirement[], fields: Record<string, string>): boolean {
  return sel.every((r) => {
    const v = fields[r.field];
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}

/** Throws 400 `field label not supported: x` when a requirement names a field the kind does not expose. */
export function checkFields(sel: FieldRequirement[], supported: Record<string, string>): void {
  for (const r of sel) {
    if (!(r.field in supported)) throw badRequest(`field label not supported: ${r.field}`);
  }
}
