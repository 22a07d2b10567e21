/** The resource metrics API (metrics.k8s.io) the simulator serves in place of metrics-server. */
export { handleMetrics, type MetricsSource } from './metrics-handler.js';
export { METRICS_API_VERSION, METRICS_WINDOW, cpuQuantity, nodeMetrics, podMetrics } from './metrics-objects.js';
