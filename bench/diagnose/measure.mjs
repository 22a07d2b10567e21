#!/usr/bin/env node
/**
 * One diagnose of FILE as the CLI does it (read, graph, analyzers, incidents, JSON report), in its
 * own process so that its peak memory is its own. Prints one JSON line of timings and maxRSS.
 *
 *   node bench/diagnose/measure.mjs FILE
 */
import { performance } from 'node:perf_hooks';
import { ClusterGraph, diagnose, loadInputs, toReport } from '../../dist/lib.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: measure.mjs FILE');
  process.exit(2);
}
const t0 = performance.now();
const snapshot = await loadInputs([file]);
const t1 = performance.now();
const graph = new ClusterGraph(snapshot);
const diagnosis = diagnose(graph);
const t2 = performance.now();
const json = JSON.stringify(toReport(diagnosis));
const t3 = performance.now();
const findings = diagnosis.incidents.reduce((n, i) => n + 1 + i.symptoms.length, 0);
console.log(JSON.stringify({
  objects: snapshot.objects.length, incidents: diagnosis.incidents.length, findings, reportBytes: json.length,
  errors: diagnosis.errors, readMs: t1 - t0, analyzeMs: t2 - t1, reportMs: t3 - t2, totalMs: t3 - t0,
  maxRssMB: process.resourceUsage().maxRSS / 1024,
}));
