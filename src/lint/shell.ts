/**
 * Reads what a container's command does, as far as static text tells: a small POSIX-shell tokenizer (quotes,
 * `$(…)`, comments, redirections, `;`/`&&`/`|`/`&`) turning `sh -c` scripts and exec-form commands into
 * simple commands and loops, for the lint checks that ask "does it write here?" and "does it ever exit?".
 */

/** A word or an operator of a shell script. `quoted` words (any quoting) are never reserved words. */
type Token = { kind: 'word'; text: string; quoted: boolean } | { kind: 'op'; text: string };

/** One simple command: its words (quotes removed) and redirections, and how it ended. */
export interface SimpleCommand {
  words: string[];
  /** `>`, `>>`, `&>`, `>|`… with their target word (an fd like `&1` for `2>&1`). */
  redirects: { op: string; target: string }[];
  /** Ran in the background (`cmd &`): the shell does not wait for it. */
  background: boolean;
}

/** A shell construct of the script, in order: a simple command or a reserved word (`while`, `do`, `done`…). */
export type ScriptItem = { kind: 'command'; command: SimpleCommand } | { kind: 'keyword'; word: string; background: boolean };

const RESERVED = new Set(['while', 'until', 'do', 'done', 'if', 'then', 'else', 'elif', 'fi', 'for', 'case', 'esac', '{', '}', '!', 'in']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);
const OPERATORS = ['&&', '||', ';;', '>>', '>|', '&>>', '&>', '<<-', '<<', '>&', '<&', '<>', ';', '&', '|', '(', ')', '<', '>', '\n'];
const REDIRECTS = new Set(['>>', '>|', '&>>', '&>', '<<-', '<<', '>&', '<&', '<>', '<', '>']);

/** The last path segment of a command word: `/bin/sh` → `sh`. */
export function baseName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Reads a `$(…)`, `${…}` or backtick span starting at `i` (at `$` or the backtick); returns the index after it. */
function skipExpansion(s: string, i: number): number {
  if (s[i] === '`') {
    let j = i + 1;
    while (j < s.length && s[j] !== '`') j += s[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, s.length);
  }
  const open = s[i + 1]!;
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  let j = i + 1;
  while (j < s.length) {
    const ch = s[j]!;
    if (ch === '\\') j += 2;
    else if (ch === "'") j = s.indexOf("'", j + 1) < 0 ? s.length : s.indexOf("'", j + 1) + 1;
    else if (ch === open) (depth++, j++);
    else if (ch === close) {
      depth--;
      j++;
      if (depth === 0) return j;
    } else j++;
  }
  return s.length;
}

/** Splits a shell script into words and operators, dropping comments; unbalanced quotes run to the end. */
export function tokenize(script: string): Token[] {
  const out: Token[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  const end = (): void => {
    if (inWord) out.push({ kind: 'word', text: word, quoted });
    word = '';
    inWord = false;
    quoted = false;
  };
  for (let i = 0; i < script.length; ) {
    const ch = script[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      end();
      i++;
    } else if (ch === '\\') {
      if (script[i + 1] === '\n') i += 2;
      else {
        word += script[i + 1] ?? '';
        inWord = true;
        quoted = true;
        i += 2;
      }
    } else if (ch === "'") {
      const close = script.indexOf("'", i + 1);
      const stop = close < 0 ? script.length : close;
      word += script.slice(i + 1, stop);
      inWord = true;
      quoted = true;
      i = stop + 1;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\' && j + 1 < script.length) {
          word += script[j + 1];
          j += 2;
        } else if (script[j] === '$' && (script[j + 1] === '(' || script[j + 1] === '{')) {
          const k = skipExpansion(script, j);
          word += script.slice(j, k);
          j = k;
        } else word += script[j++];
      }
      inWord = true;
      quoted = true;
      i = j + 1;
    } else if ((ch === '$' && (script[i + 1] === '(' || script[i + 1] === '{')) || ch === '`') {
      const k = skipExpansion(script, i);
      word += script.slice(i, k);
      inWord = true;
      i = k;
    } else if (ch === '#' && !inWord) {
      const nl = script.indexOf('\n', i);
      i = nl < 0 ? script.length : nl;
    } else {
      const op = OPERATORS.find((o) => script.startsWith(o, i));
      if (!op) {
        word += ch;
        inWord = true;
        i++;
        continue;
      }
      // An all-digit word right before a redirection is its file descriptor (`2>/dev/null`).
      if (REDIRECTS.has(op) && inWord && !quoted && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      }
      end();
      out.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  end();
  return out;
}

/**
 * The script's constructs in order: simple commands (with their redirections and whether they were put in the
 * background) and reserved words in command position (`while`, `do`, `done`, `if`…), as a POSIX shell parses them.
 * `for NAME in WORDS` headers are skipped; words after `<<` name a here-document, whose body is not read.
 */
export function parseScript(script: string): ScriptItem[] {
  const tokens = tokenize(script);
  const items: ScriptItem[] = [];
  let current: SimpleCommand | undefined;
  let skipHeader = false;
  const finish = (background: boolean): void => {
    if (current) {
      current.background = background;
      items.push({ kind: 'command', command: current });
    } else if (background) {
      const last = items[items.length - 1];
      if (last?.kind === 'keyword') last.background = true;
    }
    current = undefined;
    skipHeader = false;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'op') {
      if (REDIRECTS.has(t.text)) {
        const target = tokens[i + 1];
        if (target?.kind === 'word') i++;
        // `>&1`-style targets follow the operator directly as a word.
        current ??= { words: [], redirects: [], background: false };
        current.redirects.push({ op: t.text, target: target?.kind === 'word' ? target.text : '' });
        continue;
      }
      finish(t.text === '&');
      continue;
    }
    if (skipHeader) continue;
    if (!current && !t.quoted && RESERVED.has(t.text)) {
      items.push({ kind: 'keyword', word: t.text, background: false });
      if (t.text === 'for' || t.text === 'case') skipHeader = true;
      continue;
    }
    current ??= { words: [], redirects: [], background: false };
    current.words.push(t.text);
  }
  finish(false);
  return items;
}

