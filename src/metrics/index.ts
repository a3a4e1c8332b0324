// metrics-server's role (metrics.k8s.io from the kubelets' resource metrics): the public entry of src/metrics.

export { DEFAULT_METRIC_RESOLUTION_MS, createMetricsServer, type MetricsServer, type MetricsServerOptions } from './metrics-server.js';
export type { KubeletClientTls } from './scraper.js';
