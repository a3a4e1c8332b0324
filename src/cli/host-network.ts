/**
 * The host-wide names of one data dir's node besides its bridge (which its CNI conflist records): the iptables
 * chain prefix of its service proxy and service-CIDR guard, so that servers on different data dirs share a
 * machine without touching each other's rules, and `k1s killall --data-dir D` removes only D's.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from './common-flags.js';

/** Characters a chain prefix may use (chainNames accepts [A-Z0-9]). */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * The proxy chain prefix of `dataDir`: `KUBE` for the default data dir (/var/lib/k1s), so a single install
 * keeps kube-proxy's own names (KUBE-SERVICES, KUBE-SVC-<hash>, KUBE-SERVICE-GUARD) that upstream docs and
 * tools show; otherwise `K1S` + 4 characters of sha256(absolute data dir) (K1SQ7ZB-SERVICES, K1SQ7ZB-SVC-<hash>,
 * K1SQ7ZB-SERVICE-GUARD), 7 characters so KUBE-SVC-<16>'s counterpart stays within iptables' 28. Deterministic:
 * the server and a later `k1s killall` on the same path agree without stored state. Pure.
 */
export function chainPrefixFor(dataDir: string): string {
  const dir = resolve(dataDir);
  if (dir === resolve(DEFAULT_DATA_DIR)) return 'KUBE';
  const digest = createHash('sha256').update(dir).digest();
  return `K1S${[...digest.subarray(0, 4)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}
