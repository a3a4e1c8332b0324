/**
 * Removes everything the service proxy put into iptables — its jumps from the built-in chains, then its
 * chains in the nat and filter tables — for `k1s killall` and a clean stop (kube-proxy's
 * CleanupLeftovers, which also removes KUBE-MARK-MASQ here since nothing else of k1s creates it).
 */
import { chainNames, isServiceChainName, type ChainNames } from './chains.js';
import { chainsOfSave, iptablesRestore, listChains, runCommand, type CommandRunner } from './iptables.js';

/** Options of {@link cleanupProxyRules}. */
export interface CleanupOptions {
  run?: CommandRunner;
  /** Chain prefix the proxy used (default `KUBE`). */
  chainPrefix?: string;
}

/** What {@link cleanupProxyRules} removed, and what it could not. */
export interface CleanupReport {
  removedJumps: number;
  /** `table/chain` of each chain removed. */
  removedChains: string[];
  errors: string[];
}

/** The proxy's chains among `existing` in `table`: the fixed ones and, in nat, the per-service ones. */
export function ownedChains(table: 'nat' | 'filter', existing: Iterable<string>, names: ChainNames): string[] {
  const fixed =
    table === 'nat' ? [names.services, names.nodePorts, names.postrouting, names.markMasq] : [names.services, names.externalServices, names.forward];
  return [...existing].filter((c) => fixed.includes(c) || (table === 'nat' && isServiceChainName(c, names.prefix))).sort();
}

/** Splits an iptables-save rule into arguments: spaces separate, double quotes group (`\\"` is a quote). Pure. */
export function splitSaveArgs(rule: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (let i = 0; i < rule.length; i++) {
    const ch = rule[i]!;
    if (quoted && ch === '\\' && rule[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
      any = true;
    } else if (ch === ' ' && !quoted) {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur !== '' || any) out.push(cur);
  return out;
}

/**
 * The rules of `save` (iptables-save output of one table) that sit in a chain outside `targets` and jump to
 * one in `targets`, as `{ chain, args }` (args without `-A CHAIN`): the hooks to delete before the chains,
 * whatever form an earlier version of the proxy gave them. Pure.
 */
export function jumpsInto(save: string, targets: ReadonlySet<string>): { chain: string; args: string[] }[] {
  const out: { chain: string; args: string[] }[] = [];
  for (const line of save.split('\n')) {
    if (!line.startsWith('-A ')) continue;
    const [, chain = '', ...args] = splitSaveArgs(line);
    const target = args[args.indexOf('-j') + 1];
    if (!targets.has(chain) && args.includes('-j') && target !== undefined && targets.has(target)) out.push({ chain, args });
  }
  return out;
}

/**
 * Deletes every rule of `table` jumping into `chains` from a chain outside them (see {@link jumpsInto}), then
 * flushes and deletes `chains` in one restore. Returns the number of jumps deleted. Throws when iptables fails.
 */
export async function removeChains(run: CommandRunner, table: 'nat' | 'filter', chains: readonly string[]): Promise<number> {
  if (chains.length === 0) return 0;
  const save = await run('iptables-save', ['-t', table]);
  if (save.code !== 0) throw new Error(`iptables-save -t ${table}: ${save.stderr.trim()} (exit code ${save.code})`);
  const present = chains.filter((c) => chainsOfSave(save.stdout).has(c));
  let removed = 0;
  for (const j of jumpsInto(save.stdout, new Set(chains))) {
    const r = await run('iptables', ['-w', '5', '-t', table, '-D', j.chain, ...j.args]);
    if (r.code !== 0) throw new Error(`iptables -t ${table} -D ${j.chain} (jump to ${j.args[j.args.indexOf('-j') + 1]}): ${r.stderr.trim()} (exit code ${r.code})`);
    removed++;
  }
  if (present.length > 0) await iptablesRestore(run, cleanupScript(table, present));
  return removed;
}

/** The restore input flushing and deleting `chains` of `table`; "" for none. Pure. */
export function cleanupScript(table: 'nat' | 'filter', chains: readonly string[]): string {
  if (chains.length === 0) return '';
  return `${[`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT'].join('\n')}\n`;
}

/**
 * Deletes every rule jumping into the proxy's chains of its prefix (in whatever form: scoped or not), then
 * flushes and deletes those chains, in filter then nat. Idempotent and safe when nothing exists; never touches
 * other chains (another prefix's, the CNI plugin's, Docker's) nor the service-CIDR guard (removeServiceCidrGuard).
 * Never throws: failures are listed in `errors` (iptables missing, ...).
 */
export async function cleanupProxyRules(options: CleanupOptions = {}): Promise<CleanupReport> {
  const run = options.run ?? runCommand;
  const names = chainNames(options.chainPrefix);
  const report: CleanupReport = { removedJumps: 0, removedChains: [], errors: [] };
  for (const table of ['filter', 'nat'] as const) {
    try {
      const save = await run('iptables-save', ['-t', table]);
      if (save.code !== 0) throw new Error(`iptables-save -t ${table}: ${save.stderr.trim()} (exit code ${save.code})`);
      const chains = ownedChains(table, chainsOfSave(save.stdout), names);
      report.removedJumps += await removeChains(run, table, chains);
      report.removedChains.push(...chains.map((c) => `${table}/${c}`));
    } catch (err) {
      report.errors.push(`remove ${table} chains: ${(err as Error).message}`);
    }
  }
  return report;
}

/**
 * What of the proxy is still in iptables after {@link cleanupProxyRules} and the guard's removal, as
 * `iptables <table> chain <NAME>` lines (its own chains and the service-CIDR guard chain `guardChain`,
 * default `<prefix>-SERVICE-GUARD`), for
 * `k1s killall`/`k1s uninstall` to report. Never throws: a failing iptables-save is one line saying so.
 */
export async function proxyLeftovers(options: CleanupOptions & { guardChain?: string } = {}): Promise<string[]> {
  const run = options.run ?? runCommand;
  const names = chainNames(options.chainPrefix);
  const left: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    try {
      const existing = await listChains(run, table);
      const owned = ownedChains(table, existing, names);
      const guard = options.guardChain ?? names.guard;
      if (table === 'filter' && existing.has(guard)) owned.push(guard);
      left.push(...owned.map((c) => `iptables ${table} chain ${c}`));
    } catch (err) {
      left.push(`iptables ${table}: cannot list chains: ${(err as Error).message}`);
    }
  }
  return left;
}
