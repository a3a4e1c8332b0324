/** Versions k1s reports: its own, and the Kubernetes API version it serves (kubectl's version skew checks read it). */

/** k1s release version. */
export const K1S_VERSION = '0.1.0';

/** The Kubernetes version whose API k1s serves, as `/version` gitVersion and the kubelet's version. */
export { KUBERNETES_VERSION } from '../api/version.js';
