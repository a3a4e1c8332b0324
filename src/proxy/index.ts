/** The service proxy (kube-proxy's iptables mode): what `k1s server` and `k1s killall` use. */
export { startServiceProxy, type ServiceProxy, type ServiceProxyOptions } from './service-proxy.js';
export { cleanupProxyRules, proxyLeftovers, type CleanupOptions, type CleanupReport } from './cleanup.js';
export { createProxyApplier, type ApplyResult, type ProxyApplier } from './applier.js';
export { planProxyRules, renderRestore, type PlannerOptions, type ProxyPlan } from './planner.js';
export { chainNames, DEFAULT_CHAIN_PREFIX, type ProxyScope } from './chains.js';
export { ensureServiceCidrGuard, removeServiceCidrGuard, GUARD_CHAIN, type GuardOptions } from './guard.js';
