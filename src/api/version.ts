// The Kubernetes version k1s serves (API server `/version`, the kubelet's Node status).

/**
 * The Kubernetes release whose API and kubelet behaviour k1s mirrors, as a semantic version with k1s as
 * build metadata (`+k1s1`, like k3s's `v1.32.0+k3s1`): clients' version checks (`>= 1.32.0`) treat it as
 * 1.32.0, which a pre-release suffix (`-k1s`) would not.
 */
export const KUBERNETES_VERSION = 'v1.32.0+k1s1';
