import { describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, deployment, event, graphOf, merge, pod, replicaSet } from '../../../test/k8s.js';
import type { Finding } from '../finding.js';
import { groupIncidents } from '../incidents.js';
import { serviceUnavailableAnalyzer } from './service-unavailable.js';

const NS = 'shop';

function service(name: string, spec: Record<string, unknown>, namespace = NS): KubeObject {
  return merge({
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, uid: `svc-${namespace}-${name}` },
    spec: { type: 'ClusterIP', clusterIP: '10.96.12.34', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] },
  }, spec);
}

function endpoints(name: string, subsets: unknown[], namespace = NS): KubeObject {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, uid: `ep-${name}` }, subsets } as KubeObject;
}

function ingress(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: NS, uid: `ing-${name}` }, spec } as KubeObject;
}

const rule = (service: string, port: Record<string, unknown>, path = '/'): Record<string, unknown> =>
  ({ host: 'shop.example.com', http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: service, port } } }] } });

interface AppOptions {
  replicas?: number;
  ready?: boolean;
  ports?: unknown[];
  createdMinutesAgo?: number;
}

/** Deployment `checkout` with its ReplicaSet and pods labelled app=checkout. */
function app(options: AppOptions = {}): KubeObject[] {
  const deploy = deployment(NS, 'checkout');
  const rs = replicaSet(deploy, '6f7b9c');
  const ready = options.ready ?? true;
  const pods = Array.from({ length: options.replicas ?? 2 }, (_, i) => pod(NS, `checkout-6f7b9c-p${i}`, {
    metadata: { creationTimestamp: ago(options.createdMinutesAgo ?? 60) },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/checkout:2.3.1', ports: options.ports ?? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
    status: {
      podIP: `10.244.1.${10 + i}`,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: ago(50), ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }) }],
      containerStatuses: [{ name: 'app', ready, restartCount: ready ? 0 : 6, image: 'registry.example.com/checkout:2.3.1', imageID: '', state: ready ? { running: { startedAt: ago(55) } } : { waiting: { reason: 'CrashLoopBackOff' } } }],
    },
  }, rs));
  return [deploy, rs, ...pods];
}

function analyze(objects: KubeObject[]): Finding[] {
  return serviceUnavailableAnalyzer.analyze(graphOf(objects));
}

