// Removes the iptables rules CNI plugins (bridge ipMasq, portmap) left for sandboxes whose teardown never ran.

import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The iptables-restore script deleting every rule of `save` (iptables-save output of one or more tables)
 * whose comment names one of `sandboxIds` (CNI writes `--comment "name: \"<net>\" id: \"<id>\""`), then
 * flushing and deleting the per-sandbox chains those rules jump to (CNI-<hash>, CNI-DN-<hash>, ...).
 * Rules inside those chains go with the flush. Returns "" when there is nothing to remove. Pure.
 */
export function cniCleanupScript(save: string, sandboxIds: string[]): string {
  const out: string[] = [];
  let table = '';
  let deletes: string[] = [];
  let chains = new Set<string>();
  const ruleLines: { chain: string; rule: string }[] = [];
  const flush = (): void => {
    if (table && (deletes.length > 0 || chains.size > 0)) {
      const ownRules = deletes.filter((d) => !chains.has(d.split(' ')[1] ?? ''));
      out.push(`*${table}`, ...ownRules, ...[...chains].map((c) => `-F ${c}`), ...[...chains].map((c) => `-X ${c}`), 'COMMIT');
    }
    deletes = [];
    chains = new Set();
    ruleLines.length = 0;
  };
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) {
      flush();
      table = line.slice(1).trim();
    } else if (line.startsWith('-A ') && sandboxIds.some((id) => line.includes(`id: \\"${id}\\"`))) {
      deletes.push(`-D ${line.slice(3)}`);
      const target = / -j (CNI-[A-Za-z0-9-]+)/.exec(line)?.[1];
      if (target && target !== 'CNI-HOSTPORT-DNAT' && target !== 'CNI-HOSTPORT-SETMARK' && target !== 'CNI-HOSTPORT-MASQ') chains.add(target);
    } else if (line === 'COMMIT') {
      flush();
      table = '';
    }
  }
  flush();
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/**
 * Deletes the CNI iptables rules and chains of `sandboxIds` from the nat and filter tables (see
 * {@link cniCleanupScript}). Throws when iptables-save or iptables-restore fails.
 */
export async function removeCniIptablesRules(sandboxIds: string[]): Promise<void> {
  if (sandboxIds.length === 0) return;
  for (const table of ['nat', 'filter']) {
    const { stdout } = await run('iptables-save', ['-t', table]);
    const script = cniCleanupScript(stdout, sandboxIds);
    if (script === '') continue;
    await new Promise<void>((resolve, reject) => {
      const child = spawn('iptables-restore', ['--noflush'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`iptables-restore (${table}): ${stderr.trim()} (exit code ${code})`))));
      child.stdin.end(script);
    });
  }
}
