/**
 * Start-up objects every cluster has: the namespaces default, kube-system, kube-public and kube-node-lease,
 * Active.
 *
 * Mirrors kube-apiserver's `pkg/controlplane/controller/systemnamespaces` (system namespaces) and
 * `controller/kubernetesservice` (default namespace).
 */
import type { KubeObject } from '../api/types.js';
import type { Resources } from './resources.js';

/** The namespaces kube-apiserver creates on start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export { IMMORTAL_NAMESPACES } from '../registry/namespaces.js';

/** Creates missing system namespaces and makes sure they are Active; a no-op when namespaces are not served. */
export async function bootstrapNamespaces(resources: Resources): Promise<void> {
  const ns = resources.namespaces;
  if (!ns) return;
  for (const name of SYSTEM_NAMESPACES) {
    let obj = await ns.get('', name).catch(() => undefined);
    if (!obj) {
      try {
        obj = await ns.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: false });
      } catch (err) {
        if ((err as { reason?: string }).reason !== 'AlreadyExists') throw err;
        obj = await ns.get('', name);
      }
    }
    const status = obj['status'] as { phase?: string } | undefined;
    if (status?.phase !== 'Active' && !obj.metadata.deletionTimestamp) {
      await ns.guaranteedUpdate('', name, (o) => {
        o['status'] = { ...((o['status'] as object | undefined) ?? {}), phase: 'Active' };
      });
    }
  }
}

/**
 * The system-namespaces loop's trigger (kube-apiserver `systemnamespaces` controller, which re-creates them
 * every minute): when a system namespace (kube-node-lease, the only deletable one) leaves storage, it is
 * created again, Active. Errors are left to the next removal.
 */
export function recreateSystemNamespace(resources: Resources, removed: KubeObject): void {
  if (removed.kind !== 'Namespace' || !SYSTEM_NAMESPACES.includes(removed.metadata.name ?? '')) return;
  void bootstrapNamespaces(resources).catch(() => undefined);
}
