/**
 * PetShop's anomaly-traversal baseline (baseline_anomaly_traversal.py): the causal graph is the
 * call graph reversed (a callee's behaviour causes its caller's); root causes are anomalous nodes
 * with no anomalous parent that reach the symptom along a fully anomalous path, scored by the
 * largest sum of anomaly scores along such a path.
 */
import { calleesOf } from '../call-graph.js';
import type { RankedComponent, RcaMethod } from '../ranking.js';
import { detectWithMad } from './mad-detector.js';

export const anomalyTraversal: RcaMethod = {
  name: 'PetShop anomaly traversal',
  rank(c) {
    const detection = detectWithMad(c);
    if (!detection || !c.graph || !c.symptom) return [];
    const graph = c.graph;
    const { anomalous } = detection;
    const roots = [...anomalous.keys()].filter((n) => !calleesOf(graph, n).some((callee) => anomalous.has(callee)));
    const best = new Map<string, number>();
    // Paths from the symptom down to each root through anomalous callees only (the reversed paths of the original).
    // networkx's all_simple_paths yields no path from the symptom to itself: the symptom is never a root cause there.
    const walk = (node: string, onPath: Set<string>, sum: number) => {
      if (node !== c.symptom!.component && roots.includes(node)) best.set(node, Math.max(best.get(node) ?? Number.NEGATIVE_INFINITY, sum));
      for (const callee of calleesOf(graph, node)) {
        if (!anomalous.has(callee) || onPath.has(callee)) continue;
        onPath.add(callee);
        walk(callee, onPath, sum + anomalous.get(callee)!);
        onPath.delete(callee);
      }
    };
    walk(c.symptom.component, new Set([c.symptom.component]), anomalous.get(c.symptom.component)!);
    const ranking: RankedComponent[] = [...best].map(([component, score]) => ({
      component, score, evidence: [{ kind: 'call-graph', quote: `anomalous with no anomalous callee; path score ${score}` }],
    }));
    // Python's sort is stable: equal (e.g. infinite) scores keep the order roots were found in.
    return ranking.sort((a, b) => (b.score === a.score ? 0 : b.score - a.score));
  },
};
