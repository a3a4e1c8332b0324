/**
 * The README's "Commands and flags" tables, generated from the command definitions between
 * `<!-- k1s:NAME -->` and `<!-- /k1s:NAME -->` markers; readme.test.ts fails when the README drifts.
 * Regenerate: `node -e "import('./dist/src/cli/readme.js').then((m) => m.writeReadme('README.md'))"`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { COMMANDS, findCommand } from './commands.js';
import { renderMarkdownCommands, renderMarkdownFlags, renderMarkdownSharedFlags } from './help.js';
import { SERVER_FLAGS } from './server-command.js';

/** The generated blocks by marker name: `commands`, `server-flags`, `other-flags`. */
export function readmeBlocks(): Map<string, string> {
  const others = [['images'], ['killall'], ['kubectl'], ['ctr'], ['crictl'], ['dashboard'], ['install'], ['uninstall']].map((w) => findCommand(w)!);
  // install also takes every server flag (they go into the unit's ExecStart): listed once, in the server table.
  const withoutServerFlags = others.map((c) => (c.name === 'install' ? { ...c, flags: c.flags.filter((f) => !SERVER_FLAGS.includes(f)) } : c));
  return new Map([
    ['commands', renderMarkdownCommands(COMMANDS.filter((c) => c.name !== 'help'))],
    ['server-flags', renderMarkdownFlags(findCommand(['server'])!)],
    ['other-flags', renderMarkdownSharedFlags(withoutServerFlags)],
  ]);
}

/** `text` with every marked block replaced by its generated content; throws when a marker pair is missing. */
export function updateReadme(text: string): string {
  let out = text;
  for (const [name, body] of readmeBlocks()) {
    const open = `<!-- k1s:${name} -->\n`;
    const close = `<!-- /k1s:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README: missing ${open.trim()} … ${close} markers`);
    out = out.slice(0, start + open.length) + body + out.slice(end);
  }
  return out;
}

/** Rewrites the README at `path` with current tables. */
export function writeReadme(path: string): void {
  writeFileSync(path, updateReadme(readFileSync(path, 'utf8')));
}
