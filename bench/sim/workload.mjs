/**
 * The benchmarks' simulated workload: namespaces `team-N`, and pods of `api-N` apps (20 replicas
 * each) created already bound to the nodes (the kubelets still run them), or as Deployments.
 */
export const REPLICAS = 20;

export function podTemplate(app) {
  return {
    metadata: { labels: { app } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}

/** `r`: the resource table entries for namespaces, pods and deployments. */
export function createNamespaces(sim, r, count) {
  for (let n = 0; n < count; n++) sim.store.create(r.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${n}` } });
}

export function createBoundPods(sim, r, { podCount, nodeCount, namespaceCount, first = 0 }) {
  for (let i = first; i < first + podCount; i++) {
    const app = `api-${Math.floor(i / REPLICAS)}`;
    const namespace = `team-${Math.floor(i / REPLICAS) % namespaceCount}`;
    const template = podTemplate(app);
    sim.store.create(r.pods, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { ...template.metadata, name: `${app}-${i % REPLICAS}`, namespace },
      spec: { ...template.spec, nodeName: `sim-worker-${(i % nodeCount) + 1}` },
    }, { namespace });
  }
}

export function createDeployments(sim, r, { podCount, namespaceCount }) {
  for (let d = 0; d * REPLICAS < podCount; d++) {
    const app = `api-${d}`;
    sim.store.create(r.deployments, {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: app, namespace: `team-${d % namespaceCount}`, labels: { app } },
      spec: { replicas: Math.min(REPLICAS, podCount - d * REPLICAS), selector: { matchLabels: { app } }, template: podTemplate(app) },
    }, { namespace: `team-${d % namespaceCount}` });
  }
}

export function countRunning(sim, r) {
  const { items } = sim.store.list(r.pods);
  return { total: items.length, running: items.filter((p) => p.status?.phase === 'Running').length };
}