/** What a container runs, read from `command` + `args` (undefined when both are empty: the image's own). */
export interface ContainerProgram {
  /** `sh -c SCRIPT` (any shell): the script's constructs. */
  items: ScriptItem[];
  /** A `python -c` script's text, for the few Python loops the checks know. */
  python?: string;
  /** The whole command line as written, for messages. */
  text: string;
}

/**
 * The program of a container's `command`/`args`: a shell's `-c` script parsed (parseScript), or an exec-form
 * command as one simple command (no shell: `["tail", "-f", "/dev/null"]`). Undefined when neither is set.
 */
export function containerProgram(command: readonly string[], args: readonly string[]): ContainerProgram | undefined {
  const argv = [...command, ...args];
  if (argv.length === 0) return undefined;
  const text = argv.join(' ');
  const program = baseName(argv[0]!);
  // `sh -c`, `bash -ec`, `busybox sh -c`: the word after the first option ending in c is the script.
  const scriptAt = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c$/.test(a));
  if (SHELLS.has(program) && scriptAt > 0) return { items: parseScript(argv[scriptAt + 1] ?? ''), text };
  if (/^python[0-9.]*$/.test(program) && argv[1] === '-c') return { items: [], python: argv[2] ?? '', text };
  return { items: [{ kind: 'command', command: { words: argv, redirects: [], background: false } }], text };
}

/** Words before the real command that run it unchanged: `exec`, `nohup`, `env A=B`, `A=B`, `time`, `sudo`. */
function commandWords(words: readonly string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (['exec', 'nohup', 'time', 'sudo', 'command'].includes(baseName(w))) i++;
    else if (baseName(w) === 'env' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
    else break;
  }
  return words.slice(i);
}

const nonOptions = (words: readonly string[]): string[] => words.filter((w) => !w.startsWith('-'));

/**
 * The absolute paths one simple command writes (creates, appends to, copies or downloads into): redirection
 * targets, `tee` files, the destination of `cp`/`mv`/`ln`/`install`/`rsync`, `touch`/`mkdir` operands, `dd of=`,
 * `curl -o`, `wget -O`/`-P`, and `git clone URL DIR`. Relative paths and paths starting with a variable are left out.
 */
export function writtenPaths(c: SimpleCommand): string[] {
  const out: string[] = [];
  for (const r of c.redirects) if (r.op !== '<' && r.op !== '<<' && r.op !== '<<-' && r.op !== '<&' && r.op !== '>&') out.push(r.target);
  const words = commandWords(c.words);
  const name = baseName(words[0] ?? '');
  const rest = words.slice(1);
  const after = (flags: string[]): string[] => rest.flatMap((w, i) => (flags.includes(w) ? [rest[i + 1] ?? ''] : []));
  switch (name) {
    case 'tee':
    case 'touch':
    case 'mkdir':
      out.push(...nonOptions(rest));
      break;
    case 'cp':
    case 'mv':
    case 'ln':
    case 'install':
    case 'rsync': {
      const operands = nonOptions(rest);
      if (operands.length >= 2) out.push(operands[operands.length - 1]!);
      break;
    }
    case 'dd':
      out.push(...rest.filter((w) => w.startsWith('of=')).map((w) => w.slice(3)));
      break;
    case 'curl':
      out.push(...after(['-o', '--output']), ...rest.filter((w) => w.startsWith('--output=')).map((w) => w.slice(9)));
      break;
    case 'wget':
      out.push(...after(['-O', '-P']), ...rest.filter((w) => /^--(output-document|directory-prefix)=/.test(w)).map((w) => w.slice(w.indexOf('=') + 1)));
      break;
    case 'git': {
      const operands = nonOptions(rest);
      if (operands[0] === 'clone' && operands.length >= 3) out.push(operands[operands.length - 1]!);
      break;
    }
  }
  return out.filter((p) => p.startsWith('/'));
}

