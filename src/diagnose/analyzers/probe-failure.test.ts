import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import type { ContainerLog } from '../../cluster/snapshot.js';
import { ago, deployment, event, graphOf, log, pod, replicaSet } from '../../../test/k8s.js';
import type { Finding } from '../finding.js';
import { groupIncidents } from '../incidents.js';
import { probeFailureAnalyzer } from './probe-failure.js';

const NS = 'shop';
const CONTAINER_PATH = { involvedObject: { fieldPath: 'spec.containers{app}' } };

interface Setup {
  container?: Record<string, unknown>;
  status?: Record<string, unknown>;
  ready?: boolean;
  replicas?: number;
}

/** A deployment `checkout` with one ReplicaSet and `replicas` pods whose container `app` is shaped by `setup`. */
function workload(setup: Setup): { deploy: KubeObject; rs: KubeObject; pods: KubeObject[] } {
  const deploy = deployment(NS, 'checkout');
  const rs = replicaSet(deploy, '6f7b9c');
  const ready = setup.ready ?? false;
  const pods = Array.from({ length: setup.replicas ?? 1 }, (_, i) => pod(NS, `checkout-6f7b9c-p${i}`, {
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'app', image: 'registry.example.com/checkout:2.3.1', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], ...setup.container }],
    },
    status: {
      phase: 'Running', podIP: `10.244.1.${10 + i}`,
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? undefined : 'ContainersNotReady', message: ready ? undefined : 'containers with unready status: [app]', lastTransitionTime: ago(50) },
        { type: 'ContainersReady', status: ready ? 'True' : 'False' },
        { type: 'PodScheduled', status: 'True' },
      ],
      containerStatuses: [{
        name: 'app', ready, started: true, restartCount: 0, image: 'registry.example.com/checkout:2.3.1', imageID: '',
        state: { running: { startedAt: ago(55) } }, ...setup.status,
      }],
    },
  }, rs));
  return { deploy, rs, pods };
}

function analyze(objects: KubeObject[], logs: ContainerLog[] = []): Finding[] {
  return probeFailureAnalyzer.analyze(graphOf(objects, logs));
}

const HTTP_PROBE = (path: string, port: number | string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ httpGet: { path, port, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, ...extra });

const LIVENESS_KILLED = {
  restartCount: 4,
  state: { running: { startedAt: ago(1) } },
  lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2026-11-20T09:57:25Z', finishedAt: '2026-11-20T09:58:00Z' } },
};

