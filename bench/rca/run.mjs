#!/usr/bin/env node
/**
 * The RCA benchmark: every method on every case of a dataset folder, AC@1, AC@3 and Avg@5 per
 * scenario (RCAEval's definitions) and the time per case, in one run.
 *
 *   npm run build && node bench/rca/run.mjs [DATASET_DIR] [--threshold Z --explain-ratio R] [--ablation] [--verbose]
 *
 * --ablation adds our method with each of its switches turned off in turn (the figures the ADR quotes).
 *
 * DATASET_DIR defaults to ../shared/data/petshop from the repository root. A PetShop dataset is
 * `<scenario>/<split>/issue_N`; the label is read here, from target.json's root_cause, and only
 * here: the methods never see it. An RCAEval dataset is `<system>/<service>_<fault>/<run>` (or
 * `<service>_<fault>/<run>`), labelled by the folder name.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from '../args.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => join(root, 'dist', 'rca', p);
if (!existsSync(dist('methods.js'))) {
  console.error('dist/rca is missing: run `npm run build` first');
  process.exit(2);
}
const { loadCase } = await import(dist('load-case.js'));
const { RCA_METHODS } = await import(dist('methods.js'));
const { graphWalk, DEFAULT_GRAPH_WALK } = await import(dist('graph-walk.js'));
const { accuracyAt, averageAccuracy } = await import(dist('evaluation.js'));

const args = benchArgs({
  numbers: { threshold: undefined, 'explain-ratio': undefined }, flags: ['ablation', 'verbose'],
  usage: 'run.mjs [DATASET_DIR] [--threshold X] [--explain-ratio X] [--ablation] [--verbose]',
});
const datasetDir = resolve(args.positionals[0] ?? join(root, '..', 'shared', 'data', 'petshop'));
const tuned = {
  ...DEFAULT_GRAPH_WALK,
  ...(args.threshold !== undefined ? { threshold: args.threshold } : {}),
  ...(args['explain-ratio'] !== undefined ? { explainRatio: args['explain-ratio'] } : {}),
};
const switches = Object.keys(DEFAULT_GRAPH_WALK).filter((k) => typeof DEFAULT_GRAPH_WALK[k] === 'boolean');
const ablations = args.ablation
  ? switches.map((k) => ({ ...graphWalk({ ...tuned, [k]: !tuned[k] }), name: `ours, ${k} ${tuned[k] ? 'off' : 'on'}` }))
  : [];
const methods = [graphWalk(tuned), ...ablations, ...RCA_METHODS.slice(1)];

/** Case folders with their scenario and label. */
function findCases(dir) {
  const cases = [];
  const visit = (d, depth) => {
    if (existsSync(join(d, 'target.json')) && existsSync(join(d, 'metrics.csv'))) {
      const target = JSON.parse(readFileSync(join(d, 'target.json'), 'utf8'));
      const split = basename(dirname(d));
      cases.push({ dir: d, scenario: `${basename(dirname(dirname(d)))} (${split})`, truth: target.root_cause.node, metric: target.target.metric });
      return;
    }
    if (['data.csv', 'metrics.csv'].some((f) => existsSync(join(d, f)))) {
      const labelled = basename(d).includes('_') ? basename(d) : basename(dirname(d));
      cases.push({ dir: d, scenario: `${basename(dirname(dirname(d)))}/${labelled.slice(labelled.lastIndexOf('_') + 1)}`, truth: labelled.slice(0, labelled.lastIndexOf('_')) });
      return;
    }
    if (depth > 4) return;
    for (const name of readdirSync(d).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
      const child = join(d, name);
      if (statSync(child).isDirectory() && name !== 'noissue') visit(child, depth + 1);
    }
  };
  visit(dir, 0);
  return cases;
}

const cases = findCases(datasetDir);
if (cases.length === 0) {
  console.error(`no cases under ${datasetDir}`);
  process.exit(2);
}
const results = []; // { scenario, method, ranking, truth, ms }
for (const c of cases) {
  const loaded = await loadCase(c.dir);
  for (const method of methods) {
    const t0 = performance.now();
    const ranking = method.rank(loaded).map((r) => r.component);
    results.push({ scenario: c.scenario, method: method.name, ranking, truth: c.truth, ms: performance.now() - t0 });
  }
}

const scenarios = [...new Set(cases.map((c) => c.scenario)), 'all'];
const pct = (x) => (Number.isNaN(x) ? '  n/a' : `${(x * 100).toFixed(0).padStart(4)}%`);
console.log(`dataset: ${datasetDir} (${cases.length} cases), node ${process.version}`);
console.log('Figures on a PetShop train split are TRAINING figures: the method was tuned on these cases.\n');
console.log(`${'scenario'.padEnd(30)} ${'method'.padEnd(34)} ${'n'.padStart(3)}  AC@1  AC@3 Avg@5  ms/case  empty`);
for (const scenario of scenarios) {
  for (const method of methods) {
    const rows = results.filter((r) => r.method === method.name && (scenario === 'all' || r.scenario === scenario));
    const rankings = rows.map((r) => r.ranking);
    const truths = rows.map((r) => r.truth);
    const ms = rows.reduce((s, r) => s + r.ms, 0) / rows.length;
    const empty = rows.filter((r) => r.ranking.length === 0).length;
    console.log(`${scenario.padEnd(30)} ${method.name.padEnd(34)} ${String(rows.length).padStart(3)} ${pct(accuracyAt(rankings, truths, 1))} ${pct(accuracyAt(rankings, truths, 3))} ${pct(averageAccuracy(rankings, truths, 5))} ${ms.toFixed(2).padStart(8)} ${String(empty).padStart(6)}`);
  }
}
if (args.verbose) {
  for (const r of results) console.log(`${r.scenario} ${r.method}: truth ${r.truth}; top 3 ${JSON.stringify(r.ranking.slice(0, 3))}`);
}
