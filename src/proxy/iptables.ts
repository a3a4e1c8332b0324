/**
 * The service proxy's calls to iptables (kube-proxy's `pkg/util/iptables` role): a replaceable command
 * runner, iptables-restore --noflush, iptables-save's chain list, and checking, inserting and deleting
 * one rule.
 */
import { spawn } from 'node:child_process';
import type { JumpRule } from './chains.js';

/** Exit code and output of one command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cmd args` with `stdin` (if any) and resolves with its exit code and output; rejects only when
 * the command cannot be started (ENOENT...). Tests substitute a fake.
 */
export type CommandRunner = (cmd: string, args: string[], stdin?: string) => Promise<CommandResult>;

/** {@link CommandRunner} on child processes. */
export const runCommand: CommandRunner = (cmd, args, stdin) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => {}); // a command that exits without reading its input
    child.stdin.end(stdin ?? '');
  });

/** Seconds to wait for the xtables lock (iptables-legacy; iptables-nft ignores it). */
const WAIT = ['-w', '5'];

function failure(what: string, r: CommandResult): Error {
  return new Error(`${what}: ${(r.stderr || r.stdout).trim() || 'no output'} (exit code ${r.code})`);
}

/** Writes `input` with `iptables-restore --noflush`; throws with iptables' message when it fails. */
export async function iptablesRestore(run: CommandRunner, input: string): Promise<void> {
  const r = await run('iptables-restore', [...WAIT, '--noflush'], input);
  if (r.code !== 0) throw failure('iptables-restore', r);
}

/** The chains `iptables-save -t table` lists (`:NAME POLICY [p:b]` lines). Throws when iptables-save fails. */
export async function listChains(run: CommandRunner, table: 'nat' | 'filter'): Promise<Set<string>> {
  const r = await run('iptables-save', ['-t', table]);
  if (r.code !== 0) throw failure(`iptables-save -t ${table}`, r);
  return chainsOfSave(r.stdout);
}

/** The chain names declared in iptables-save output. Pure. */
export function chainsOfSave(save: string): Set<string> {
  const out = new Set<string>();
  for (const l of save.split('\n')) {
    const m = /^:(\S+)\s/.exec(l);
    if (m) out.add(m[1]!);
  }
  return out;
}

/**
 * Makes sure `jump` exists, inserting it first in its built-in chain when `iptables -C` does not find it
 * (kube-proxy's EnsureRule(Prepend)). Returns true when it inserted. Throws on any other failure.
 */
export async function ensureJump(run: CommandRunner, jump: JumpRule): Promise<boolean> {
  const check = await run('iptables', [...WAIT, '-t', jump.table, '-C', jump.from, ...jump.args]);
  if (check.code === 0) return false;
  const insert = await run('iptables', [...WAIT, '-t', jump.table, '-I', jump.from, '1', ...jump.args]);
  if (insert.code !== 0) throw failure(`iptables -t ${jump.table} -I ${jump.from} (jump to ${jump.to})`, insert);
  return true;
}

/** Deletes every copy of `jump` (at most 100); returns how many it deleted. Never throws for a missing rule. */
export async function deleteJump(run: CommandRunner, jump: JumpRule): Promise<number> {
  let n = 0;
  while (n < 100) {
    const r = await run('iptables', [...WAIT, '-t', jump.table, '-D', jump.from, ...jump.args]);
    if (r.code !== 0) break;
    n++;
  }
  return n;
}
