/**
 * The service-CIDR guard: a filter rule, installed at server start before any pod runs and kept until
 * `k1s killall`, that rejects every packet still addressed to the service CIDR after NAT — traffic no proxy rule
 * translated (the proxy not synced yet, the server stopped while pods keep running, an unallocated IP). Without it
 * such packets would follow the default route off the machine. DNAT happens in nat PREROUTING/OUTPUT, before
 * filter FORWARD/OUTPUT, so translated service traffic never matches.
 */
import type { JumpRule } from './chains.js';
import { deleteJump, ensureJump, iptablesRestore, listChains, runCommand, type CommandRunner } from './iptables.js';

/** The guard's chain in the filter table. */
export const GUARD_CHAIN = 'KUBE-SERVICE-GUARD';

function jumps(): JumpRule[] {
  return (['FORWARD', 'OUTPUT'] as const).map((from) => ({
    table: 'filter' as const,
    from,
    to: GUARD_CHAIN,
    args: ['-m', 'comment', '--comment', 'k1s service CIDR guard', '-j', GUARD_CHAIN],
  }));
}

/** The restore input of the guard chain for `serviceCIDRs` (e.g. ['10.43.0.0/16']). Pure. */
export function guardScript(serviceCIDRs: readonly string[]): string {
  const rules = serviceCIDRs.map(
    (cidr) => `-A ${GUARD_CHAIN} -d ${cidr} -m comment --comment "service traffic no proxy rule translated" -j REJECT --reject-with icmp-port-unreachable`,
  );
  return ['*filter', `:${GUARD_CHAIN} - [0:0]`, ...rules, 'COMMIT', ''].join('\n');
}

/** Installs (or rewrites) the guard chain and its jumps, first in FORWARD and OUTPUT. Throws when iptables fails. */
export async function ensureServiceCidrGuard(serviceCIDRs: readonly string[], run: CommandRunner = runCommand): Promise<void> {
  await iptablesRestore(run, guardScript(serviceCIDRs));
  for (const j of jumps()) await ensureJump(run, j);
}

/** Removes the guard's jumps and chain; idempotent, never throws (errors are returned). */
export async function removeServiceCidrGuard(run: CommandRunner = runCommand): Promise<string[]> {
  const errors: string[] = [];
  try {
    for (const j of jumps()) await deleteJump(run, j);
    if ((await listChains(run, 'filter')).has(GUARD_CHAIN)) await iptablesRestore(run, `*filter\n:${GUARD_CHAIN} - [0:0]\n-X ${GUARD_CHAIN}\nCOMMIT\n`);
  } catch (err) {
    errors.push(`remove ${GUARD_CHAIN}: ${(err as Error).message}`);
  }
  return errors;
}
