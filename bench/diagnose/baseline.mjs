#!/usr/bin/env node
/**
 * Measures reading a large JSON List against its honest baseline (DESIGN.md, "Benchmarks: what a
 * baseline is"): `JSON.parse` of the same items, one by one, already split and in memory.
 *
 *   npm run build && node bench/diagnose/baseline.mjs FILE [--runs 3] [--chunk-mib 4]
 *
 * Two passes per run, in one process:
 *  - scanner+parse: the product's reader on the file (read, split, decode, JSON.parse, validate);
 *  - json.parse items: the scanner splits the file into item strings, gathered in batches of
 *    ~256 MB, and only `JSON.parse` of every string of a batch is timed (the baseline). The
 *    splitting pass proves guessed item ends with an untimed JSON.parse, as the reader does.
 * The best of the runs is printed, as wall time and as process CPU time (all threads: on a shared
 * machine CPU time is the steadier figure). MB are 10^6 bytes of the file, for every rate.
 */
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { benchArgs } from '../args.mjs';
import { JsonItemScanner, fileChunks, readJsonFile } from '../../dist/sources/files/json-stream.js';

const args = benchArgs({ numbers: { runs: 3, 'chunk-mib': 4 }, usage: 'baseline.mjs FILE [--runs 3] [--chunk-mib 4]' });
const file = args.positionals[0];
if (!file) {
  console.error('usage: baseline.mjs FILE [--runs 3] [--chunk-mib 4]');
  process.exit(2);
}
const chunkSize = args['chunk-mib'] * 1024 * 1024;
const runs = args.runs;
const bytes = statSync(file).size;
const BATCH_CHARS = 256 * 1024 * 1024;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const rate = (ms) => `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;

async function scannerAndParse() {
  let objects = 0;
  const wall = performance.now();
  const cpu = cpuMs();
  await readJsonFile(file, { object: () => { objects++; } }, { chunkSize });
  return { wall: performance.now() - wall, cpu: cpuMs() - cpu, objects };
}

async function jsonParseItems() {
  let batch = [];
  let batchChars = 0;
  const timed = { wall: 0, cpu: 0, items: 0 };
  const parseBatch = () => {
    const wall = performance.now();
    const cpu = cpuMs();
    for (const text of batch) JSON.parse(text);
    timed.wall += performance.now() - wall;
    timed.cpu += cpuMs() - cpu;
    batch = [];
    batchChars = 0;
  };
  const scanner = new JsonItemScanner(file, {
    item(text, _index, _at, guessed) {
      // A guessed end must be proven, as the reader does; this untimed parse is not the baseline.
      if (guessed) {
        try {
          JSON.parse(text);
        } catch {
          return false;
        }
      }
      timed.items++;
      batch.push(text);
      batchChars += text.length;
      if (batchChars >= BATCH_CHARS) parseBatch();
      return true;
    },
    listOpened() {},
    topLevel(text) { batch.push(text); },
    logBlock() {},
  }, { trackLines: false });
  for await (const chunk of fileChunks(file, chunkSize)) scanner.push(chunk);
  scanner.end();
  parseBatch();
  return timed;
}

console.log(`file: ${file} (${(bytes / 1e6).toFixed(1)} MB), chunk ${chunkSize / 1024 / 1024} MiB, ${runs} runs, node ${process.version}`);
let reader = { wall: Infinity, cpu: Infinity, objects: 0 };
let baseline = { wall: Infinity, cpu: Infinity, items: 0 };
let rssAfterReader = 0;
for (let run = 0; run < runs; run++) {
  const r = await scannerAndParse();
  if (run === 0) rssAfterReader = process.resourceUsage().maxRSS;
  const b = await jsonParseItems();
  reader = { wall: Math.min(reader.wall, r.wall), cpu: Math.min(reader.cpu, r.cpu), objects: r.objects };
  baseline = { wall: Math.min(baseline.wall, b.wall), cpu: Math.min(baseline.cpu, b.cpu), items: b.items };
}
console.log(`items: ${baseline.items} (the reader accepted ${reader.objects} objects)`);
console.log(`json.parse items: ${rate(baseline.wall)} wall (${(baseline.wall / 1000).toFixed(2)} s), ${rate(baseline.cpu)} cpu`);
console.log(`scanner+parse: ${rate(reader.wall)} wall (${(reader.wall / 1000).toFixed(2)} s), ${rate(reader.cpu)} cpu`);
console.log(`ratio scanner+parse / json.parse: ${(reader.wall / baseline.wall).toFixed(2)} wall, ${(reader.cpu / baseline.cpu).toFixed(2)} cpu`);
console.log(`maxRSS after the reader's first pass: ${(rssAfterReader / 1024).toFixed(0)} MB`);
console.log(`maxRSS at end (the baseline holds ~256 MB batches of item strings): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
