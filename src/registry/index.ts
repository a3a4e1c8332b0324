/**
 * The list of strategies the API server serves generically: core/v1, apps/v1, discovery.k8s.io/v1,
 * rbac.authorization.k8s.io/v1, storage.k8s.io/v1, coordination.k8s.io/v1, node.k8s.io/v1, and the authentication/authorization reviews.
 */
import { parseCidr } from '../api/ipv4.js';
import type { KubeObject } from '../api/types.js';
import { deploymentStrategy } from './apps/deployments.js';
import { replicaSetStrategy } from './apps/replicasets.js';
import { replicationControllerStrategy } from './replicationcontrollers.js';
import { podTemplateStrategy } from './podtemplates.js';
import { endpointSliceStrategy, endpointsStrategy } from './services/endpoints.js';
import { serviceStrategy } from './services/services.js';
import { configMapStrategy } from './configmaps.js';
import { eventStrategy } from './events.js';
import { namespaceStrategy } from './namespaces.js';
import { nodeStrategy } from './nodes.js';
import { podStrategy } from './pods.js';
import { secretStrategy } from './secrets.js';
import { serviceAccountStrategy } from './serviceaccounts.js';
import { withPodSpecWarnings, type PodSpecWarnings } from './pod-spec-warnings.js';
import { serviceAccountTokenSubresource, type TokenGenerator, type TokenSubresourceOptions } from './serviceaccount-token.js';
import { authenticationStrategies } from './authentication.js';
import { authorizationStrategies } from './authorization.js';
import { rbacStrategies } from './rbac/strategies.js';
import { persistentVolumeClaimStrategy } from './storage/persistentvolumeclaims.js';
import { persistentVolumeStrategy } from './storage/persistentvolumes.js';
import { storageClassStrategy } from './storage/storageclasses.js';
import { limitRangeStrategy } from './policy/limitranges.js';
import { leaseStrategy } from './coordination/leases.js';
import { runtimeClassStrategy } from './node/runtimeclasses.js';
import { resourceQuotaStrategy } from './policy/resourcequotas.js';
import type { Strategy } from './strategy.js';

export type { PodSpecWarnings } from './pod-spec-warnings.js';

/** Cluster-wide settings some strategies need (k3s flags `--service-cidr`, `--service-node-port-range`). */
export interface RegistryConfig {
  /** e.g. `10.43.0.0/16`. */
  serviceCIDR: string;
  /** e.g. `30000-32767` (inclusive). */
  serviceNodePortRange: string;
  /**
   * Admission warnings about the pod specs of Pods, Deployments and ReplicaSets (k1s: the multi-container lint,
   * src/lint); absent = none.
   */
  podSpecWarnings?: PodSpecWarnings;
  /** Signs ServiceAccount tokens: with it, serviceaccounts/token (the TokenRequest API) is served. */
  serviceAccountTokens?: TokenGenerator;
  /** Limits of issued tokens (`--service-account-max-token-expiration`, `--service-account-extend-token-expiration`). */
  tokenOptions?: TokenSubresourceOptions;
}

/** k3s's defaults. */
export const DEFAULT_REGISTRY_CONFIG: RegistryConfig = { serviceCIDR: '10.43.0.0/16', serviceNodePortRange: '30000-32767' };

/** Parses `A-B` into an inclusive port range; throws Error when invalid. */
export function parsePortRange(s: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(s);
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1 || max > 65535 || min > max) throw new Error(`invalid port range ${JSON.stringify(s)}: want MIN-MAX within 1-65535`);
  return { min, max };
}

/**
 * Every served strategy: pods, namespaces, nodes, events, configmaps, secrets, serviceaccounts (with serviceaccounts/token
 * when `config.serviceAccountTokens` is given), services, endpoints, replicationcontrollers, podtemplates, persistentvolumes, persistentvolumeclaims, limitranges, resourcequotas (core/v1),
 * deployments, replicasets (apps/v1), endpointslices (discovery.k8s.io/v1), roles, clusterroles and their bindings
 * (rbac.authorization.k8s.io/v1), storageclasses (storage.k8s.io/v1), leases (coordination.k8s.io/v1), runtimeclasses (node.k8s.io/v1), and the reviews served without storage
 * (authentication.k8s.io/v1, authorization.k8s.io/v1); with `config.podSpecWarnings`, pods, deployments,
 * replicasets and replicationcontrollers send its warnings on create and update.
 * Typed as `Strategy<KubeObject>` for the generic store; each casts its own object type. Throws Error for an
 * invalid `config`.
 */
export function coreStrategies(config: RegistryConfig = DEFAULT_REGISTRY_CONFIG): Strategy[] {
  const ports = parsePortRange(config.serviceNodePortRange);
  const services = serviceStrategy({ serviceCIDR: parseCidr(config.serviceCIDR), nodePortMin: ports.min, nodePortMax: ports.max });
  const tokens = config.serviceAccountTokens;
  const serviceAccounts = tokens
    ? {
        ...serviceAccountStrategy,
        info: { ...serviceAccountStrategy.info, subresources: [...serviceAccountStrategy.info.subresources, 'token'] },
        subresources: { ...serviceAccountStrategy.subresources, token: serviceAccountTokenSubresource(tokens, config.tokenOptions) },
      }
    : serviceAccountStrategy;
  const all = [
    podStrategy, namespaceStrategy, nodeStrategy, eventStrategy, configMapStrategy, secretStrategy, serviceAccounts,
    services, endpointsStrategy, replicationControllerStrategy, podTemplateStrategy, deploymentStrategy, replicaSetStrategy, endpointSliceStrategy,
    ...rbacStrategies, ...authenticationStrategies, ...authorizationStrategies,
    persistentVolumeStrategy, persistentVolumeClaimStrategy, storageClassStrategy, limitRangeStrategy, resourceQuotaStrategy,
    leaseStrategy, runtimeClassStrategy,
  ];
  // Each strategy is typed by its own kind; the generic store hands it objects of that resource only.
  const strategies = all as unknown as Strategy<KubeObject>[];
  return config.podSpecWarnings ? withPodSpecWarnings(strategies, config.podSpecWarnings) : strategies;
}