/** Every absolute path the program writes (writtenPaths of each simple command), in order, without repeats. */
export function programWrites(p: ContainerProgram): string[] {
  const all = p.items.flatMap((it) => (it.kind === 'command' ? writtenPaths(it.command) : []));
  return [...new Set(all)];
}

/**
 * The paths of programWrites that only `mkdir` names (`mkdir -p /data`): creating a directory that exists already
 * succeeds even on a read-only mount, so such a path may be the mount point itself.
 */
export function programMkdirOnly(p: ContainerProgram): string[] {
  const commands = p.items.flatMap((it) => (it.kind === 'command' ? [it.command] : []));
  const isMkdir = (c: SimpleCommand) => baseName(commandWords(c.words)[0] ?? '') === 'mkdir' && c.redirects.length === 0;
  const other = new Set(commands.filter((c) => !isMkdir(c)).flatMap(writtenPaths));
  return [...new Set(commands.filter(isMkdir).flatMap(writtenPaths))].filter((path) => !other.has(path));
}

const ENDLESS_CONDITIONS = new Set(['true', ':', '/bin/true', '[ 1 ]', '[ true ]', 'test 1']);

/** True for a command that never returns by itself: `tail -f`/`-F`/`--follow`, `sleep infinity`. */
function neverReturns(c: SimpleCommand): boolean {
  if (c.background) return false;
  const words = commandWords(c.words);
  const name = baseName(words[0] ?? '');
  if (name === 'tail') return words.slice(1).some((w) => /^-[a-zA-Z0-9]*[fF]/.test(w) || w === '--follow' || w.startsWith('--follow='));
  if (name === 'sleep') return words[1] === 'infinity' || words[1] === 'inf';
  return false;
}

/**
 * Why the program never exits, or undefined when it may: a command that never returns (`tail -f FILE`,
 * `sleep infinity`) in the foreground, or an endless loop (`while true`, `while :`, `until false`; Python's
 * `while True:`) with no `break`, `exit` or `return` in its body and not put in the background. The answer is the
 * offending text, e.g. `tail -f /var/log/app.log` or `while true; do ...; done`.
 */
export function neverExits(p: ContainerProgram): string | undefined {
  if (p.python !== undefined) {
    return /^\s*while\s+(True|1)\s*:/m.test(p.python) && !/\b(break|return|exit|_exit|quit)\b/.test(p.python) ? 'while True: ...' : undefined;
  }
  const items = p.items;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (it.kind === 'command') {
      if (neverReturns(it.command)) return commandWords(it.command.words).join(' ');
      if (['exit', 'return'].includes(baseName(it.command.words[0] ?? ''))) return undefined;
      continue;
    }
    if (it.word !== 'while' && it.word !== 'until') continue;
    const cond = items[i + 1];
    const condText = cond?.kind === 'command' ? cond.command.words.join(' ') : '';
    const endless = it.word === 'while' ? ENDLESS_CONDITIONS.has(condText) : condText === 'false' || condText === '/bin/false';
    // The loop body runs from `do` to its matching `done`.
    let depth = 0;
    let end = i + 1;
    let leaves = false;
    for (; end < items.length; end++) {
      const b = items[end]!;
      if (b.kind === 'keyword' && b.word === 'do') depth++;
      else if (b.kind === 'keyword' && b.word === 'done' && --depth === 0) break;
      else if (b.kind === 'command' && ['break', 'exit', 'return'].includes(baseName(b.command.words[0] ?? ''))) leaves = true;
    }
    const done = items[end];
    const background = done?.kind === 'keyword' && done.background;
    if (endless && !leaves && !background && done) return `${it.word} ${condText}; do ...; done`;
    // A loop that ends lets the script go on; a backgrounded endless one does not block it.
    i = end;
  }
  return undefined;
}

/** The local TCP ports the text connects to: `localhost:8080`, `127.0.0.1:9000`, `nc -z localhost 5432`. */
export function localhostPorts(text: string): number[] {
  const out = new Set<number>();
  for (const m of text.matchAll(/\b(?:localhost|127\.0\.0\.1)(?::(\d{1,5})\b|[ \t]+(\d{1,5})\b)/g)) out.add(Number(m[1] ?? m[2]));
  return [...out];
}
