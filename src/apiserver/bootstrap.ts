/**
 * Start-up objects every cluster has: the namespaces default, kube-system, kube-public and kube-node-lease,
 * Active.
 *
 * Mirrors kube-apiserver's `pkg/controlplane/controller/systemnamespaces` (system namespaces) and
 * `controller/kubernetesservice` (default namespace).
 */
import type { Resources } from './resources.js';

/** The namespaces kube-apiserver creates on start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * The namespaces that may never be deleted (NamespaceLifecycle admission's immortal set: default,
 * kube-system, kube-public). kube-node-lease may be deleted; it is re-created like upstream's
 * system-namespaces controller does.
 */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

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
