import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { ago, deployment, event, graphOf, pod, replicaSet } from '../../../test/k8s.js';
import { groupIncidents } from '../incidents.js';
import { imagePullAnalyzer } from './image-pull.js';
import { rolloutStuckAnalyzer } from './rollout-stuck.js';

const NS = 'shop';

const deadline = (rs: string) => ({
  type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs}" has timed out progressing.`,
  lastUpdateTime: ago(2), lastTransitionTime: ago(2),
});
const available = { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' };

/** A Deployment at revision 2: `oldReady` replicas of revision 1 still serve, `fresh` pods of revision 2 are given by the test. */
function midRollout(oldReady: number, conditions: object[], over: Record<string, unknown> = {}) {
  const d = deployment(NS, 'web', {
    metadata: { generation: 2, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: 3 },
    status: { observedGeneration: 2, replicas: oldReady + 1, updatedReplicas: 1, readyReplicas: oldReady, availableReplicas: oldReady, unavailableReplicas: 1, conditions },
    ...over,
  });
  const old = replicaSet(d, '6b7f9c8d5', {
    metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas: oldReady }, status: { replicas: oldReady, readyReplicas: oldReady, availableReplicas: oldReady },
  });
  const fresh = replicaSet(d, '5d4f8b7c9', {
    metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' }, creationTimestamp: ago(20) },
    spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 0, availableReplicas: 0 },
  });
  return { d, old, fresh };
}

function waiting(name: string, owner: KubeObject, reason: string, extra: Record<string, unknown> = {}): KubeObject {
  return pod(NS, name, {
    status: {
      phase: reason === 'ContainerCreating' ? 'Pending' : 'Running',
      conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 6, image: 'registry.example.com/shop/web:2.5.0', imageID: '', state: { waiting: { reason } }, ...extra }],
    },
  }, owner);
}

