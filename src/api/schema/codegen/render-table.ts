/**
 * Prints a TypeTable as the TypeScript source of a `tables/*.gen.ts` module, in the layout of the tables k1s
 * already had: one line a field, types sorted by name, a header naming its job and where it came from.
 */
import type { FieldDef, TypeDef, TypeTable } from '../types.js';

/** A single-quoted TypeScript string literal. */
export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

function value(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(value).join(', ')}]`;
  throw new Error(`cannot print ${JSON.stringify(v)}`);
}

function props(o: object): string {
  return Object.entries(o)
    .map(([k, v]) => `${k}: ${value(v)}`)
    .join(', ');
}

function fieldLine(name: string, f: FieldDef): string {
  return `    ${key(name)}: { ${props(f)} },`;
}

function typeLines(name: string, t: TypeDef): string[] {
  const { fields, ...head } = t;
  const entries = Object.entries(fields);
  if (entries.length === 0) return [`  ${key(name)}: { ${props(head)}, fields: {} },`];
  return [`  ${key(name)}: { ${props(head)}, fields: {`, ...entries.map(([n, f]) => fieldLine(n, f)), '  } },'];
}

/** What a rendered module holds. */
export interface TableModule {
  /** One sentence on the module's job (first line, and the export's docstring). */
  job: string;
  /** Further header comment lines: generator, inputs, tag and commit. */
  provenance: string[];
  /** The exported constant (`appsV1`). */
  exportName: string;
  table: TypeTable;
}

/** The module's source text; types sorted by name (`localeCompare`, as the existing tables). */
export function renderTableModule(m: TableModule): string {
  const names = Object.keys(m.table).sort((a, b) => a.localeCompare(b, 'en'));
  const lines = [
    `// ${m.job}`,
    ...m.provenance.map((l) => `// ${l}`),
    "import type { TypeTable } from '../types.js';",
    '',
    `/** ${m.job} */`,
    `export const ${m.exportName}: TypeTable = {`,
    ...names.flatMap((n) => typeLines(n, m.table[n]!)),
    '};',
    '',
  ];
  return lines.join('\n');
}
