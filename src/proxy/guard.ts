/**
 * The service-CIDR guard: a filter rule, installed at server start before any pod runs and kept until
 * `k1s killall`, that rejects every packet still addressed to the service CIDR after NAT — traffic no proxy rule
 * translated (the proxy not synced yet, the server stopped while pods keep running, an unallocated IP). Without it
 * such packets would follow the default route off the machine. DNAT happens in nat PREROUTING/OUTPUT, before
 * filter FORWARD/OUTPUT, so translated service traffic never matches. Its chain is `<prefix>-SERVICE-GUARD`, one
 * per chain prefix (per data dir), so servers sharing a host each keep and remove their own.
 */
import { chainNames, DEFAULT_CHAIN_PREFIX, type JumpRule } from './chains.js';
import { deleteJump, ensureJump, iptablesRestore, listChains, runCommand, type CommandRunner } from './iptables.js';

/** The guard's chain in the filter table for the default prefix. */
export const GUARD_CHAIN = 'KUBE-SERVICE-GUARD';

/** Options of the guard functions. */
export interface GuardOptions {
  /** Chain prefix of the proxy it belongs to (default `KUBE`, chain KUBE-SERVICE-GUARD). */
  chainPrefix?: string;
  run?: CommandRunner;
}

function jumps(chain: string): JumpRule[] {
  return (['FORWARD', 'OUTPUT'] as const).map((from) => ({
    table: 'filter' as const,
    from,
    to: chain,
    args: ['-m', 'comment', '--comment', 'k1s service CIDR guard', '-j', chain],
  }));
}

/** The restore input of the guard chain for `serviceCIDRs` (e.g. ['10.43.0.0/16']). Pure. */
export function guardScript(serviceCIDRs: readonly string[], chainPrefix: string = DEFAULT_CHAIN_PREFIX): string {
  const chain = chainNames(chainPrefix).guard;
  const rules = serviceCIDRs.map(
    (cidr) => `-A ${chain} -d ${cidr} -m comment --comment "service traffic no proxy rule translated" -j REJECT --reject-with icmp-port-unreachable`,
  );
  return ['*filter', `:${chain} - [0:0]`, ...rules, 'COMMIT', ''].join('\n');
}

/** Installs (or rewrites) the guard chain and its jumps, first in FORWARD and OUTPUT. Throws when iptables fails. */
export async function ensureServiceCidrGuard(serviceCIDRs: readonly string[], options: GuardOptions = {}): Promise<void> {
  const run = options.run ?? runCommand;
  const prefix = options.chainPrefix ?? DEFAULT_CHAIN_PREFIX;
  await iptablesRestore(run, guardScript(serviceCIDRs, prefix));
  for (const j of jumps(chainNames(prefix).guard)) await ensureJump(run, j);
}

/** Removes the guard's jumps and chain; idempotent, never throws (errors are returned). */
export async function removeServiceCidrGuard(options: GuardOptions = {}): Promise<string[]> {
  const run = options.run ?? runCommand;
  const chain = chainNames(options.chainPrefix ?? DEFAULT_CHAIN_PREFIX).guard;
  const errors: string[] = [];
  try {
    for (const j of jumps(chain)) await deleteJump(run, j);
    if ((await listChains(run, 'filter')).has(chain)) await iptablesRestore(run, `*filter\n:${chain} - [0:0]\n-X ${chain}\nCOMMIT\n`);
  } catch (err) {
    errors.push(`remove ${chain}: ${(err as Error).message}`);
  }
  return errors;
}