describe('rolloutStuckAnalyzer: Deployments', () => {
  it('names the new ReplicaSet and a failing pod when the deadline passes on crashing replicas, and proposes the undo', () => {
    const { d, old, fresh } = midRollout(2, [available, deadline('web-5d4f8b7c9')]);
    const crash = waiting('web-5d4f8b7c9-x8k2p', fresh, 'CrashLoopBackOff', {
      lastState: { terminated: { reason: 'Error', exitCode: 1, startedAt: ago(3), finishedAt: ago(3) } },
    });
    const [f, ...rest] = rolloutStuckAnalyzer.analyze(graphOf([d, old, fresh, crash]));
    expect(rest).toEqual([]);
    expect(f!.rootCause.category).toBe('new-replicas-failing');
    expect(f!.subject).toMatchObject({ kind: 'Deployment', name: 'web' });
    expect(f!.severity).toBe('warning');
    const quotes = f!.evidence.map((e) => e.quote).join('\n');
    expect(quotes).toContain('Progressing False ProgressDeadlineExceeded: ReplicaSet "web-5d4f8b7c9" has timed out progressing.');
    expect(quotes).toContain('NewReplicaSet: web-5d4f8b7c9');
    expect(quotes).toContain('Reason: CrashLoopBackOff');
    expect(quotes).toContain('Exit Code: 1');
    expect(f!.fixes.map((x) => [x.verb, x.change])).toEqual([['rollout-undo', { toRevision: 1 }]]);
  });

  it('is critical with no rollback to propose when nothing serves and no earlier revision had replicas', () => {
    const { d, old, fresh } = midRollout(0, [deadline('web-5d4f8b7c9')]);
    const crash = waiting('web-5d4f8b7c9-x8k2p', fresh, 'CrashLoopBackOff');
    const [f] = rolloutStuckAnalyzer.analyze(graphOf([d, old, fresh, crash]));
    expect(f!.severity).toBe('critical');
    expect(f!.fixes).toEqual([]);
  });

  it('reports failing new pods before the deadline, and the pull failure becomes the incident cause', () => {
    const progressing = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-5d4f8b7c9" is progressing.' };
    const { d, old, fresh } = midRollout(3, [available, progressing]);
    const p = waiting('web-5d4f8b7c9-x8k2p', fresh, 'ImagePullBackOff');
    const failed = event(p, 'Warning', 'Failed', 'Failed to pull image "registry.example.com/shop/web:2.5.0": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/shop/web:2.5.0": failed to resolve reference "registry.example.com/shop/web:2.5.0": registry.example.com/shop/web:2.5.0: not found');
    const graph = graphOf([d, old, fresh, p, failed]);
    const rollout = rolloutStuckAnalyzer.analyze(graph);
    expect(rollout.map((f) => f.rootCause.category)).toEqual(['new-replicas-failing']);
    const [incident, ...others] = groupIncidents([...rollout, ...imagePullAnalyzer.analyze(graph)], graph);
    expect(others).toEqual([]);
    expect(incident!.cause.mode).toBe('ImagePull');
    expect(incident!.symptoms.map((s) => s.mode)).toEqual(['RolloutStuck']);
  });

  it('leaves a young rollout whose new pods are still being created alone', () => {
    const progressing = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-5d4f8b7c9" is progressing.' };
    const { d, old, fresh } = midRollout(3, [available, progressing]);
    expect(rolloutStuckAnalyzer.analyze(graphOf([d, old, fresh, waiting('web-5d4f8b7c9-x8k2p', fresh, 'ContainerCreating')]))).toEqual([]);
  });

  it('leaves a completed rollout alone, and a replica that fails after it completed', () => {
    const done = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-5d4f8b7c9" has successfully progressed.' };
    const d = deployment(NS, 'web', {
      metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } },
      status: { replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 1, conditions: [available, done] },
    });
    const old = replicaSet(d, '6b7f9c8d5', { metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' } }, spec: { replicas: 0 }, status: { replicas: 0 } });
    const current = replicaSet(d, '5d4f8b7c9', { metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } } });
    const g = graphOf([d, old, current, pod(NS, 'web-5d4f8b7c9-a', {}, current), waiting('web-5d4f8b7c9-b', current, 'CrashLoopBackOff')]);
    expect(rolloutStuckAnalyzer.analyze(g)).toEqual([]);
  });

  it('calls new pods that cannot be scheduled insufficient-capacity', () => {
    const { d, old, fresh } = midRollout(3, [available, deadline('web-5d4f8b7c9')]);
    const pending = pod(NS, 'web-5d4f8b7c9-x8k2p', {
      metadata: { creationTimestamp: ago(15) },
      spec: { nodeName: undefined },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }], containerStatuses: [] },
    }, fresh);
    const ev = event(pending, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.', { count: 9 });
    const [f] = rolloutStuckAnalyzer.analyze(graphOf([d, old, fresh, pending, ev]));
    expect(f!.rootCause.category).toBe('insufficient-capacity');
    expect(f!.evidence.map((e) => e.quote).join('\n')).toContain('Insufficient cpu');
    expect(f!.fixes).toEqual([]);
  });

  it('says progress-deadline-exceeded, with less confidence, when no pod of the new ReplicaSet is in the snapshot', () => {
    const d = deployment(NS, 'api', {
      metadata: { annotations: { 'deployment.kubernetes.io/revision': '4' } },
      status: { replicas: 4, updatedReplicas: 1, availableReplicas: 3, unavailableReplicas: 1, conditions: [available, deadline('api-7f8d9c6b5')] },
    });
    const [f] = rolloutStuckAnalyzer.analyze(graphOf([d]));
    expect(f!.rootCause.category).toBe('progress-deadline-exceeded');
    expect(f!.confidence).toBeLessThan(0.7);
    expect(f!.evidence.map((e) => e.quote)).toContain('NewReplicaSet: api-7f8d9c6b5');
  });

  it('finds the new pods by pod-template-hash when the ReplicaSet itself is missing from the snapshot', () => {
    const d = deployment(NS, 'api', { status: { replicas: 2, updatedReplicas: 1, availableReplicas: 1, conditions: [deadline('api-7f8d9c6b5')] } });
    const p = pod(NS, 'api-7f8d9c6b5-zz9xk', {
      metadata: { labels: { app: 'api', 'pod-template-hash': '7f8d9c6b5' } },
      status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'CreateContainerConfigError' } } }] },
    });
    const [f] = rolloutStuckAnalyzer.analyze(graphOf([d, p]));
    expect(f!.rootCause.category).toBe('new-replicas-failing');
    expect(f!.evidence.map((e) => e.quote).join('\n')).toContain('CreateContainerConfigError');
  });

  it('names the new ReplicaSet by its failing pod when ReplicaSets carry no revision (read from describe text)', () => {
    const d = deployment(NS, 'web', { status: { replicas: 4, updatedReplicas: 1, availableReplicas: 3, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } });
    const partial = (hash: string) => replicaSet(d, hash, { metadata: { annotations: { 'kubetriage.io/partial': 'true', 'deployment.kubernetes.io/revision': undefined } } });
    const fresh = partial('5d4f8b7c9');
    const old = partial('6b7f9c8d5');
    const [f] = rolloutStuckAnalyzer.analyze(graphOf([d, fresh, old, pod(NS, 'web-6b7f9c8d5-a', {}, old), waiting('web-5d4f8b7c9-x8k2p', fresh, 'CrashLoopBackOff')]));
    expect(f!.rootCause.category).toBe('new-replicas-failing');
    expect(f!.evidence.map((e) => e.quote).join('\n')).toContain('NewReplicaSet: web-5d4f8b7c9');
    expect(f!.fixes).toEqual([]);
  });

  it('reports a paused Deployment as info when complete, warning halfway, with a resume patch and its inverse', () => {
    const paused = { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' };
    const done = deployment(NS, 'web', { spec: { paused: true }, status: { conditions: [available, paused] } });
    const half = deployment(NS, 'api', { spec: { paused: true, replicas: 4 }, status: { replicas: 4, updatedReplicas: 1, availableReplicas: 4, conditions: [available, paused] } });
    const findings = rolloutStuckAnalyzer.analyze(graphOf([done, half]));
    expect(findings.map((f) => [f.subject.name, f.rootCause.category, f.severity])).toEqual([['web', 'paused', 'info'], ['api', 'paused', 'warning']]);
    const fix = findings[0]!.fixes[0]!;
    expect(fix.change).toEqual({ type: 'merge', patch: { spec: { paused: false } } });
    expect(fix.inverse?.change).toEqual({ type: 'merge', patch: { spec: { paused: true } } });
  });
});

