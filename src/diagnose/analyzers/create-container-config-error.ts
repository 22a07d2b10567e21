/**
 * CreateContainerConfigError: the kubelet cannot build a container's configuration because a
 * ConfigMap, a Secret, or a key in one, that the container's environment references does not exist.
 * The ConfigMap or Secret is the culprit: every pod of every workload blocked by the same missing
 * object is one incident.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { ConfigMap, Container, CoreEvent, ObjectRef, Secret } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import type { Analyzer } from '../analyzer.js';
import { finding } from '../analyzer.js';
import type { Category, Evidence, Finding } from '../finding.js';
import { eventEvidence, specEvidence, statusEvidence } from '../evidence.js';
import { patchContainer, TEMPLATED_KINDS } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import { containerWaitingWith, describeWaiting, troubledPods, type ContainerView, type PodObj } from '../pod-state.js';

type ConfigCategory = Category<'CreateContainerConfigError'>;
type SourceKind = 'ConfigMap' | 'Secret';

const REASONS: ReadonlySet<string> = new Set(['CreateContainerConfigError']);

// The kubelet's words (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, and the API's NotFound).
const OBJECT_NOT_FOUND = /\b(configmap|secret)s? "([^"]+)" not found/i;
const KEY_NOT_FOUND = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/(\S+)/i;

/** What the kubelet says is missing. */
interface Missing {
  kind: SourceKind;
  name: string;
  namespace: string;
  /** Set for a missing key. */
  key?: string;
  /** The text it was read from, as the kubelet wrote it. */
  message: string;
}

/** An environment entry of the container that reads the missing object. */
interface EnvReference {
  /** The variable's name, or undefined for an `envFrom` entry. */
  variable?: string;
  key?: string;
  field: string;
  quote: string;
}

export const createContainerConfigErrorAnalyzer: Analyzer = {
  mode: 'CreateContainerConfigError',
  description: 'Containers that cannot be created because a ConfigMap, Secret or key they reference is missing',
  analyze(graph: ClusterGraph): Finding[] {
    return troubledPods(graph).flatMap((pod) => {
      const view = containerWaitingWith(pod, REASONS);
      return view ? [podFinding(graph, pod, view)] : [];
    });
  },
};

function podFinding(graph: ClusterGraph, pod: PodObj, view: ContainerView): Finding {
  const waiting = view.status!.state!.waiting!;
  const failed = lastConfigEvent(graph, pod, view);
  const namespace = pod.metadata.namespace ?? '';
  const missing = readMissing(waiting.message, namespace) ?? readMissing(failed?.message, namespace);
  const workload = graph.workloadOf(pod);

  const evidence: Evidence[] = [
    statusEvidence(pod, `${view.statusPath}.state.waiting`, `State: ${describeWaiting(waiting)}`),
  ];
  if (failed) evidence.push(eventEvidence(failed));
  if (!missing) {
    return finding({
      mode: 'CreateContainerConfigError', category: 'unknown', subject: refOf(pod), culprit: workload, evidence,
      explanation: `Container ${view.spec.name} of pod ${pod.metadata.name} cannot be created, but the kubelet's message `
        + `${waiting.message || failed?.message ? `("${waiting.message ?? failed?.message}") names no missing ConfigMap, Secret or key` : 'is not in the snapshot'}: `
        + 'read the pod\'s Failed events (securityContext checks such as runAsNonRoot also end here).',
      confidence: 0.5, severity: 'critical',
    });
  }

  const refs = referencesTo(view.spec, missing);
  for (const r of refs.slice(0, 2)) evidence.push(specEvidence(pod, r.field, r.quote));
  const source = graph.get<ConfigMap | Secret>(missing.kind, missing.namespace, missing.name);
  const keys = source ? keysOf(source) : undefined;
  const state = assess(graph, missing, keys);
  const category: ConfigCategory = missing.key !== undefined ? 'missing-key' : missing.kind === 'ConfigMap' ? 'missing-configmap' : 'missing-secret';
  const culprit: ObjectRef = { kind: missing.kind, namespace: missing.namespace, name: missing.name };

  const replacement = missing.key !== undefined && keys ? nearIdenticalKey(missing.key, keys) : undefined;
  return finding({
    mode: 'CreateContainerConfigError', category, subject: refOf(pod), culprit, related: [workload], evidence,
    explanation: explain(pod, view, missing, refs, keys, replacement, state),
    confidence: state === 'confirmed' ? 0.97 : state === 'unchecked' ? 0.93 : 0.5,
    severity: 'critical',
    fixes: replacement ? keyFix(workload, view, missing, refs, replacement) : [],
  });
}

/** The newest `Failed` event with the kubelet's `Error: <message>` for this container. */
function lastConfigEvent(graph: ClusterGraph, pod: PodObj, view: ContainerView): Obj<CoreEvent> | undefined {
  const events = graph.eventsFor(refOf(pod));
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.reason !== 'Failed' || !e.message?.startsWith('Error: ')) continue;
    if (e.involvedObject.fieldPath && e.involvedObject.fieldPath !== view.fieldPath) continue;
    if (OBJECT_NOT_FOUND.test(e.message) || KEY_NOT_FOUND.test(e.message)) return e;
  }
  return undefined;
}

function readMissing(message: string | undefined, podNamespace: string): Missing | undefined {
  if (!message) return undefined;
  const key = KEY_NOT_FOUND.exec(message);
  if (key) {
    const kind: SourceKind = key[2]!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
    return { kind, key: key[1]!, namespace: key[3]!, name: key[4]!, message };
  }
  const object = OBJECT_NOT_FOUND.exec(message);
  if (object) {
    const kind: SourceKind = object[1]!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
    return { kind, name: object[2]!, namespace: podNamespace, message };
  }
  return undefined;
}