describe('serviceUnavailableAnalyzer: services', () => {
  it('gives no finding for a service with ready endpoints and a named targetPort that resolves', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }] } });
    const ep = endpoints('checkout', [{ addresses: [{ ip: '10.244.1.10' }, { ip: '10.244.1.11' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);
    expect(analyze([...app(), svc, ep])).toEqual([]);
  });

  it('names a selector typo, quotes both label sets, and patches the selector to the closest workload', () => {
    const svc = service('checkout', { spec: { selector: { app: 'chekout' } } });
    const findings = analyze([...app(), svc, endpoints('checkout', [])]);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.rootCause.category).toBe('selector-mismatch');
    expect(f.subject).toEqual({ kind: 'Service', namespace: NS, name: 'checkout' });
    expect(f.culprit).toEqual(f.subject);
    // A separate cause from whatever the closest workload suffers: not linked to it.
    expect(f.related).toBeUndefined();
    expect(f.severity).toBe('critical');
    expect(f.confidence).toBeGreaterThanOrEqual(0.9);
    const quotes = f.evidence.map((e) => e.quote);
    expect(quotes).toContain('Selector: app=chekout');
    expect(quotes).toContain('Pod Template Labels: app=checkout');
    expect(quotes).toContain('Subsets: <none>');
    expect(f.rootCause.explanation).toContain('deployment/checkout');
    expect(f.fixes[0]!.change).toEqual({ type: 'merge', patch: { spec: { selector: { app: 'checkout' } } } });
    expect(f.fixes[0]!.inverse!.change).toEqual({ type: 'merge', patch: { spec: { selector: { app: 'chekout' } } } });
  });

  it('drops a selector pair the closest workload does not carry', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout', tier: 'web' } } });
    const [f] = analyze([...app(), svc]);
    expect(f!.fixes[0]!.change).toEqual({ type: 'merge', patch: { spec: { selector: { tier: null } } } });
    expect(f!.fixes[0]!.inverse!.change).toEqual({ type: 'merge', patch: { spec: { selector: { tier: 'web' } } } });
  });

  it('proposes no selector fix when two workloads are equally close', () => {
    const other = deployment(NS, 'checkout-canary', { spec: { template: { metadata: { labels: { app: 'checkout', track: 'canary' } } } } });
    const svc = service('checkout', { spec: { selector: { app: 'checkout', track: 'stable' } } });
    const deploy = deployment(NS, 'checkout', { spec: { template: { metadata: { labels: { app: 'checkout', track: 'main' } } } } });
    const [f] = analyze([deploy, other, pod(NS, 'unrelated', {}), svc]);
    expect(f!.rootCause.category).toBe('selector-mismatch');
    expect(f!.fixes).toEqual([]);
    expect(f!.confidence).toBeLessThan(0.9);
  });

  it('does not judge a selector when the input holds nothing about the namespace\'s pods', () => {
    const svc = service('checkout', { spec: { selector: { app: 'chekout' } } }, 'billing');
    expect(analyze([...app(), svc])).toEqual([]);
  });

  it('reports no ready endpoints when the selected pods all fail, relating their workload', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' } } });
    const ep = endpoints('checkout', [{ notReadyAddresses: [{ ip: '10.244.1.10' }, { ip: '10.244.1.11' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);
    const findings = analyze([...app({ ready: false }), svc, ep]);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.rootCause.category).toBe('no-ready-endpoints');
    expect(f.related).toEqual([{ kind: 'Deployment', namespace: NS, name: 'checkout' }]);
    expect(f.severity).toBe('critical');
    const quotes = f.evidence.map((e) => e.quote);
    expect(quotes).toContain('Addresses: <none>; NotReadyAddresses: 10.244.1.10,10.244.1.11');
    expect(quotes).toContain('Ready: False (ContainersNotReady: containers with unready status: [app])');
  });

  it('gives pods that were just created time to become ready', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' } } });
    expect(analyze([...app({ ready: false, createdMinutesAgo: 0.5 }), svc])).toEqual([]);
  });

  it('does not require readiness of a service that publishes not-ready addresses', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' }, publishNotReadyAddresses: true } });
    expect(analyze([...app({ ready: false }), svc])).toEqual([]);
  });

  it('finds a named targetPort that no container declares and targets the only declared port by its name', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'web' }] } });
    const [f] = analyze([...app(), svc, endpoints('checkout', [])]);
    expect(f!.rootCause.category).toBe('target-port-mismatch');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f!.fixes[0]!.change).toEqual({ type: 'merge', patch: { spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }] } } });
    expect(f!.fixes[0]!.inverse!.change).toEqual({ type: 'merge', patch: { spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'web' }] } } });
  });

  it('is sure of a numeric targetPort mismatch when endpoints are ready and the pods declare one other port', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] } });
    const ep = endpoints('checkout', [{ addresses: [{ ip: '10.244.1.10' }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    const [f] = analyze([...app({ ports: [{ containerPort: 3000, protocol: 'TCP' }] }), svc, ep]);
    expect(f!.rootCause.category).toBe('target-port-mismatch');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.85);
    expect(f!.severity).toBe('critical');
    expect(f!.evidence.map((e) => e.quote)).toContain('Port: <unset> 80/TCP; TargetPort: 8080/TCP');
    expect(f!.evidence.map((e) => e.quote)).toContain('Ports: 3000/TCP (container app)');
    expect((f!.fixes[0]!.change as { patch: { spec: { ports: { targetPort: unknown }[] } } }).patch.spec.ports[0]!.targetPort).toBe(3000);
  });

  it('only suspects a numeric targetPort mismatch when the pods declare several other ports, and proposes no fix', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] } });
    const [f] = analyze([...app({ ports: [{ containerPort: 3000 }, { containerPort: 9090 }] }), svc]);
    expect(f!.confidence).toBeLessThan(0.7);
    expect(f!.severity).toBe('warning');
    expect(f!.fixes).toEqual([]);
  });

  it('says nothing about a numeric targetPort when the containers declare no port', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' }, ports: [{ port: 80, targetPort: 8080 }] } });
    expect(analyze([...app({ ports: [] }), svc])).toEqual([]);
  });

  it('leaves headless services of a StatefulSet, selector-less services and ExternalName services alone', () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'ledger', namespace: NS, uid: 'sts-1' }, spec: { replicas: 1, serviceName: 'ledger', selector: { matchLabels: { app: 'ledger' } }, template: { metadata: { labels: { app: 'ledger' } } } } } as KubeObject;
    const ledgerPod = pod(NS, 'ledger-0', { metadata: { labels: { app: 'ledger' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ledger', uid: 'sts-1', controller: true }] } });
    const headless = service('ledger', { spec: { clusterIP: 'None', selector: { app: 'ledger' }, ports: [{ port: 5432, targetPort: 5432 }] } });
    const manual = service('legacy-db', { spec: { ports: [{ port: 5432, targetPort: 5432 }] } });
    const manualEp = endpoints('legacy-db', [{ addresses: [{ ip: '192.168.10.5' }], ports: [{ port: 5432 }] }]);
    const external = service('payments', { spec: { type: 'ExternalName', externalName: 'api.payments.example.net', ports: [] } });
    expect(analyze([sts, ledgerPod, headless, manual, manualEp, external, ...app()])).toEqual([]);
  });

  it('still reports a headless service that selects nothing', () => {
    const headless = service('ledger', { spec: { clusterIP: 'None', selector: { app: 'ledgr' } } });
    const ledgerPod = pod(NS, 'ledger-0', { metadata: { labels: { app: 'ledger' } } });
    const [f] = analyze([ledgerPod, headless]);
    expect(f!.rootCause.category).toBe('selector-mismatch');
    expect(f!.rootCause.explanation).toContain('pod/ledger-0');
  });

  it('leaves alone a service whose selected pods have all finished (a completed Job)', () => {
    const done = pod(NS, 'export-28931520-x7k2p', { metadata: { labels: { app: 'export' } }, status: { phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted' }] } });
    const svc = service('export', { spec: { selector: { app: 'export' } } });
    expect(analyze([done, svc])).toEqual([]);
  });

  it('reports a workload that matches the selector but runs no pod, unless it is scaled to zero', () => {
    const running = deployment(NS, 'checkout', { spec: { replicas: 2 } });
    const other = pod(NS, 'unrelated', {});
    const svc = service('checkout', { spec: { selector: { app: 'checkout' } } });
    const [f] = analyze([running, other, svc]);
    expect(f!.rootCause.category).toBe('no-ready-endpoints');
    expect(f!.related).toEqual([{ kind: 'Deployment', namespace: NS, name: 'checkout' }]);
    const parked = deployment(NS, 'checkout', { spec: { replicas: 0 } });
    expect(analyze([parked, other, svc])).toEqual([]);
  });

  it('matches services to pods through the label index, once per service', () => {
    const objects: KubeObject[] = [];
    for (let s = 0; s < 400; s++) {
      objects.push(service(`svc-${s}`, { metadata: { uid: `svc-${s}` }, spec: { selector: { app: `app-${s}` }, ports: [{ port: 80, targetPort: 'http' }] } }));
      for (let p = 0; p < 5; p++) {
        objects.push(pod(NS, `app-${s}-${p}`, { metadata: { labels: { app: `app-${s}` } }, spec: { containers: [{ name: 'app', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] } }));
      }
    }
    const graph = graphOf(objects);
    const selected = vi.spyOn(graph, 'servicePods');
    const allPods = vi.spyOn(graph, 'pods');
    const started = performance.now();
    expect(serviceUnavailableAnalyzer.analyze(graph)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(selected).toHaveBeenCalledTimes(400);
    expect(allPods.mock.calls.length).toBeLessThanOrEqual(2);
  });
});

describe('serviceUnavailableAnalyzer: ingresses', () => {
  const healthySvc = (): KubeObject[] => [
    ...app(),
    service('checkout', { spec: { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }] } }),
    endpoints('checkout', [{ addresses: [{ ip: '10.244.1.10' }], ports: [{ name: 'http', port: 8080 }] }]),
  ];

  it('names a backend service that does not exist', () => {
    const ing = ingress('storefront', { ingressClassName: 'nginx', rules: [rule('checkout', { number: 80 }), rule('catalog', { number: 80 }, '/catalog')] });
    const findings = analyze([...healthySvc(), ing]);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.rootCause.category).toBe('missing-backend-service');
    expect(f.subject).toEqual({ kind: 'Ingress', namespace: NS, name: 'storefront' });
    expect(f.culprit).toEqual(f.subject);
    expect(f.evidence.map((e) => e.quote)).toEqual(['shop.example.com /catalog catalog:80 (<error: services "catalog" not found>)']);
  });

  it('names a backend port the service does not have and points it at the only port', () => {
    const ing = ingress('storefront', { rules: [rule('checkout', { number: 8080 })] });
    const [f] = analyze([...healthySvc(), ing]);
    expect(f!.rootCause.category).toBe('missing-backend-port');
    expect(f!.evidence.map((e) => e.quote)).toContain('Port: http 80/TCP');
    const patch = (f!.fixes[0]!.change as { patch: { spec: { rules: { http: { paths: { backend: unknown }[] } }[] } } }).patch;
    expect(patch.spec.rules[0]!.http.paths[0]!.backend).toEqual({ service: { name: 'checkout', port: { number: 80 } } });
    const inverse = (f!.fixes[0]!.inverse!.change as { patch: typeof patch }).patch;
    expect(inverse.spec.rules[0]!.http.paths[0]!.backend).toEqual({ service: { name: 'checkout', port: { number: 8080 } } });
  });

  it('accepts a backend port given by the service port name', () => {
    const ing = ingress('storefront', { rules: [rule('checkout', { name: 'http' })] });
    expect(analyze([...healthySvc(), ing])).toEqual([]);
  });

  it('judges the ingress class and TLS secret only when the input holds classes and secrets', () => {
    const ing = ingress('storefront', { ingressClassName: 'nginx-internal', tls: [{ hosts: ['shop.example.com'], secretName: 'storefront-tls' }], rules: [rule('checkout', { number: 80 })] });
    expect(analyze([...healthySvc(), ing])).toEqual([]);
    const cls = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } } as KubeObject;
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other-tls', namespace: NS }, type: 'kubernetes.io/tls' } as KubeObject;
    const categories = analyze([...healthySvc(), ing, cls, secret]).map((f) => f.rootCause.category).sort();
    expect(categories).toEqual(['missing-ingress-class', 'missing-tls-secret']);
  });

  it('links an ingress whose service has no ready endpoints to that service, in one incident', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' } } });
    const ing = ingress('storefront', { rules: [rule('checkout', { number: 80 })] });
    const graph = graphOf([...app({ ready: false }), svc, ing]);
    const findings = serviceUnavailableAnalyzer.analyze(graph);
    expect(findings.map((f) => `${f.subject.kind}:${f.rootCause.category}`).sort()).toEqual(['Ingress:no-ready-endpoints', 'Service:no-ready-endpoints']);
    const onIngress = findings.find((f) => f.subject.kind === 'Ingress')!;
    expect(onIngress.related).toContainEqual({ kind: 'Service', namespace: NS, name: 'checkout' });
    const incidents = groupIncidents(findings, graph);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.cause.subject.kind).toBe('Service');
  });

  it('quotes a Warning event on the service', () => {
    const svc = service('checkout', { spec: { selector: { app: 'checkout' } } });
    const warn = event(svc, 'Warning', 'FailedToUpdateEndpoint', 'Failed to update endpoint shop/checkout: Operation cannot be fulfilled on endpoints "checkout": the object has been modified; please apply your changes to the latest version and try again', { source: { component: 'endpoint-controller' } });
    const [f] = analyze([...app({ ready: false }), svc, warn]);
    expect(f!.evidence.some((e) => e.quote.startsWith('Warning FailedToUpdateEndpoint'))).toBe(true);
  });
});