describe('rolloutStuckAnalyzer: StatefulSets and DaemonSets', () => {
  it('reports a StatefulSet whose updated pod fails while older pods serve', () => {
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'ledger', namespace: NS, uid: 'sts-1' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'ledger' } } },
      status: { replicas: 3, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 1, currentRevision: 'ledger-6f9d8', updateRevision: 'ledger-7c4b2' },
    } as KubeObject;
    const healthy = pod(NS, 'ledger-0', { metadata: { labels: { app: 'ledger', 'controller-revision-hash': 'ledger-6f9d8' } } }, sts);
    healthy.metadata.labels = { app: 'ledger', 'controller-revision-hash': 'ledger-6f9d8' };
    const broken = waiting('ledger-2', sts, 'CrashLoopBackOff');
    broken.metadata.labels = { app: 'ledger', 'controller-revision-hash': 'ledger-7c4b2' };
    const [f] = rolloutStuckAnalyzer.analyze(graphOf([sts, healthy, broken]));
    expect(f!.rootCause.category).toBe('new-replicas-failing');
    expect(f!.severity).toBe('warning');
    expect(f!.fixes[0]!.verb).toBe('rollout-undo');
  });

  it('reports a DaemonSet update that fails, but not a failing pod of the same revision as the healthy ones', () => {
    const ds = (name: string, updated: number) => ({
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'kube-system', uid: `ds-${name}` },
      spec: { selector: { matchLabels: { app: name } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: updated, numberReady: 2, numberAvailable: 2, numberUnavailable: 1, numberMisscheduled: 0 },
    }) as KubeObject;
    const member = (owner: KubeObject, name: string, hash: string, reason?: string): KubeObject => {
      const p = reason ? waiting(name, owner, reason) : pod(NS, name, {}, owner);
      p.metadata.namespace = 'kube-system';
      p.metadata.labels = { app: owner.metadata.name, 'controller-revision-hash': hash };
      return p;
    };
    const updating = ds('log-agent', 1);
    const steady = ds('node-exporter', 3);
    const objects = [
      updating, member(updating, 'log-agent-a', 'old1'), member(updating, 'log-agent-b', 'old1'), member(updating, 'log-agent-c', 'new2', 'ImagePullBackOff'),
      steady, member(steady, 'node-exporter-a', 'h1'), member(steady, 'node-exporter-b', 'h1'), member(steady, 'node-exporter-c', 'h1', 'CrashLoopBackOff'),
    ];
    const findings = rolloutStuckAnalyzer.analyze(graphOf(objects));
    expect(findings.map((f) => f.subject.name)).toEqual(['log-agent']);
    expect(findings[0]!.rootCause.category).toBe('new-replicas-failing');
  });
});
