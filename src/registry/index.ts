/**
 * The list of core/v1 strategies the API server serves generically.
 */
import type { KubeObject } from '../api/types.js';
import { configMapStrategy } from './configmaps.js';
import { eventStrategy } from './events.js';
import { namespaceStrategy } from './namespaces.js';
import { nodeStrategy } from './nodes.js';
import { podStrategy } from './pods.js';
import { secretStrategy } from './secrets.js';
import { serviceAccountStrategy } from './serviceaccounts.js';
import type { Strategy } from './strategy.js';

/**
 * Every core/v1 strategy: pods, namespaces, nodes, events, configmaps, secrets, serviceaccounts.
 * Typed as `Strategy<KubeObject>` for the generic store; each casts its own object type.
 */
export function coreStrategies(): Strategy[] {
  const all = [podStrategy, namespaceStrategy, nodeStrategy, eventStrategy, configMapStrategy, secretStrategy, serviceAccountStrategy];
  // Each strategy is typed by its own kind; the generic store hands it objects of that resource only.
  return all as unknown as Strategy<KubeObject>[];
}
