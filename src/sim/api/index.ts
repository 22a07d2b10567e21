/** The simulated API server: start it, point a kubeconfig at it. */
export { startSimServer, type SimServer, type SimServerOptions } from './server.js';
export { kubeconfigFor, writeKubeconfig, SIM_CONTEXT } from './kubeconfig.js';
