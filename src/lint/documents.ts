/**
 * Lints a YAML stream (one or many `---` documents, as `kubectl apply -f` reads them): the warnings of each
 * document's pod specs with the document's kind, name and first line, for `k1s lint`.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import { lintObject } from './lint.js';
import type { LintWarning } from './warning.js';

/** The warnings of one document of the stream. */
export interface DocumentFindings {
  /** 1-based line where the document starts. */
  line: number;
  /** `kind` as written, `''` when missing. */
  kind: string;
  /** `metadata.name`, else `metadata.generateName`, else `''`. */
  name: string;
  warnings: LintWarning[];
}

/** A stream that is not YAML, or a document that is neither an object nor empty; `line` is 1-based. */
export class LintInputError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'LintInputError';
  }
}

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * The findings of every non-empty document of `text`, in order (documents without pod specs have no warnings).
 * Throws LintInputError at the first YAML syntax error or at a document that is not a mapping.
 */
export function lintYaml(text: string): DocumentFindings[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: DocumentFindings[] = [];
  for (const doc of list) {
    // The document's first line of content (after a `---` marker and comments).
    const start = lines.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line;
    const error = doc.errors[0];
    if (error) throw new LintInputError((error.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, ''), lines.linePos(error.pos[0]).line);
    const obj: unknown = doc.toJS();
    if (obj === null || obj === undefined) continue;
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new LintInputError('a document is not a Kubernetes object (a YAML mapping)', start);
    const meta = record(record(obj)['metadata']);
    const name = typeof meta['name'] === 'string' ? meta['name'] : typeof meta['generateName'] === 'string' ? meta['generateName'] : '';
    const kind = record(obj)['kind'];
    out.push({ line: start, kind: typeof kind === 'string' ? kind : '', name, warnings: lintObject(obj) });
  }
  return out;
}
