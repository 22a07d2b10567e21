#!/usr/bin/env node
/**
 * Time of each analyzer on FILE, in registry order (the first to touch a lazy graph index pays for
 * it), then once more in the same process when every index is built. For finding where analysis
 * time goes; the diagnose benchmark is run.mjs.
 *
 *   node bench/diagnose/per-analyzer.mjs FILE
 */
import { performance } from 'node:perf_hooks';
import { ANALYZERS, ClusterGraph, loadInputs } from '../../dist/lib.js';

const snapshot = await loadInputs([process.argv[2]]);
let t = performance.now();
const graph = new ClusterGraph(snapshot);
console.log(`graph: ${(performance.now() - t).toFixed(0)} ms`);
for (const pass of ['first', 'warm']) {
  for (const analyzer of ANALYZERS) {
    t = performance.now();
    const n = analyzer.analyze(graph).length;
    console.log(`${pass} ${analyzer.mode.padEnd(28)} ${(performance.now() - t).toFixed(0).padStart(6)} ms  ${n} findings`);
  }
}