/** The container's `env` and `envFrom` entries that read the missing object (or key). */
function referencesTo(container: Container, missing: Missing): EnvReference[] {
  const refs: EnvReference[] = [];
  for (const env of container.env ?? []) {
    const from = missing.kind === 'ConfigMap' ? env.valueFrom?.configMapKeyRef : env.valueFrom?.secretKeyRef;
    if (!from || from.name !== missing.name || from.optional) continue;
    if (missing.key !== undefined && from.key !== missing.key) continue;
    refs.push({
      variable: env.name, key: from.key, field: `spec.containers[${container.name}].env[${env.name}]`,
      quote: missing.kind === 'ConfigMap'
        ? `${env.name}: <set to the key '${from.key}' of config map '${missing.name}'> Optional: false`
        : `${env.name}: <set to the key '${from.key}' in secret '${missing.name}'> Optional: false`,
    });
  }
  if (missing.key === undefined) {
    for (const from of container.envFrom ?? []) {
      const src = missing.kind === 'ConfigMap' ? from.configMapRef : from.secretRef;
      if (src?.name !== missing.name || src.optional) continue;
      refs.push({ field: `spec.containers[${container.name}].envFrom`, quote: `${missing.name} ${missing.kind} Optional: false` });
    }
  }
  return refs;
}

/** Data keys only: values of Secrets are never read into findings. */
function keysOf(obj: Obj<ConfigMap | Secret>): string[] {
  const data = (obj as { data?: Record<string, unknown> }).data ?? {};
  const extra = obj.kind === 'ConfigMap' ? (obj as Obj<ConfigMap>).binaryData ?? {} : (obj as Obj<Secret>).stringData ?? {};
  return [...new Set([...Object.keys(data), ...Object.keys(extra)])];
}

/**
 * - confirmed: the snapshot holds objects of the namespace and the named one (or its key) is absent
 * - unchecked: the snapshot holds none of that kind in the namespace: the kubelet's word is all there is
 * - stale: the object (and key) exists now: the kubelet should succeed on its next retry
 */
function assess(graph: ClusterGraph, missing: Missing, keys: string[] | undefined): 'confirmed' | 'unchecked' | 'stale' {
  if (!keys) return graph.ofKindIn(missing.kind, missing.namespace).length > 0 ? 'confirmed' : 'unchecked';
  if (missing.key === undefined) return 'stale';
  return keys.includes(missing.key) ? 'stale' : 'confirmed';
}

/** A key that differs only in case or in `_`/`-`/`.`: almost certainly the one meant. */
function nearIdenticalKey(wanted: string, keys: string[]): string | undefined {
  const norm = (k: string): string => k.toLowerCase().replace(/[-_.]/g, '');
  const hits = keys.filter((k) => k !== wanted && norm(k) === norm(wanted));
  return hits.length === 1 ? hits[0] : undefined;
}

function explain(
  pod: PodObj, view: ContainerView, missing: Missing, refs: EnvReference[], keys: string[] | undefined,
  replacement: string | undefined, state: 'confirmed' | 'unchecked' | 'stale',
): string {
  const what = `${missing.kind} ${missing.namespace}/${missing.name}`;
  const head = `Container ${view.spec.name} of pod ${pod.metadata.name} cannot be created: the kubelet reports "${missing.message.replace(/^Error: /, '')}".`;
  const stale = state === 'stale' ? ` The snapshot now holds ${what}${missing.key ? ` with key ${missing.key}` : ''}: the kubelet should succeed on its next retry.` : '';
  if (missing.key !== undefined) {
    const have = keys ? ` ${what} has the keys: ${keys.join(', ') || '(none)'}.` : '';
    const fix = replacement ? ` Key ${replacement} differs only in spelling: the reference is most likely a typo.` : ` Add key ${missing.key} to ${what}, or correct the reference.`;
    return `${head}${have}${fix}${stale}`;
  }
  const keysRead = refs.map((r) => r.key).filter((k): k is string => !!k);
  const needs = keysRead.length ? ` with the keys the pods read (${[...new Set(keysRead)].join(', ')})` : '';
  const command = missing.kind === 'ConfigMap'
    ? `kubectl create configmap ${missing.name} -n ${missing.namespace} --from-literal=KEY=VALUE`
    : `kubectl create secret generic ${missing.name} -n ${missing.namespace} --from-literal=KEY=VALUE`;
  return `${head} No data can be invented for it: create ${what}${needs} from its real source (e.g. ${command}), `
    + `or restore it if it was deleted.${stale}`;
}

function keyFix(workload: ObjectRef, view: ContainerView, missing: Missing, refs: EnvReference[], replacement: string): ActionPlan[] {
  const ref = refs.find((r) => r.variable !== undefined);
  if (!ref?.variable || !TEMPLATED_KINDS.has(workload.kind) || view.init) return [];
  const source = missing.kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
  const env = (key: string): Record<string, unknown> => ({ env: [{ name: ref.variable, valueFrom: { [source]: { name: missing.name, key } } }] });
  return [patchContainer(workload, view.spec.name, env(replacement), env(missing.key!),
    `point ${ref.variable} of container ${view.spec.name} at key ${replacement} of ${missing.kind.toLowerCase()} ${missing.name} (was ${missing.key})`,
    `${missing.kind} ${missing.name} has no key ${missing.key} but has ${replacement}, which differs only in case or separator`)];
}
