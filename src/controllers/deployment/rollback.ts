// Rollback through the deprecated `deprecated.deployment.rollback.to` annotation (rollback.go); kubectl rolls back client-side.

import type { Deployment, ReplicaSet } from '../../api/workloads.js';
import { equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from './hash.js';
import { DEPRECATED_ROLLBACK_TO, lastRevision, revisionOf, setDeploymentAnnotationsTo } from './revisions.js';
import { allReplicaSets, deploymentPath, rollbackTo, type DeploymentContext } from './sync.js';

/** `updateDeploymentAndClearRollbackTo`: PUTs the Deployment without the rollback annotation. */
async function clearRollbackTo(ctx: DeploymentContext, d: Deployment): Promise<void> {
  if (d.metadata.annotations) delete d.metadata.annotations[DEPRECATED_ROLLBACK_TO];
  await ctx.client.update(deploymentPath(d), d);
}

/**
 * `rollback`: copies the template (without pod-template-hash) and annotations of the ReplicaSet of the
 * requested revision (0: the previous one) into the Deployment, records `DeploymentRollback` ("Rolled back
 * deployment "X" to revision N"), or `DeploymentRollbackRevisionNotFound` / `DeploymentRollbackTemplateUnchanged`
 * warnings; the annotation is removed in every case.
 */
export async function rollback(ctx: DeploymentContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await allReplicaSets(ctx, d, rsList, true);
  const all = [...oldRSs, newRS];
  let revision = rollbackTo(d) ?? 0n;
  if (revision === 0n) {
    revision = lastRevision(all);
    if (revision === 0n) {
      ctx.recorder.event(d, 'Warning', 'DeploymentRollbackRevisionNotFound', 'Unable to find last revision.');
      return clearRollbackTo(ctx, d);
    }
  }
  for (const rs of all) {
    if (!rs) continue;
    let v: bigint;
    try {
      v = revisionOf(rs);
    } catch {
      continue;
    }
    if (v !== revision) continue;
    if (!equalIgnoreHash(d.spec.template, rs.spec.template)) {
      const template = structuredClone(rs.spec.template ?? {});
      if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH_LABEL];
      d.spec.template = template;
      setDeploymentAnnotationsTo(d, rs);
      await clearRollbackTo(ctx, d);
      ctx.recorder.event(d, 'Normal', 'DeploymentRollback', `Rolled back deployment ${JSON.stringify(d.metadata.name ?? '')} to revision ${revision}`);
      return;
    }
    ctx.recorder.event(d, 'Warning', 'DeploymentRollbackTemplateUnchanged', `The rollback revision contains the same template as current deployment ${JSON.stringify(d.metadata.name ?? '')}`);
    return clearRollbackTo(ctx, d);
  }
  ctx.recorder.event(d, 'Warning', 'DeploymentRollbackRevisionNotFound', 'Unable to find the revision to rollback to.');
  return clearRollbackTo(ctx, d);
}
