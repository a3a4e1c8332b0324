/**
 * `k1s killall`: like k3s-killall.sh for one data dir — stops and removes every pod sandbox, stops
 * containerd, unmounts what is left under the data dir (the runtime's overlays and netns, and the
 * kubelet's tmpfs emptyDirs of pods it never tore down) and removes the pod network: the data dir's bridge
 * and its iptables chains (prefix chainPrefixFor(dataDir)). Processes are found by pid (containerd's pid file,
 * shims serving its socket), so servers on other data dirs keep running untouched. Run it after stopping the
 * server to leave nothing of k1s running.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cleanupRuntime, mountsUnder } from '../containerd/cleanup.js';
import { cleanupProxyRules, proxyLeftovers, removeServiceCidrGuard } from '../proxy/index.js';
import { chainPrefixFor } from './host-network.js';
import { log } from './log.js';

/** Runs `k1s killall` on the absolute `dataDir`; sets a non-zero exit code when something could not be removed. */
export async function runKillall(dataDir: string): Promise<void> {
  const errors = await killall(dataDir);
  for (const e of errors) log.warn(`killall: ${e}`);
  if (errors.length) process.exitCode = 1;
}

/**
 * killall's work on the absolute `dataDir`; resolves with what could not be removed (never throws), including
 * every proxy or service-CIDR guard chain still in iptables afterwards ("still present: iptables nat chain …").
 */
export async function killall(dataDir: string): Promise<string[]> {
  const report = await cleanupRuntime({ dataDir });
  // Only this data dir's chains: another server on the machine keeps its proxy rules and guard (host-network.ts).
  const chainPrefix = chainPrefixFor(dataDir);
  const errors = [...report.errors, ...(await cleanupProxyRules({ chainPrefix })).errors, ...(await removeServiceCidrGuard({ chainPrefix }))];
  for (const mount of mountsUnder([dataDir])) {
    try {
      await promisify(execFile)('umount', [mount]);
    } catch (err) {
      errors.push(`umount "${mount}": ${(err as Error).message}`);
    }
  }
  for (const left of await proxyLeftovers({ chainPrefix })) if (!errors.some((e) => e.includes(left))) errors.push(`still present: ${left}`);
  return errors;
}
