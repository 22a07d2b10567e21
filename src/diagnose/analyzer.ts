/**
 * The contract every analyzer keeps: a pure function of the cluster graph (no I/O, no clock: the
 * graph carries `now`) that returns findings, each naming one root cause with its evidence.
 */
import type { ClusterGraph } from '../cluster/graph.js';
import type { ObjectRef } from '../cluster/objects.js';
import type { Category, Evidence, FailureMode, Finding, Severity } from './finding.js';
import type { ActionPlan } from './plan.js';
import { shortHash } from './plan.js';
import { containersOf, type ContainerView, type PodObj } from './pod-state.js';

export interface Analyzer {
  readonly mode: FailureMode;
  /** One line for `--help` and docs. */
  readonly description: string;
  analyze(graph: ClusterGraph): Finding[];
}

export interface FindingInput<M extends FailureMode> {
  mode: M;
  category: Category<M>;
  subject: ObjectRef;
  explanation: string;
  evidence: Evidence[];
  confidence: number;
  severity: Severity;
  fixes?: ActionPlan[];
  /** Where the cause lives; defaults to the subject. */
  culprit?: ObjectRef;
  related?: ObjectRef[];
}

/** Builds a finding with a stable id (mode, category and subject). */
export function finding<M extends FailureMode>(input: FindingInput<M>): Finding {
  const { subject, category, mode } = input;
  const id = `${mode}:${category}:${subject.kind}/${subject.namespace ?? ''}/${subject.name}`;
  const f: Finding = {
    id: `${mode}-${shortHash(id)}`, mode, subject: stripUid(subject), rootCause: { category, explanation: input.explanation },
    evidence: input.evidence, confidence: Math.max(0, Math.min(1, input.confidence)), severity: input.severity,
    fixes: input.fixes ?? [], culprit: stripUid(input.culprit ?? subject),
  };
  if (input.related?.length) f.related = input.related.map(stripUid);
  return f;
}

/**
 * The first finding `analyze` makes about one of a pod's containers, init containers first. A
 * finding's id is per subject and category, so an analyzer that reads containers reports a pod once.
 */
export function firstContainerFinding(pod: PodObj, analyze: (view: ContainerView) => Finding | undefined): Finding | undefined {
  for (const view of containersOf(pod)) {
    const found = analyze(view);
    if (found) return found;
  }
  return undefined;
}

function stripUid(ref: ObjectRef): ObjectRef {
  const out: ObjectRef = { kind: ref.kind, name: ref.name };
  if (ref.namespace) out.namespace = ref.namespace;
  return out;
}