describe('probeFailureAnalyzer', () => {
  it('reads an HTTP 404 from a readiness probe as a wrong path, without a fix when no sibling probe shows the right one', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 8080) } });
    const p = pods[0]!;
    const findings = analyze([deploy, rs, p, event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', { count: 30, ...CONTAINER_PATH })]);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.rootCause.category).toBe('wrong-path');
    expect(f.subject).toEqual({ kind: 'Pod', namespace: NS, name: p.metadata.name });
    expect(f.culprit).toEqual({ kind: 'Deployment', namespace: NS, name: 'checkout' });
    expect(f.rootCause.explanation).toContain('Readiness probe');
    expect(f.rootCause.explanation).toContain('/ready');
    expect(f.evidence.map((e) => e.quote)).toContain('Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404 (x30)');
    expect(f.evidence.map((e) => e.quote)).toContain('Readiness: http-get http://:8080/ready delay=0s timeout=1s period=10s #success=1 #failure=3');
    expect(f.fixes).toEqual([]);
    expect(f.severity).toBe('critical');
  });

  it('proposes the path of a sibling probe that succeeds on the same port', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 8080), livenessProbe: HTTP_PROBE('/healthz', 8080) } });
    const p = pods[0]!;
    const [f] = analyze([deploy, rs, p, event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', { count: 12, ...CONTAINER_PATH })]);
    expect(f!.rootCause.category).toBe('wrong-path');
    expect(f!.fixes).toHaveLength(1);
    expect(f!.fixes[0]!.change).toEqual({ type: 'strategic', patch: { spec: { template: { spec: { containers: [{ name: 'app', readinessProbe: { httpGet: { path: '/healthz' } } }] } } } } });
    expect(f!.fixes[0]!.inverse?.change).toEqual({ type: 'strategic', patch: { spec: { template: { spec: { containers: [{ name: 'app', readinessProbe: { httpGet: { path: '/ready' } } }] } } } } });
  });

  it('reads connection refused on an undeclared port as a wrong port and patches every probe on that port', () => {
    const { deploy, rs, pods } = workload({
      container: { livenessProbe: HTTP_PROBE('/healthz', 8081), readinessProbe: HTTP_PROBE('/ready', 8081) },
      status: LIVENESS_KILLED,
    });
    const p = pods[0]!;
    const findings = analyze([deploy, rs, p,
      event(p, 'Warning', 'Unhealthy', 'Liveness probe failed: Get "http://10.244.1.10:8081/healthz": dial tcp 10.244.1.10:8081: connect: connection refused', { count: 15, ...CONTAINER_PATH }),
      event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: Get "http://10.244.1.10:8081/ready": dial tcp 10.244.1.10:8081: connect: connection refused', { count: 20, ...CONTAINER_PATH }),
      event(p, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { count: 4, ...CONTAINER_PATH }),
    ]);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.rootCause.category).toBe('wrong-port');
    expect(f.rootCause.explanation).toMatch(/^Liveness probe/);
    expect(f.confidence).toBeGreaterThanOrEqual(0.8);
    const quotes = f.evidence.map((e) => e.quote);
    expect(quotes).toContain('Normal Killing: Container app failed liveness probe, will be restarted (x4)');
    expect(quotes.some((q) => q.includes('Exit Code: 137') && q.includes('Restart Count: 4'))).toBe(true);
    expect(quotes).toContain('Ports: http 8080/TCP');
    const patch = (f.fixes[0]!.change as { patch: { spec: { template: { spec: { containers: Record<string, unknown>[] } } } } }).patch;
    expect(patch.spec.template.spec.containers[0]).toEqual({ name: 'app', livenessProbe: { httpGet: { port: 8080 } }, readinessProbe: { httpGet: { port: 8080 } } });
    const inverse = (f.fixes[0]!.inverse!.change as typeof f.fixes[0]['change'] & { patch: typeof patch }).patch;
    expect(inverse.spec.template.spec.containers[0]).toEqual({ name: 'app', livenessProbe: { httpGet: { port: 8081 } }, readinessProbe: { httpGet: { port: 8081 } } });
  });

  it('reads a named probe port the container does not declare as a wrong port', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 'web') } });
    const p = pods[0]!;
    const [f] = analyze([deploy, rs, p, event(p, 'Warning', 'Unhealthy', 'Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "web": invalid syntax', { count: 40, ...CONTAINER_PATH })]);
    expect(f!.rootCause.category).toBe('wrong-port');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f!.rootCause.explanation).toContain('"web"');
  });

  it('does not call connection refused a wrong port when the probe port is declared', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 8080) } });
    const p = pods[0]!;
    const [f] = analyze([deploy, rs, p, event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: Get "http://10.244.1.10:8080/ready": dial tcp 10.244.1.10:8080: connect: connection refused', { count: 20, ...CONTAINER_PATH })]);
    expect(f!.rootCause.category).toBe('unknown');
    expect(f!.rootCause.explanation).toContain('connection refused');
  });

  it('finds a liveness probe that kills an application whose log says it starts in 62 s, and adds a startupProbe', () => {
    const { deploy, rs, pods } = workload({ container: { livenessProbe: HTTP_PROBE('/actuator/health/liveness', 8080, { initialDelaySeconds: 5 }) }, status: LIVENESS_KILLED });
    const p = pods[0]!;
    const logs = [log(NS, p.metadata.name, '2026-11-20T09:40:01.000Z INFO Started CheckoutApplication in 61.874 seconds (process running for 63.2)\n', { container: 'app', previous: true })];
    const [f] = analyze([deploy, rs, p,
      event(p, 'Warning', 'Unhealthy', 'Liveness probe failed: Get "http://10.244.1.10:8080/actuator/health/liveness": dial tcp 10.244.1.10:8080: connect: connection refused', { count: 12, ...CONTAINER_PATH }),
      event(p, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { count: 4, ...CONTAINER_PATH }),
    ], logs);
    expect(f!.rootCause.category).toBe('liveness-kills-slow-start');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.85);
    expect(f!.rootCause.explanation).toContain('35s');
    expect(f!.evidence.map((e) => e.quote).some((q) => q.includes('Started CheckoutApplication in 61.874 seconds'))).toBe(true);
    const fix = f!.fixes[0]!;
    const container = (fix.change as { patch: { spec: { template: { spec: { containers: Record<string, unknown>[] } } } } }).patch.spec.template.spec.containers[0]!;
    // twice 61.874 s is 123.7 s: 13 periods of 10 s
    expect(container['startupProbe']).toEqual({ httpGet: { path: '/actuator/health/liveness', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 13 });
    expect((fix.inverse!.change as { patch: { spec: { template: { spec: { containers: Record<string, unknown>[] } } } } }).patch.spec.template.spec.containers[0]).toEqual({ name: 'app', startupProbe: null });
  });

  it('infers a slow start from a previous log that was still loading when the container was killed', () => {
    const { deploy, rs, pods } = workload({ container: { livenessProbe: HTTP_PROBE('/healthz', 8080, { initialDelaySeconds: 5 }) }, status: LIVENESS_KILLED });
    const p = pods[0]!;
    const previous = [
      '2026-11-20T09:57:25.101Z INFO Starting checkout 2.3.1',
      '2026-11-20T09:57:27.480Z INFO Loading pricing rules',
      '2026-11-20T09:57:58.912Z INFO Loaded 310000 of 600000 pricing rules',
      '2026-11-20T09:57:59.950Z INFO Received SIGTERM, shutting down',
    ].join('\n');
    const [f] = analyze([deploy, rs, p,
      event(p, 'Warning', 'Unhealthy', 'Liveness probe failed: Get "http://10.244.1.10:8080/healthz": dial tcp 10.244.1.10:8080: connect: connection refused', { count: 12, ...CONTAINER_PATH }),
      event(p, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { count: 4, ...CONTAINER_PATH }),
    ], [log(NS, p.metadata.name, previous, { container: 'app', previous: true })]);
    expect(f!.rootCause.category).toBe('liveness-kills-slow-start');
    expect(f!.confidence).toBeLessThan(0.85);
    expect(f!.rootCause.explanation).toContain('had not finished starting');
    expect(f!.fixes[0]!.summary).toContain('allows 120s');
    expect(f!.evidence.map((e) => e.quote)).toContain('2026-11-20T09:57:58.912Z INFO Loaded 310000 of 600000 pricing rules');
  });

  it('does not blame the liveness probe for a slow start when the previous instance crashed on an error', () => {
    const { deploy, rs, pods } = workload({ container: { livenessProbe: HTTP_PROBE('/healthz', 8080, { initialDelaySeconds: 5 }) }, status: LIVENESS_KILLED });
    const p = pods[0]!;
    const previous = '2026-11-20T09:57:25.101Z INFO Starting checkout 2.3.1\n2026-11-20T09:57:58.912Z ERROR Unhandled exception in listener thread\n';
    const [f] = analyze([deploy, rs, p,
      event(p, 'Warning', 'Unhealthy', 'Liveness probe failed: Get "http://10.244.1.10:8080/healthz": dial tcp 10.244.1.10:8080: connect: connection refused', { count: 12, ...CONTAINER_PATH }),
      event(p, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { count: 4, ...CONTAINER_PATH }),
    ], [log(NS, p.metadata.name, previous, { container: 'app', previous: true })]);
    expect(f!.rootCause.category).not.toBe('liveness-kills-slow-start');
  });

  it('leaves a liveness probe alone when a startupProbe guards the start', () => {
    const { deploy, rs, pods } = workload({
      container: { livenessProbe: HTTP_PROBE('/healthz', 8080), startupProbe: HTTP_PROBE('/healthz', 8080, { failureThreshold: 30 }) },
      status: LIVENESS_KILLED,
    });
    const p = pods[0]!;
    const [f] = analyze([deploy, rs, p,
      event(p, 'Warning', 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500', { count: 9, ...CONTAINER_PATH }),
      event(p, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { count: 3, ...CONTAINER_PATH }),
    ], [log(NS, p.metadata.name, 'INFO Started CheckoutApplication in 61.874 seconds\n', { container: 'app', previous: true })]);
    expect(f!.rootCause.category).toBe('application-unhealthy');
  });

  it('reads a timeout under the default 1 s timeout as too short, and raises it', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: { httpGet: { path: '/ready', port: 8080 } } }, status: { state: { running: { startedAt: ago(30) } } } });
    const p = pods[0]!;
    const access = '10.244.1.1 - - [20/Nov/2026:09:59:12 +0000] "GET /ready HTTP/1.1" 200 17 1.742s kube-probe/1.32\n';
    const [f] = analyze([deploy, rs, p,
      event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: Get "http://10.244.1.10:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', { count: 25, ...CONTAINER_PATH }),
    ], [log(NS, p.metadata.name, access, { container: 'app' })]);
    expect(f!.rootCause.category).toBe('timeout-too-short');
    expect(f!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f!.rootCause.explanation).toContain('1.742s');
    const container = (f!.fixes[0]!.change as { patch: { spec: { template: { spec: { containers: Record<string, unknown>[] } } } } }).patch.spec.template.spec.containers[0]!;
    expect(container['readinessProbe']).toEqual({ timeoutSeconds: 5 });
  });

  it('does not call a timeout too short when it is already long', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 8080, { timeoutSeconds: 10 }) } });
    const p = pods[0]!;
    const [f] = analyze([deploy, rs, p,
      event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: Get "http://10.244.1.10:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', { count: 25, ...CONTAINER_PATH }),
    ]);
    expect(f!.rootCause.category).toBe('application-unhealthy');
    expect(f!.fixes).toEqual([]);
  });

  it('reads a 503 whose log names a failing dependency as dependency-failing, linked to that service', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 8080) } });
    const p = pods[0]!;
    const redis = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'sessions', namespace: NS, uid: 'svc-1' }, spec: { selector: { app: 'sessions' }, ports: [{ port: 6379 }] } } as KubeObject;
    const lines = 'INFO GET /ready 503\nERROR readiness check failed: redis sessions:6379: dial tcp 10.96.40.12:6379: connect: connection refused\n';
    const [f] = analyze([deploy, rs, p, redis,
      event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { count: 25, ...CONTAINER_PATH }),
    ], [log(NS, p.metadata.name, lines, { container: 'app' })]);
    expect(f!.rootCause.category).toBe('dependency-failing');
    expect(f!.related).toEqual([{ kind: 'Service', namespace: NS, name: 'sessions' }]);
    expect(f!.evidence.map((e) => e.quote)).toContain('ERROR readiness check failed: redis sessions:6379: dial tcp 10.96.40.12:6379: connect: connection refused');
  });

  it('gives a replica whose log is missing the verdict its sibling\'s log decided', () => {
    const { deploy, rs, pods } = workload({ replicas: 2, container: { readinessProbe: HTTP_PROBE('/ready', 8080) } });
    const events = pods.map((p) => event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { count: 25, ...CONTAINER_PATH }));
    const logs = [log(NS, pods[0]!.metadata.name, 'ERROR readiness: postgres orders-db:5432 connection refused\n', { container: 'app' })];
    const findings = analyze([deploy, rs, ...pods, ...events], logs);
    expect(findings.map((f) => f.rootCause.category)).toEqual(['dependency-failing', 'dependency-failing']);
    const borrowed = findings.find((f) => f.subject.name === pods[1]!.metadata.name)!;
    expect(borrowed.rootCause.explanation).toContain(`log of ${pods[0]!.metadata.name}`);
    expect(borrowed.confidence).toBeLessThan(findings.find((f) => f.subject.name === pods[0]!.metadata.name)!.confidence);
  });

  it('reads a 500 with no dependency in the logs as application-unhealthy', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 8080) } });
    const p = pods[0]!;
    const [f] = analyze([deploy, rs, p, event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 500', { count: 25, ...CONTAINER_PATH })],
      [log(NS, p.metadata.name, 'INFO GET /ready 500\n', { container: 'app' })]);
    expect(f!.rootCause.category).toBe('application-unhealthy');
    expect(f!.rootCause.explanation).toContain('HTTP 500');
  });

  it('reads an exec probe that cannot reach another host as a failing dependency, not as a wrong port', () => {
    const exec = { exec: { command: ['/bin/check', '--db'] }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
    const { deploy, rs, pods } = workload({ container: { readinessProbe: exec } });
    const p = pods[0]!;
    const [f] = analyze([deploy, rs, p, event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: check failed: dial tcp 10.96.0.20:5432: connect: connection refused', { count: 30, ...CONTAINER_PATH })]);
    expect(f!.rootCause.category).toBe('dependency-failing');
    expect(f!.evidence.map((e) => e.quote)).toContain('Readiness: exec [/bin/check --db] delay=0s timeout=1s period=10s #success=1 #failure=3');
  });

  it('explains a 401 as a probe that lacks credentials, without guessing a category', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/admin/health', 8080) } });
    const p = pods[0]!;
    const [f] = analyze([deploy, rs, p, event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 401', { count: 30, ...CONTAINER_PATH })]);
    expect(f!.rootCause.category).toBe('unknown');
    expect(f!.rootCause.explanation).toContain('unauthenticated health path');
  });

  it('gives no finding for a single liveness kill long ago on a pod that is ready now', () => {
    const { deploy, rs, pods } = workload({
      ready: true, container: { livenessProbe: HTTP_PROBE('/healthz', 8080) },
      status: { ...LIVENESS_KILLED, restartCount: 1, state: { running: { startedAt: ago(45) } } },
    });
    const p = pods[0]!;
    const findings = analyze([deploy, rs, p,
      event(p, 'Warning', 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500', { count: 3, minutesAgo: 46, ...CONTAINER_PATH }),
      event(p, 'Normal', 'Killing', 'Container app failed liveness probe, will be restarted', { count: 1, minutesAgo: 46, ...CONTAINER_PATH }),
    ]);
    expect(findings).toEqual([]);
  });

  it('gives no finding for readiness failures of a pod that is ready now, nor of one still within its startup grace', () => {
    const ready = workload({ ready: true, container: { readinessProbe: HTTP_PROBE('/ready', 8080) } });
    const starting = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 8080) }, status: { state: { running: { startedAt: ago(0.5) } } } });
    const msg = 'Readiness probe failed: Get "http://10.244.1.10:8080/ready": dial tcp 10.244.1.10:8080: connect: connection refused';
    expect(analyze([ready.deploy, ready.rs, ready.pods[0]!, event(ready.pods[0]!, 'Warning', 'Unhealthy', msg, { count: 5, minutesAgo: 48, ...CONTAINER_PATH })])).toEqual([]);
    expect(analyze([starting.deploy, starting.rs, starting.pods[0]!, event(starting.pods[0]!, 'Warning', 'Unhealthy', msg, { count: 3, minutesAgo: 0, ...CONTAINER_PATH })])).toEqual([]);
  });

  it('gives no finding for readiness failures last seen hours ago, even on a pod that is not ready', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 8080) }, status: { state: { running: { startedAt: ago(300) } } } });
    const p = pods[0]!;
    const old = event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', { count: 40, minutesAgo: 180, ...CONTAINER_PATH });
    expect(analyze([deploy, rs, p, old])).toEqual([]);
  });

  it('groups the replicas of one workload into one incident, critical when none is ready and warning when one is', () => {
    const { deploy, rs, pods } = workload({ replicas: 3, container: { readinessProbe: HTTP_PROBE('/ready', 8080) } });
    const events = pods.map((p) => event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', { count: 20, ...CONTAINER_PATH }));
    const graph = graphOf([deploy, rs, ...pods, ...events]);
    const findings = probeFailureAnalyzer.analyze(graph);
    expect(findings).toHaveLength(3);
    expect(findings.every((f) => f.severity === 'critical')).toBe(true);
    const incidents = groupIncidents(findings, graph);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.symptoms).toHaveLength(2);

    const healthy = pod(NS, 'checkout-6f7b9c-ok', {}, rs);
    const degraded = probeFailureAnalyzer.analyze(graphOf([deploy, rs, ...pods, healthy, ...events]));
    expect(degraded.every((f) => f.severity === 'warning')).toBe(true);
  });

  it('finds the container from the probe when an event has no field path (describe text)', () => {
    const { deploy, rs, pods } = workload({ container: { readinessProbe: HTTP_PROBE('/ready', 8080) } });
    const p = pods[0]!;
    const sidecar = { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' };
    const withSidecar = { ...p, spec: { ...(p.spec as object), containers: [sidecar, ...((p.spec as { containers: unknown[] }).containers)] } } as KubeObject;
    const [f] = analyze([deploy, rs, withSidecar, event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', { count: 20 })]);
    expect(f!.rootCause.explanation).toContain('container app');
  });
});
