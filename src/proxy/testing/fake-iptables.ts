// An in-memory iptables for the proxy's unit tests: iptables-save, iptables-restore --noflush and iptables -C/-I/-D.

import type { CommandResult, CommandRunner } from '../iptables.js';

const BUILTIN: Record<string, string[]> = {
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};
const TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'DNAT', 'SNAT', 'MASQUERADE', 'MARK']);

type Tables = Map<string, Map<string, string[]>>;

/** Joins argv the way iptables-save prints it: arguments with spaces in double quotes. */
function joinArgs(args: string[]): string {
  return args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ');
}

/**
 * A fake iptables holding nat and filter tables. `run` is a CommandRunner for iptables, iptables-save,
 * iptables-restore (and conntrack, which lists nothing); every command is recorded in `commands`.
 * Restores are atomic: a failing line leaves the tables as they were.
 */
export class FakeIptables {
  tables: Tables = new Map(Object.entries(BUILTIN).map(([t, chains]) => [t, new Map(chains.map((c) => [c, []]))]));
  readonly commands: string[] = [];

  /** The rules of `table`/`chain` (without `-A CHAIN`), or undefined when the chain does not exist. */
  rules(table: string, chain: string): string[] | undefined {
    return this.tables.get(table)?.get(chain);
  }

  /** Chain names of `table`. */
  chains(table: string): string[] {
    return [...(this.tables.get(table)?.keys() ?? [])];
  }

  private referenced(chains: Map<string, string[]>, chain: string): boolean {
    return [...chains.values()].some((rules) => rules.some((r) => r.endsWith(`-j ${chain}`) || r.includes(`-j ${chain} `)));
  }

  private targetOk(chains: Map<string, string[]>, rule: string): boolean {
    const target = / -j (\S+)/.exec(` ${rule}`)?.[1];
    return !target || TARGETS.has(target) || chains.has(target);
  }

  private restore(input: string): CommandResult {
    const next: Tables = new Map([...this.tables].map(([t, chains]) => [t, new Map([...chains].map(([c, r]) => [c, [...r]]))]));
    let table: Map<string, string[]> | undefined;
    const lines = input.split('\n');
    for (const [i, l] of lines.entries()) {
      const fail = (msg: string): CommandResult => ({ code: 1, stdout: '', stderr: `iptables-restore: line ${i + 1} failed: ${msg}` });
      if (l === '' || l.startsWith('#')) continue;
      if (l.startsWith('*')) {
        table = next.get(l.slice(1));
        if (!table) return fail(`no table ${l.slice(1)}`);
      } else if (l === 'COMMIT') table = undefined;
      else if (!table) return fail('rule outside a table');
      else if (l.startsWith(':')) table.set(l.slice(1).split(' ')[0]!, []);
      else if (l.startsWith('-A ')) {
        const [, chain = '', rest = ''] = /^-A (\S+) (.*)$/.exec(l) ?? [];
        const rules = table.get(chain);
        if (!rules) return fail(`no chain ${chain}`);
        if (!this.targetOk(table, rest)) return fail(`no target in ${rest}`);
        rules.push(rest);
      } else if (l.startsWith('-X ')) {
        const chain = l.slice(3);
        if (!table.has(chain)) return fail(`no chain ${chain} to delete`);
        if (this.referenced(table, chain)) return fail(`chain ${chain} is referenced`);
        table.delete(chain);
      } else return fail(`unknown line ${l}`);
    }
    this.tables = next;
    return { code: 0, stdout: '', stderr: '' };
  }

  private save(table: string): CommandResult {
    const chains = this.tables.get(table);
    if (!chains) return { code: 1, stdout: '', stderr: `no table ${table}` };
    const out = [`*${table}`, ...[...chains.keys()].map((c) => `:${c} ${BUILTIN[table]?.includes(c) ? 'ACCEPT' : '-'} [0:0]`)];
    for (const [c, rules] of chains) for (const r of rules) out.push(`-A ${c} ${r}`);
    out.push('COMMIT', '');
    return { code: 0, stdout: out.join('\n'), stderr: '' };
  }

  private iptables(args: string[]): CommandResult {
    const rest = args.filter((_, i) => !(args[i] === '-w' || args[i - 1] === '-w'));
    const table = rest[0] === '-t' ? rest[1]! : 'filter';
    const [op, chain = '', ...more] = rest[0] === '-t' ? rest.slice(2) : rest;
    const chains = this.tables.get(table);
    const rules = chains?.get(chain);
    if (!chains || !rules) return { code: 1, stdout: '', stderr: `iptables: No chain/target/match by that name.` };
    const ruleArgs = op === '-I' ? more.slice(1) : more;
    const rule = joinArgs(ruleArgs);
    switch (op) {
      case '-C':
        if (!this.targetOk(chains, rule)) return { code: 2, stdout: '', stderr: "Couldn't load target" };
        return rules.includes(rule) ? { code: 0, stdout: '', stderr: '' } : { code: 1, stdout: '', stderr: 'Bad rule (does a matching rule exist in that chain?).' };
      case '-I':
        if (!this.targetOk(chains, rule)) return { code: 2, stdout: '', stderr: "Couldn't load target" };
        rules.splice(Number(more[0] ?? 1) - 1, 0, rule);
        return { code: 0, stdout: '', stderr: '' };
      case '-D': {
        const i = rules.indexOf(rule);
        if (i < 0) return { code: 1, stdout: '', stderr: 'Bad rule (does a matching rule exist in that chain?).' };
        rules.splice(i, 1);
        return { code: 0, stdout: '', stderr: '' };
      }
      default:
        return { code: 2, stdout: '', stderr: `unsupported ${op}` };
    }
  }

  readonly run: CommandRunner = async (cmd, args, stdin) => {
    this.commands.push(`${cmd} ${args.join(' ')}`);
    switch (cmd) {
      case 'iptables-restore':
        return this.restore(stdin ?? '');
      case 'iptables-save':
        return this.save(args[args.indexOf('-t') + 1] ?? 'filter');
      case 'iptables':
        return this.iptables(args);
      case 'conntrack':
        return { code: 0, stdout: '', stderr: '' };
      default:
        throw Object.assign(new Error(`spawn ${cmd} ENOENT`), { code: 'ENOENT' });
    }
  };
}
