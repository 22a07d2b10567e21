/**
 * The contract every analyzer keeps: a pure function of the cluster graph (no I/O, no clock: the
 * graph carries `now`) that returns findings, each naming one root cause with its evidence.
 */
import type { ClusterGraph } from '../cluster/graph.js';
import type { ObjectRef } from '../cluster/objects.js';
import type { Category, Evidence, FailureMode, Finding, Severity } from './finding.js';
import type { ActionPlan } from './plan.js';
import { shortHash } from './plan.js';

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

function stripUid(ref: ObjectRef): ObjectRef {
  const out: ObjectRef = { kind: ref.kind, name: ref.name };
  if (ref.namespace) out.namespace = ref.namespace;
  return out;
}
