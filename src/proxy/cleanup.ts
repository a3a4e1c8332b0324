/**
 * Removes everything the service proxy put into iptables — its jumps from the built-in chains, then its
 * chains in the nat and filter tables — for `k1s killall` and a clean stop (kube-proxy's
 * CleanupLeftovers, which also removes KUBE-MARK-MASQ here since nothing else of k1s creates it).
 */
import { chainNames, isServiceChainName, jumpRules, type ChainNames } from './chains.js';
import { deleteJump, iptablesRestore, listChains, runCommand, type CommandRunner } from './iptables.js';

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

/** The restore input flushing and deleting `chains` of `table`; "" for none. Pure. */
export function cleanupScript(table: 'nat' | 'filter', chains: readonly string[]): string {
  if (chains.length === 0) return '';
  return `${[`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT'].join('\n')}\n`;
}

/**
 * Deletes the proxy's jump rules, then flushes and deletes its chains in nat and filter. Idempotent and
 * safe when nothing exists; never touches other chains (the CNI plugin's, Docker's). Never throws:
 * failures are listed in `errors` (iptables missing, a chain still referenced by a foreign rule).
 */
export async function cleanupProxyRules(options: CleanupOptions = {}): Promise<CleanupReport> {
  const run = options.run ?? runCommand;
  const names = chainNames(options.chainPrefix);
  const report: CleanupReport = { removedJumps: 0, removedChains: [], errors: [] };
  try {
    for (const jump of jumpRules(names)) report.removedJumps += await deleteJump(run, jump);
  } catch (err) {
    report.errors.push(`delete jump rules: ${(err as Error).message}`);
  }
  for (const table of ['filter', 'nat'] as const) {
    try {
      const chains = ownedChains(table, await listChains(run, table), names);
      if (chains.length === 0) continue;
      await iptablesRestore(run, cleanupScript(table, chains));
      report.removedChains.push(...chains.map((c) => `${table}/${c}`));
    } catch (err) {
      report.errors.push(`remove ${table} chains: ${(err as Error).message}`);
    }
  }
  return report;
}

/**
 * What of the proxy is still in iptables after {@link cleanupProxyRules} and the guard's removal, as
 * `iptables <table> chain <NAME>` lines (its own chains and the service-CIDR guard chain `guardChain`), for
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
      if (table === 'filter' && options.guardChain !== undefined && existing.has(options.guardChain)) owned.push(options.guardChain);
      left.push(...owned.map((c) => `iptables ${table} chain ${c}`));
    } catch (err) {
      left.push(`iptables ${table}: cannot list chains: ${(err as Error).message}`);
    }
  }
  return left;
}
