#!/usr/bin/env node
/**
 * The diagnose benchmark: a realistic snapshot of 150,000 pods on 5,000 nodes with a few percent
 * failing, diagnosed end to end, against the baseline measured in the same run: `JSON.parse` of the
 * same items (DESIGN.md, "Benchmarks: what a baseline is").
 *
 *   npm run build && node bench/diagnose/run.mjs [FILE] [--pods 150000] [--nodes 5000]
 *
 * FILE is generated (bench/out/, git-ignored) when it does not exist. Aims: ratio <= 1.5, peak
 * memory <= 2 GB.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from '../args.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { pods, nodes, positionals } = benchArgs({ numbers: { pods: 150_000, nodes: 5_000 }, usage: 'run.mjs [FILE] [--pods N] [--nodes N]' });
const file = positionals[0]
  ?? join(here, '..', 'out', `snapshot-${pods}-pods-${nodes}-nodes.json`);

const node = (script, args, extra = []) => execFileSync(process.execPath, [...extra, join(here, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

if (!existsSync(file)) {
  mkdirSync(dirname(file), { recursive: true });
  console.error(`generating ${file} ...`);
  node('generate.mjs', [file, '--pods', String(pods), '--nodes', String(nodes), '--no-managed-fields']);
}
const mb = statSync(file).size / 1e6;
console.log(`snapshot: ${file} (${mb.toFixed(0)} MB), node ${process.version}`);

const baseline = node('baseline.mjs', [file, '--runs', '1']);
const seconds = (label) => Number(new RegExp(`${label}: .*?\\(([0-9.]+) s\\)`).exec(baseline)?.[1]);
const parseS = seconds('json.parse items');
const readerS = seconds('scanner\\+parse');

const m = JSON.parse(node('measure.mjs', [file]).trim().split('\n').pop());
console.log(`objects: ${m.objects}, incidents: ${m.incidents}, findings: ${m.findings}, analyzer errors: ${m.errors.length}`);
console.log(`baseline json.parse of the items: ${parseS.toFixed(2)} s (${(mb / parseS).toFixed(0)} MB/s)`);
console.log(`reader alone (scanner + parse):   ${readerS.toFixed(2)} s`);
console.log(`diagnose: read ${(m.readMs / 1000).toFixed(2)} s + analyze ${(m.analyzeMs / 1000).toFixed(2)} s + report ${(m.reportMs / 1000).toFixed(2)} s = ${(m.totalMs / 1000).toFixed(2)} s`);
console.log(`ratio diagnose / json.parse: ${(m.totalMs / 1000 / parseS).toFixed(2)} (aim <= 1.5)`);
// What no way of keeping the objects can beat on one thread: parsing every item and analyzing once.
const floorS = readerS + m.analyzeMs / 1000;
console.log(`floor (reader alone + analyze):   ${floorS.toFixed(2)} s, ratio ${(floorS / parseS).toFixed(2)}`);
console.log(`peak memory (maxRSS) of diagnose: ${m.maxRssMB.toFixed(0)} MB (aim <= 2048 MB)`);
