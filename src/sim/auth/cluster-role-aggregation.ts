/**
 * ClusterRole aggregation, as the clusterrole-aggregation controller does it: a ClusterRole with an
 * `aggregationRule` gets, as its rules, the rules of every other ClusterRole its
 * `clusterRoleSelectors` select, taken in name order with duplicates dropped. Aggregates of
 * aggregates (admin ⊃ edit ⊃ view) settle by repeating the pass until nothing changes.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../cluster/objects.js';
import type { SimClock } from '../clock.js';
import { watchAll } from '../controllers/informer.js';
import { WorkQueue } from '../controllers/work-queue.js';
import { lookupResource } from '../resources.js';
import { type LabelSelectorObject, fromSelectorObject, matchesLabels } from '../store/label-selector.js';
import type { ObjectStore } from '../store/object-store.js';
import type { PolicyRule } from './rbac-rules.js';

const clusterRoles = lookupResource('clusterroles.rbac.authorization.k8s.io')!;
/** Bound on passes: each settles one more level of nesting. */
const MAX_PASSES = 10;

function selectorsOf(role: KubeObject): LabelSelectorObject[] | undefined {
  const rule = role['aggregationRule'] as { clusterRoleSelectors?: LabelSelectorObject[] } | null | undefined;
  return rule ? rule.clusterRoleSelectors ?? [] : undefined;
}

/** The rules an aggregated role should hold, given every ClusterRole. */
export function aggregatedRules(role: KubeObject, all: readonly KubeObject[]): PolicyRule[] {
  const selectors = (selectorsOf(role) ?? []).map(fromSelectorObject);
  const selected = all
    .filter((other) => other.metadata.name !== role.metadata.name && selectors.some((s) => matchesLabels(s, other.metadata.labels ?? {})))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  const rules: PolicyRule[] = [];
  for (const other of selected) {
    for (const rule of (other['rules'] as PolicyRule[] | null | undefined) ?? []) {
      if (!rules.some((r) => isDeepStrictEqual(r, rule))) rules.push(rule);
    }
  }
  return rules;
}

/** Brings one aggregated role up to date; true when it changed. */
function syncRole(store: ObjectStore, name: string): boolean {
  const all = store.list(clusterRoles).items;
  const role = all.find((r) => r.metadata.name === name);
  if (!role || selectorsOf(role) === undefined) return false;
  const rules = aggregatedRules(role, all);
  if (isDeepStrictEqual(role['rules'] ?? [], rules) && role['rules'] !== null) return false;
  store.update(clusterRoles, { ...structuredClone(role), rules }, { fieldManager: 'clusterrole-aggregation-controller' });
  return true;
}

/** Aggregates every aggregated ClusterRole now, until a pass changes nothing. */
export function aggregateAll(store: ObjectStore): void {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const names = store.list(clusterRoles).items.filter((r) => selectorsOf(r) !== undefined).map((r) => r.metadata.name);
    let changed = false;
    for (const name of names) changed = syncRole(store, name) || changed;
    if (!changed) return;
  }
}

/** Keeps aggregated ClusterRoles current as ClusterRoles change; returns what stops it. */
export function startClusterRoleAggregation(store: ObjectStore, clock: SimClock): () => void {
  const queue = new WorkQueue(clock, () => aggregateAll(store));
  const stop = watchAll(store, clusterRoles, () => queue.add('all'));
  return () => {
    stop();
    queue.stop();
  };
}
