/**
 * dropTypeDependentFields of kube-apiserver's Service strategy: on an update that changes the type, the fields the
 * old type had allocated or defaulted and the new type has no use for are cleared, as long as the update left them
 * as they were (a value the user changed is kept, and validation then says why it is wrong).
 *
 * Mirrors `pkg/registry/core/service/strategy.go` dropTypeDependentFields: cluster IPs, IP families and the family
 * policy when moving to ExternalName; node ports when moving away from NodePort/LoadBalancer; the health-check node
 * port when it is no longer needed; allocateLoadBalancerNodePorts and loadBalancerClass away from LoadBalancer;
 * externalTrafficPolicy when the Service stops being externally accessible; the load-balancer status whenever the
 * new type is not LoadBalancer.
 */
import type { Service } from '../../api/services.js';

type Spec = NonNullable<Service['spec']>;

const needsClusterIP = (s: Spec): boolean => (s.type ?? 'ClusterIP') !== 'ExternalName';
const needsNodePort = (s: Spec): boolean => s.type === 'NodePort' || s.type === 'LoadBalancer';
const needsHealthCheckNodePort = (s: Spec): boolean => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
/** serviceutil.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with external IPs. */
const externallyAccessible = (s: Spec): boolean => s.type === 'LoadBalancer' || s.type === 'NodePort' || ((s.type ?? 'ClusterIP') === 'ClusterIP' && (s.externalIPs ?? []).length > 0);
const same = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** Clears, in place, what `svc`'s new type no longer needs and the update did not change (see the file comment). */
export function dropTypeDependentFields(svc: Service, old: Service): void {
  const spec = svc.spec;
  const prev = old.spec;
  if (!spec || !prev) return;
  if (needsClusterIP(prev) && !needsClusterIP(spec)) {
    if ((spec.clusterIP ?? '') === (prev.clusterIP ?? '') && same(spec.clusterIPs, prev.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, prev.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === prev.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  const nodePorts = (s: Spec) => (s.ports ?? []).map((p) => p.nodePort ?? 0);
  if (needsNodePort(prev) && !needsNodePort(spec) && same(nodePorts(spec), nodePorts(prev))) {
    for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(prev) && !needsHealthCheckNodePort(spec) && spec.healthCheckNodePort === prev.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (prev.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === prev.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === prev.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(prev) && !externallyAccessible(spec) && spec.externalTrafficPolicy === prev.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (spec.type !== 'LoadBalancer') svc.status = { ...(svc.status ?? {}), loadBalancer: {} };
}
