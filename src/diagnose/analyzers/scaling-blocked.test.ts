import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, deployment, event, graphOf, merge, pod, replicaSet } from '../../../test/k8s.js';
import { groupIncidents } from '../incidents.js';
import { scalingBlockedAnalyzer } from './scaling-blocked.js';

const NS = 'shop';

const METRICS_API_DOWN = 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: '
  + 'unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';

function hpa(name: string, target: string, over: Record<string, unknown> = {}): KubeObject {
  return merge({
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: NS, uid: `hpa-${name}`, creationTimestamp: ago(3000) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: 2, maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    },
    status: { currentReplicas: 2, desiredReplicas: 2 },
  }, over);
}

const able = { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const activeOk = { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' };
const withinRange = { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const cpuAt = (pct: number, milli: string) => [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: pct, averageValue: milli } } }];

describe('scalingBlockedAnalyzer', () => {
  it('reports HPAs that cannot reach the resource metrics API, and links them into one incident', () => {
    const failing = (name: string) => hpa(name, name, {
      status: { conditions: [able, { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: METRICS_API_DOWN, lastTransitionTime: ago(40) }] },
    });
    const a = failing('web');
    const b = failing('api');
    const ev = event(a, 'Warning', 'FailedGetResourceMetric', METRICS_API_DOWN.replace('the HPA was unable to compute the replica count: ', ''), { count: 160, source: { component: 'horizontal-pod-autoscaler' } });
    const graph = graphOf([a, b, ev]);
    const findings = scalingBlockedAnalyzer.analyze(graph);
    expect(findings.map((f) => [f.subject.name, f.rootCause.category, f.severity])).toEqual([['web', 'metrics-unavailable', 'warning'], ['api', 'metrics-unavailable', 'warning']]);
    expect(findings[0]!.culprit).toMatchObject({ kind: 'HorizontalPodAutoscaler', name: 'web' });
    expect(findings[0]!.evidence.map((e) => e.quote).join('\n')).toContain('ScalingActive False FailedGetResourceMetric');
    expect(groupIncidents(findings, graph)).toHaveLength(1);
  });

  it('waits out the first minutes of a metric failure, the normal gap before metrics-server scrapes new pods', () => {
    const fresh = hpa('web', 'web', {
      status: { conditions: [able, { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)', lastTransitionTime: ago(1) }] },
    });
    expect(scalingBlockedAnalyzer.analyze(graphOf([fresh]))).toEqual([]);
  });

  it('blames the target for a missing cpu request and proposes one, from the LimitRange when there is one', () => {
    const d = deployment(NS, 'web', { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/web:2.4.1' }] } } } });
    const message = 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod web-5d4f8b7c9-x8k2p';
    const h = hpa('web', 'web', { status: { conditions: [able, { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message, lastTransitionTime: ago(30) }] } });
    const [f] = scalingBlockedAnalyzer.analyze(graphOf([d, h]));
    expect(f!.rootCause.category).toBe('missing-requests');
    expect(f!.culprit).toEqual({ kind: 'Deployment', namespace: NS, name: 'web' });
    expect(f!.evidence.map((e) => e.quote)).toContain('resources.requests.cpu: <none>');
    const [fix] = f!.fixes;
    expect(JSON.stringify(fix!.change)).toContain('"requests":{"cpu":"100m"}');
    expect(JSON.stringify(fix!.inverse!.change)).toContain('"requests":{"cpu":null}');
    expect(fix!.reason).toContain('conservative 100m');

    const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: NS }, spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '250m' } }] } } as KubeObject;
    const [withDefault] = scalingBlockedAnalyzer.analyze(graphOf([d, h, lr]));
    expect(JSON.stringify(withDefault!.fixes[0]!.change)).toContain('"cpu":"250m"');
  });

  it('finds missing requests in the target\'s pods even before the HPA reports, but not when admission filled them in', () => {
    const d = deployment(NS, 'web', { spec: { template: { spec: { containers: [{ name: 'app', image: 'x' }] } } } });
    const rs = replicaSet(d, '5d4f8');
    const h = hpa('web', 'web');
    const bare = pod(NS, 'web-5d4f8-a', { spec: { containers: [{ name: 'app', image: 'x' }] } }, rs);
    expect(scalingBlockedAnalyzer.analyze(graphOf([d, rs, h, bare])).map((f) => f.rootCause.category)).toEqual(['missing-requests']);
    const defaulted = pod(NS, 'web-5d4f8-a', { spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '100m' } } }] } }, rs);
    expect(scalingBlockedAnalyzer.analyze(graphOf([d, rs, h, defaulted]))).toEqual([]);
  });

  it('reports an HPA held at maxReplicas under load, proposing ×1.5 with the inverse', () => {
    const h = hpa('web', 'web', {
      status: {
        currentReplicas: 10, desiredReplicas: 10, currentMetrics: cpuAt(186, '372m'),
        conditions: [able, activeOk, { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' }],
      },
    });
    const [f] = scalingBlockedAnalyzer.analyze(graphOf([h]));
    expect(f!.rootCause.category).toBe('at-max-replicas');
    const quotes = f!.evidence.map((e) => e.quote).join('\n');
    expect(quotes).toContain('ScalingLimited True TooManyReplicas: the desired replica count is more than the maximum replica count');
    expect(quotes).toContain('186% (372m) / 60%');
    expect(f!.fixes[0]!.change).toEqual({ type: 'merge', patch: { spec: { maxReplicas: 15 } } });
    expect(f!.fixes[0]!.inverse!.change).toEqual({ type: 'merge', patch: { spec: { maxReplicas: 10 } } });
    expect(f!.fixes[0]!.reason).toContain('capacity');
  });

  it('leaves an HPA at its maximum with load below target, and one at its minimum, alone', () => {
    const atMaxQuiet = hpa('web', 'web', { status: { currentReplicas: 10, desiredReplicas: 10, currentMetrics: cpuAt(41, '82m'), conditions: [able, activeOk, withinRange] } });
    const atMin = hpa('api', 'api', {
      status: {
        currentReplicas: 2, desiredReplicas: 2, currentMetrics: cpuAt(12, '24m'),
        conditions: [able, activeOk, { type: 'ScalingLimited', status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' }],
      },
    });
    expect(scalingBlockedAnalyzer.analyze(graphOf([atMaxQuiet, atMin]))).toEqual([]);
  });

  it('reads an autoscaling/v1 HPA: the utilisation fields and the conditions annotation', () => {
    const conditions = JSON.stringify([able, activeOk, { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' }]);
    const v1 = {
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: NS, annotations: { 'autoscaling.alpha.kubernetes.io/conditions': conditions } },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
      status: { currentReplicas: 4, desiredReplicas: 4, currentCPUUtilizationPercentage: 135 },
    } as KubeObject;
    const [f] = scalingBlockedAnalyzer.analyze(graphOf([v1]));
    expect(f!.rootCause.category).toBe('at-max-replicas');
    expect(f!.fixes[0]!.change).toEqual({ type: 'merge', patch: { spec: { maxReplicas: 6 } } });
  });
});
