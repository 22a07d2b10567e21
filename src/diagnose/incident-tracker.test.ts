import { describe, expect, it } from 'vitest';
import type { ObjectRef } from '../cluster/objects.js';
import { IncidentTracker } from './incident-tracker.js';
import type { DiagnosisReport, FindingReport, IncidentReport } from './report.js';

const pod = (name: string): ObjectRef => ({ kind: 'Pod', namespace: 'shop', name });
const deployment: ObjectRef = { kind: 'Deployment', namespace: 'shop', name: 'checkout' };

function finding(mode: string, category: string, subject: ObjectRef): FindingReport {
  return { id: `${mode}-${subject.name}`, mode, category, subject, culprit: subject, explanation: '', confidence: 0.9, severity: 'critical', evidence: [], fixes: [] };
}

function incident(id: string, cause: FindingReport, symptoms: FindingReport[] = [], affected: ObjectRef[] = [cause.subject]): IncidentReport {
  return { id, severity: 'critical', cause, symptoms, affected };
}

function report(at: string, incidents: IncidentReport[]): DiagnosisReport {
  return { at, summary: { incidents: incidents.length, critical: incidents.length, warning: 0, info: 0 }, incidents, errors: [] };
}

describe('IncidentTracker', () => {
  it('opens an incident once, keeps it through replaced pods, and announces a new symptom as an update', () => {
    const tracker = new IncidentTracker();
    const first = tracker.update(report('t1', [incident('inc-a', finding('OOMKilled', 'memory-limit-too-low', pod('checkout-1')), [], [deployment, pod('checkout-1')])]));
    expect(first.map((c) => c.type)).toEqual(['opened']);
    // The pod was replaced: a new report id and subject, the same deployment.
    const replaced = incident('inc-b', finding('OOMKilled', 'memory-limit-too-low', pod('checkout-2')), [], [deployment, pod('checkout-2')]);
    const second = tracker.update(report('t2', [replaced]));
    expect(second.map((c) => [c.type, c.incident.id])).toEqual([['updated', 'inc-a']]);
    expect(tracker.update(report('t3', [replaced]))).toEqual([]);
    const withSymptom = incident('inc-b', replaced.cause, [finding('RolloutStuck', 'new-replicas-failing', deployment)], replaced.affected);
    const third = tracker.update(report('t4', [withSymptom]));
    expect(third).toHaveLength(1);
    expect(third[0]!.incident).toMatchObject({ id: 'inc-a', openedAt: 't1', updatedAt: 't4', status: 'open' });
  });

  it('resolves an incident only after it has been missing from two analyses in a row', () => {
    const tracker = new IncidentTracker();
    const oom = incident('inc-a', finding('OOMKilled', 'memory-limit-too-low', pod('checkout-1')));
    tracker.update(report('t1', [oom]));
    expect(tracker.update(report('t2', []))).toEqual([]);
    expect(tracker.update(report('t3', [oom]))).toEqual([]);
    expect(tracker.update(report('t4', []))).toEqual([]);
    const resolved = tracker.update(report('t5', []));
    expect(resolved.map((c) => c.type)).toEqual(['resolved']);
    expect(resolved[0]!.incident).toMatchObject({ id: 'inc-a', status: 'resolved', resolvedAt: 't5', openedAt: 't1' });
    expect(tracker.current()).toEqual([]);
  });

  it('tells two causes apart even on the same object, and picks up where a previous run stopped', () => {
    const tracker = new IncidentTracker();
    const opened = tracker.update(report('t1', [
      incident('inc-a', finding('OOMKilled', 'memory-limit-too-low', pod('checkout-1'))),
      incident('inc-b', finding('ImagePull', 'tag-not-found', pod('checkout-1'))),
    ]));
    expect(opened.map((c) => c.type)).toEqual(['opened', 'opened']);
    const restarted = new IncidentTracker(tracker.current());
    expect(restarted.update(report('t2', [incident('inc-b', finding('ImagePull', 'tag-not-found', pod('checkout-1')))]))).toEqual([]);
    expect(restarted.current().map((i) => i.id).sort()).toEqual(['inc-a', 'inc-b']);
  });
});
