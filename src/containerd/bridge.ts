/**
 * The pod bridge, created before the first pod so the node can serve pods on its gateway address (the cluster
 * DNS on port 53, the API server behind the `kubernetes` Service) from start-up. The CNI bridge plugin then
 * finds the bridge with the gateway address it expects and uses it as it is.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Creates bridge `name` when missing, gives it `gatewayCidr` (e.g. `10.42.0.1/24`) when it lacks it, and sets it
 * up. Idempotent. Throws when `ip` fails (not root, a name taken by another kind of link, ...).
 */
export async function ensureBridge(name: string, gatewayCidr: string): Promise<void> {
  const exists = await run('ip', ['-j', 'addr', 'show', 'dev', name]).then(
    (r) => JSON.parse(r.stdout) as { addr_info?: { family: string; local: string; prefixlen: number }[] }[],
    () => undefined,
  );
  if (!exists) await run('ip', ['link', 'add', name, 'type', 'bridge']);
  const [ip, prefix] = gatewayCidr.split('/');
  const has = (exists?.[0]?.addr_info ?? []).some((a) => a.family === 'inet' && a.local === ip && String(a.prefixlen) === prefix);
  if (!has) await run('ip', ['addr', 'add', gatewayCidr, 'dev', name]);
  await run('ip', ['link', 'set', name, 'up']);
}
