/**
 * Matching of a core/v1 NodeSelector against a node: the OR of its terms, each the AND of its label and field
 * requirements. Used for PersistentVolume node affinity by the scheduler's volume binding and the PV controller.
 *
 * Mirrors k8s.io/component-helpers `scheduling/corev1/nodeaffinity` (NodeSelector.Match): operators In, NotIn,
 * Exists, DoesNotExist, Gt and Lt on labels, In and NotIn on the field `metadata.name`; a term with no requirements
 * matches nothing; an invalid requirement makes its term match nothing.
 */
import type { NodeSelector, NodeSelectorRequirement } from './storage.js';

/** What a selector is matched against: the node's name and labels. */
export interface NodeFacts {
  name: string;
  labels: Record<string, string>;
}

function labelMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(v ?? '');
    case 'NotIn':
      return !has || !values.includes(v ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const a = Number.parseInt(v ?? '', 10);
      const b = Number.parseInt(values[0] ?? '', 10);
      if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

function fieldMatches(r: NodeSelectorRequirement, name: string): boolean {
  if (r.key !== 'metadata.name' || (r.values ?? []).length !== 1) return false;
  if (r.operator === 'In') return r.values?.[0] === name;
  if (r.operator === 'NotIn') return r.values?.[0] !== name;
  return false;
}

/** True when `node` satisfies `selector` (some term matches). An empty or absent selector matches nothing. */
export function nodeSelectorMatches(selector: NodeSelector | undefined, node: NodeFacts): boolean {
  for (const term of selector?.nodeSelectorTerms ?? []) {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) continue;
    if (exprs.every((r) => labelMatches(r, node.labels)) && fields.every((r) => fieldMatches(r, node.name))) return true;
  }
  return false;
}
