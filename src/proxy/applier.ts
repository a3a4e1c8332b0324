/**
 * The service proxy's applier: writes a plan to the kernel with `iptables-restore --noflush` (only the
 * proxy's own chains are flushed and rewritten), deletes the per-service chains no plan needs any more,
 * keeps the jumps from the built-in chains in place, and clears stale UDP conntrack entries — the
 * acting half of kube-proxy's syncProxyRules.
 */
import { chainNames, isServiceChainName, jumpRules, type ProxyScope } from './chains.js';
import { clearStaleConntrack } from './conntrack.js';
import { ensureJump, iptablesRestore, listChains, runCommand, type CommandRunner } from './iptables.js';
import { renderRestore, type ProxyPlan } from './planner.js';

/** Options of {@link createProxyApplier}. */
export interface ProxyApplierOptions {
  /** Command runner (default: child processes). */
  run?: CommandRunner;
  /** Chain prefix, as given to the planner (default `KUBE`). */
  chainPrefix?: string;
  /** Which forwarded packets are this proxy's (see {@link ProxyScope}); default: all. */
  scope?: ProxyScope;
}

/** What one {@link ProxyApplier.apply} did. */
export interface ApplyResult {
  /** False when the plan equals the one last written and no full sync was asked for. */
  written: boolean;
  /** Per-service chains deleted because no plan uses them any more. */
  deletedChains: string[];
  /** Jump rules that were missing and got inserted. */
  insertedJumps: number;
  /** Stale UDP conntrack filters applied. */
  conntrackCleared: number;
  /** Set when clearing conntrack entries failed (the rules were written nonetheless). */
  conntrackError?: unknown;
}

/** Writes plans; one instance per proxy, since it remembers what it last wrote. Calls must not overlap (the sync runner serialises them). */
export interface ProxyApplier {
  /**
   * Writes `plan` unless it equals the last one written. `full` (kube-proxy's full sync: the first
   * sync and the periodic ones) writes even an unchanged plan, looks in iptables-save for stale chains
   * left by an earlier process and re-checks the jump rules. Throws when iptables-restore or a jump
   * insertion fails; the next call then writes in full.
   */
  apply(plan: ProxyPlan, options?: { full?: boolean }): Promise<ApplyResult>;
}

/** The UDP frontends of a plan with their serving endpoint IPs, as one comparable string. */
function udpSignature(plan: ProxyPlan): string {
  return JSON.stringify(
    plan.servicePorts
      .filter((p) => p.protocol === 'UDP')
      .map((p) => [p.clusterIP, p.port, p.nodePort, p.externalIPs, p.loadBalancerIPs, p.endpoints.filter((e) => e.serving).map((e) => e.ip)]),
  );
}

/** Creates an applier. */
export function createProxyApplier(options: ProxyApplierOptions = {}): ProxyApplier {
  const run = options.run ?? runCommand;
  const names = chainNames(options.chainPrefix);
  const jumps = jumpRules(names, options.scope);
  let lastInput = '';
  /** Per-service nat chains the last written plan declared. */
  let lastChains = new Set<string>();
  let needFull = true;
  let lastUdp = '';

  return {
    async apply(plan, { full = false } = {}) {
      const doFull = full || needFull;
      const input = renderRestore(plan);
      if (!doFull && input === lastInput) return { written: false, deletedChains: [], insertedJumps: 0, conntrackCleared: 0 };
      needFull = true;
      const wanted = new Set(plan.nat.chains);
      const candidates = new Set(lastChains);
      if (doFull) for (const c of await listChains(run, 'nat')) if (isServiceChainName(c, names.prefix)) candidates.add(c);
      const stale = [...candidates].filter((c) => !wanted.has(c)).sort();
      await iptablesRestore(run, stale.length ? renderRestore(plan, stale) : input);
      let insertedJumps = 0;
      if (doFull) for (const j of jumps) if (await ensureJump(run, j)) insertedJumps++;
      lastInput = input;
      lastChains = new Set(plan.nat.chains.filter((c) => isServiceChainName(c, names.prefix)));
      needFull = false;
      const result: ApplyResult = { written: true, deletedChains: stale, insertedJumps, conntrackCleared: 0 };
      // Only a change of the UDP ports or their serving endpoints can leave stale flows (kube-proxy's ConntrackCleanupRequired).
      const udp = udpSignature(plan);
      if (doFull || udp !== lastUdp) {
        try {
          result.conntrackCleared = await clearStaleConntrack(run, plan.servicePorts);
          lastUdp = udp;
        } catch (err) {
          result.conntrackError = err;
        }
      }
      return result;
    },
  };
}
