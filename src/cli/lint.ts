/**
 * `k1s lint FILE…`: the multi-container warnings the API server would send for the manifests in FILEs (YAML or
 * JSON, many `---` documents; a directory's .yaml/.yml/.json files as `kubectl apply -f DIR` reads them; `-` for
 * stdin), offline. One line a warning on stdout; exit 0 clean, 1 on a warning, 2 when a file cannot be read or parsed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lintYaml, LintInputError } from '../lint/documents.js';
import { formatWarning } from '../lint/lint.js';
import { errorLine } from './error-line.js';
import { UsageError } from './flags.js';

/** Where runLint reads and writes; tests inject all three. */
export interface LintIo {
  /** A file's text (`-`: stdin); throws as fs does. */
  read(path: string): string;
  /** The manifest files of a directory, sorted, or undefined when `path` is not a directory. */
  list(path: string): string[] | undefined;
  out(line: string): void;
  err(line: string): void;
}

/** The real files, stdin, stdout and stderr. */
export const processLintIo: LintIo = {
  read: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
  list: (path) => {
    if (path === '-' || !statSync(path, { throwIfNoEntry: false })?.isDirectory()) return undefined;
    return readdirSync(path)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort()
      .map((f) => join(path, f));
  },
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Lints `files` and returns the exit code: 0 when no object has a warning, 1 when one has, 2 when a file cannot be
 * read or is not YAML, or a directory has no manifest files (the other files are still linted). Each warning is one line, `FILE:LINE: Kind/name: TEXT`
 * (LINE: where the object's document starts; TEXT: as kube-apiserver's Warning header carries it). Throws UsageError
 * without files.
 */
export function runLint(files: readonly string[], io: LintIo = processLintIo): number {
  if (files.length === 0) throw new UsageError("k1s lint: no FILE given; see 'k1s lint --help'");
  let warnings = 0;
  let unreadable = false;
  const paths = files.flatMap((f) => {
    let listed: string[] | undefined;
    try {
      listed = io.list(f);
    } catch {
      listed = undefined;
    }
    if (listed?.length === 0) {
      io.err(`k1s lint: ${f}: no .yaml, .yml or .json files in this directory`);
      unreadable = true;
    }
    return listed ?? [f];
  });
  for (const path of paths) {
    const name = path === '-' ? '<stdin>' : path;
    let text: string;
    try {
      text = io.read(path);
    } catch (err) {
      io.err(`k1s lint: ${name}: cannot read: ${errorLine(err)}`);
      unreadable = true;
      continue;
    }
    try {
      for (const doc of lintYaml(text)) {
        for (const w of doc.warnings) io.out(`${name}:${doc.line}: ${doc.kind || '<no kind>'}/${doc.name || '<no name>'}: ${formatWarning(w)}`);
        warnings += doc.warnings.length;
      }
    } catch (err) {
      if (!(err instanceof LintInputError)) throw err;
      io.err(`k1s lint: ${name}:${err.line}: cannot parse: ${err.message}`);
      unreadable = true;
    }
  }
  if (warnings > 0) io.err(`k1s lint: ${warnings} warning${warnings === 1 ? '' : 's'} (docs/warnings.md explains each code)`);
  return unreadable ? 2 : warnings > 0 ? 1 : 0;
}
