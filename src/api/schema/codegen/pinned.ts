/**
 * The upstream sources k1s's generated tables are derived from: kubernetes/api and kubernetes/apimachinery at
 * v0.32.0 (Kubernetes v1.32), by tag and commit, shared by the schema-table and wire-schema generators.
 */

/** A pinned git source: repository, tag and the commit the tag names. */
export interface PinnedSource {
  repo: string;
  tag: string;
  commit: string;
}

/** k8s.io/api v0.32.0. */
export const PINNED_API: PinnedSource = { repo: 'kubernetes/api', tag: 'v0.32.0', commit: 'e622342ab4abd51157f8fd650186575bab46777c' };

/** k8s.io/apimachinery v0.32.0. */
export const PINNED_APIMACHINERY: PinnedSource = {
  repo: 'kubernetes/apimachinery',
  tag: 'v0.32.0',
  commit: '59e9003f02d6f0c8fff53719a7a0604ec82ee9a9',
};
